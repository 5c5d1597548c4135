//! A YAML document's top-level sections, read on threads of their own.
//!
//! In a block mapping at the top of a document, every line that starts at
//! column 0 with a key begins the next top-level entry: a block scalar or a
//! nested collection is indented further, and a quote or flow collection
//! left open at a boundary leaves the text before it unreadable. So the
//! text splits at those lines into parts that each read as the mapping of
//! their entries, and the parts' mappings, joined in order, are the
//! document's. The caller rereads the whole text when any part fails, so a
//! failure is reported as if the text had been read whole.

/// Splits `text` into at most `parts` contiguous parts, each starting at a
/// top-level key, at the keys nearest to equal lengths, or `None` when the text is not
/// a plain block mapping (directives, document markers, a top-level list or
/// flow collection, anchors or tags at the top) or has one key.
pub fn split(text: &str, parts: usize) -> Option<Vec<&str>> {
    let mut starts = Vec::new();
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        match line.as_bytes().first() {
            None | Some(b' ' | b'\t' | b'\r' | b'\n' | b'#') => {}
            // An item of the list under the key above, written at the key's
            // own indentation (`tags:\n- name: a`, as serializers do).
            Some(b'-') if is_list_item(line) && !starts.is_empty() => {}
            Some(b'%' | b'-' | b'.' | b'[' | b'{' | b'?' | b'&' | b'!' | b'*' | b'|' | b'>') => {
                return None;
            }
            Some(_) => starts.push(offset),
        }
        offset += line.len();
    }
    if starts.len() < 2 || parts < 2 {
        return None;
    }
    // The first part also holds any comments before the first key.
    starts[0] = 0;
    let mut bounds = vec![0];
    for part in 1..parts {
        // The key nearest the ideal boundary, on either side: a spec's last
        // key often starts well before the middle, after a long `paths`.
        let target = text.len() * part / parts;
        let previous = *bounds.last().expect("starts with 0");
        let next = starts
            .iter()
            .copied()
            .filter(|&start| start > previous)
            .min_by_key(|&start| start.abs_diff(target));
        bounds.extend(next);
    }
    bounds.push(text.len());
    Some(bounds.windows(2).map(|at| &text[at[0]..at[1]]).collect())
}

/// Whether a line is a block list item: a `-` then a space or nothing.
fn is_list_item(line: &str) -> bool {
    matches!(
        line.as_bytes().get(1),
        None | Some(b' ' | b'\t' | b'\r' | b'\n')
    )
}

#[cfg(test)]
mod tests {
    use super::split;

    #[test]
    fn splits_at_top_level_keys_near_equal_lengths() {
        let text = "# comment\nopenapi: 3.0.3\ninfo:\n  title: t\n\n  version: '1'\npaths:\n  /a: {}\ncomponents:\n  schemas: {}\n";
        let parts = split(text, 2).unwrap();
        assert_eq!(parts.concat(), text);
        assert_eq!(parts.len(), 2);
        assert!(parts[0].starts_with("# comment\nopenapi:"));
        assert!(parts[1].starts_with("paths:") || parts[1].starts_with("components:"));
        let three = split(text, 3).unwrap();
        assert_eq!(three.concat(), text);
        assert!(
            three
                .iter()
                .skip(1)
                .all(|part| !part.starts_with([' ', '#']))
        );
    }

    #[test]
    fn text_that_is_no_plain_block_mapping_is_not_split() {
        for text in [
            "---\na: 1\nb: 2\n",
            "%YAML 1.2\n---\na: 1\nb: 2\n",
            "- a\n- b\n",
            "{a: 1,\nb: 2}\n",
            "a: 1\n&x b: 2\n",
            "a: 1\n",
        ] {
            assert_eq!(split(text, 2), None, "{text:?}");
        }
        assert_eq!(split("a: 1\nb: 2\n", 1), None);
    }

    #[test]
    fn a_list_at_its_keys_indentation_stays_with_the_key() {
        let text = "openapi: 3.0.3\ntags:\n- name: a\n-\n  name: b\npaths: {}\ncomponents: {}\n";
        let parts = split(text, 2).unwrap();
        assert_eq!(parts.concat(), text);
        assert!(parts.iter().all(|part| !part.starts_with('-')), "{parts:?}");
        assert_eq!(split("- a\n- b\nc: 1\n", 2), None);
    }

    #[test]
    fn a_last_key_before_the_middle_still_splits() {
        let text = format!("a: 1\npaths: {{}}\ncomponents:\n{}", "  x: {}\n".repeat(50));
        let parts = split(&text, 2).unwrap();
        assert_eq!(parts, ["a: 1\npaths: {}\n", &text[15..]]);
    }
}
