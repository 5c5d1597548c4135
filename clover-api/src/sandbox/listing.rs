//! Clover's list rules: newest first, `created.gt/gte/lt/lte` filters,
//! `limit` 1 to 100 (10 by default), and cursors that name an object the
//! page then *includes*: `starting_after=X` starts with X itself, and
//! `ending_before=X` ends with it.

use super::errors::Failure;

const DEFAULT_LIMIT: usize = 10;

/// One request's view of a list.
#[derive(Debug, Default)]
pub(crate) struct Window {
    /// Already checked against the spec's bounds by the generated `Validate`.
    pub limit: Option<i32>,
    pub starting_after: Option<String>,
    pub ending_before: Option<String>,
    pub created_gt: Option<i64>,
    pub created_gte: Option<i64>,
    pub created_lt: Option<i64>,
    pub created_lte: Option<i64>,
}

/// The `Window` of a list operation's parameters, which all share its fields.
macro_rules! window_of {
    ($params:ident) => {
        $crate::sandbox::listing::Window {
            limit: $params.limit,
            starting_after: $params.starting_after,
            ending_before: $params.ending_before,
            created_gt: $params.created_gt,
            created_gte: $params.created_gte,
            created_lt: $params.created_lt,
            created_lte: $params.created_lte,
        }
    };
}
pub(super) use window_of;

impl Window {
    fn admits(&self, created: i64) -> bool {
        self.created_gt.is_none_or(|bound| created > bound)
            && self.created_gte.is_none_or(|bound| created >= bound)
            && self.created_lt.is_none_or(|bound| created < bound)
            && self.created_lte.is_none_or(|bound| created <= bound)
    }

    /// The page of `items` (oldest first, as stored, already filtered by
    /// anything but time) and whether more lie beyond it in the direction
    /// of paging.
    pub fn page<T: Clone>(
        &self,
        items: &[T],
        id: impl Fn(&T) -> &str,
        created: impl Fn(&T) -> Option<i64>,
    ) -> Result<(Vec<T>, bool), Failure> {
        let newest_first: Vec<&T> = items
            .iter()
            .rev()
            .filter(|item| self.admits(created(item).unwrap_or_default()))
            .collect();
        let limit = self
            .limit
            .and_then(|limit| usize::try_from(limit).ok())
            .unwrap_or(DEFAULT_LIMIT);
        let position = |cursor: &str, param: &str| {
            newest_first
                .iter()
                .position(|item| id(item) == cursor)
                .ok_or_else(|| {
                    Failure::invalid(
                        param,
                        format!("No object `{cursor}` in this list for `{param}`."),
                    )
                })
        };
        let (range, has_more) = if let Some(cursor) = &self.starting_after {
            let start = position(cursor, "starting_after")?;
            let end = (start + limit).min(newest_first.len());
            (start..end, end < newest_first.len())
        } else if let Some(cursor) = &self.ending_before {
            let end = position(cursor, "ending_before")? + 1;
            let start = end.saturating_sub(limit);
            (start..end, start > 0)
        } else {
            let end = limit.min(newest_first.len());
            (0..end, end < newest_first.len())
        };
        let page = newest_first[range]
            .iter()
            .map(|item| (*item).clone())
            .collect();
        Ok((page, has_more))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Items `(id, created)`, oldest first.
    fn items() -> Vec<(String, i64)> {
        (1..=5).map(|n| (format!("C{n}"), n * 10)).collect()
    }

    fn ids(window: &Window) -> (Vec<String>, bool) {
        let (page, more) = window
            .page(&items(), |item| item.0.as_str(), |item| Some(item.1))
            .unwrap();
        (page.into_iter().map(|item| item.0).collect(), more)
    }

    #[test]
    fn pages_are_newest_first_and_the_cursor_item_is_repeated() {
        let first = Window {
            limit: Some(2),
            ..Window::default()
        };
        assert_eq!(ids(&first), (vec!["C5".into(), "C4".into()], true));
        let next = Window {
            limit: Some(2),
            starting_after: Some("C4".into()),
            ..Window::default()
        };
        assert_eq!(ids(&next), (vec!["C4".into(), "C3".into()], true));
        let last = Window {
            limit: Some(3),
            starting_after: Some("C2".into()),
            ..Window::default()
        };
        assert_eq!(ids(&last), (vec!["C2".into(), "C1".into()], false));
        let back = Window {
            limit: Some(2),
            ending_before: Some("C2".into()),
            ..Window::default()
        };
        assert_eq!(ids(&back), (vec!["C3".into(), "C2".into()], true));
    }

    #[test]
    fn created_filters_bound_the_list() {
        let window = Window {
            created_gt: Some(10),
            created_lte: Some(40),
            ..Window::default()
        };
        assert_eq!(
            ids(&window),
            (vec!["C4".into(), "C3".into(), "C2".into()], false)
        );
    }

    #[test]
    fn an_unknown_cursor_is_refused_naming_it() {
        let window = Window {
            starting_after: Some("nope".into()),
            ..Window::default()
        };
        let failure = window
            .page(&items(), |item| item.0.as_str(), |item| Some(item.1))
            .unwrap_err();
        assert_eq!(failure.detail.param.as_deref(), Some("starting_after"));
    }
}
