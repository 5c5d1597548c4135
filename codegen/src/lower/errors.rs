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
    let mut counts: HashMap<&str, usize> = HashMap::new();
    for reference in references {
        *counts.entry(reference.as_str()).or_default() += 1;
    }
    let most_used = references.iter().max_by_key(|reference| {
        let first = references.iter().position(|known| known == *reference);
        (counts[reference.as_str()], std::cmp::Reverse(first))
    })?;
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

fn structure<'a>(models: &'a [Model], name: &str) -> Option<&'a Struct> {
    models.iter().find_map(|model| match model {
        Model::Struct(model) if model.name == name => Some(model),
        _ => None,
    })
}
