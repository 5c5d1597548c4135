//! Which schema the error responses share, and whether it wraps the error's
//! fields in an envelope property.

use std::collections::HashMap;

use crate::ir::{ErrorModel, Model, Struct, Type};

/// The error body most error responses use (the first in spec order on a
/// tie). If it has exactly one property that is an object model, that
/// property is the envelope and its model holds the fields (Clover's
/// `{"message": …, "error": {…}}`); otherwise the body itself does.
pub(super) fn error_model(
    references: &[String],
    models: &[Model],
    component_names: &HashMap<String, String>,
) -> Option<ErrorModel> {
    let most_used = most_used(references)?;
    let name = component_names.get(most_used.strip_prefix("#/components/schemas/")?)?;
    let body = structure(models, name)?;
    let mut nested = body.fields.iter().filter_map(|field| match &field.ty {
        Type::Named(inner) if structure(models, inner).is_some() => Some((field, inner)),
        _ => None,
    });
    Some(match (nested.next(), nested.next()) {
        (Some((field, inner)), None) => ErrorModel {
            fields: inner.clone(),
            envelope: Some(field.wire_name.clone()),
        },
        _ => ErrorModel {
            fields: body.name.clone(),
            envelope: None,
        },
    })
}

/// The reference that appears most often, the first to appear on a tie.
fn most_used(references: &[String]) -> Option<&str> {
    // Each reference's count and where it first appears.
    let mut uses: HashMap<&str, (usize, usize)> = HashMap::new();
    for (at, reference) in references.iter().enumerate() {
        uses.entry(reference.as_str()).or_insert((0, at)).0 += 1;
    }
    let (most_used, _) = uses
        .into_iter()
        .max_by_key(|(_, (count, first))| (*count, std::cmp::Reverse(*first)))?;
    Some(most_used)
}

fn structure<'a>(models: &'a [Model], name: &str) -> Option<&'a Struct> {
    models.iter().find_map(|model| match model {
        Model::Struct(model) if model.name == name => Some(model),
        _ => None,
    })
}

#[cfg(test)]
mod tests {
    use super::most_used;

    #[test]
    fn the_most_used_reference_wins_and_the_first_breaks_a_tie() {
        let references = |names: &[&str]| -> Vec<String> {
            names.iter().map(|name| (*name).to_owned()).collect()
        };
        assert_eq!(most_used(&references(&["c", "a", "a"])), Some("a"));
        assert_eq!(
            most_used(&references(&["b", "a", "a", "b", "c"])),
            Some("b")
        );
        assert_eq!(most_used(&references(&["a", "b", "b", "a"])), Some("a"));
        assert_eq!(most_used(&[]), None);
    }
}
