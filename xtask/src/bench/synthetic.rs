//! Larger specs made from ours: every path, operation id and component
//! copied under a numeric suffix, with each `$ref` pointing into its own copy,
//! so an N-operation spec has the same mix of constructs as the original.

use serde_yaml_ng::{Mapping, Value};

const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// Component kinds referenced by name from outside `$ref` (security
/// requirements) stay as they are: every copy shares them.
const SHARED_COMPONENTS: [&str; 1] = ["securitySchemes"];

/// The number of operations in a spec.
pub fn operation_count(spec: &Value) -> usize {
    spec.get("paths")
        .and_then(Value::as_mapping)
        .map_or(0, |paths| {
            paths
                .values()
                .map(|item| {
                    METHODS
                        .iter()
                        .filter(|method| item.get(**method).is_some())
                        .count()
                })
                .sum()
        })
}

/// `spec` grown (or cut) to exactly `operations` operations: whole copies,
/// then the first operations of one more copy (with all its components).
pub fn scaled(spec: &Value, operations: usize) -> Value {
    let original_paths = spec
        .get("paths")
        .and_then(Value::as_mapping)
        .cloned()
        .unwrap_or_default();
    let original_components = spec
        .get("components")
        .and_then(Value::as_mapping)
        .cloned()
        .unwrap_or_default();
    let mut paths = Mapping::new();
    let mut components = original_components.clone();
    let mut left = operations;
    for copy in 1.. {
        if left == 0 {
            break;
        }
        let suffix = if copy == 1 {
            String::new()
        } else {
            copy.to_string()
        };
        for (path, item) in &original_paths {
            let mut item = item.clone();
            left = keep_operations(&mut item, left, &suffix);
            if METHODS.iter().any(|method| item.get(*method).is_some()) {
                let path = path.as_str().expect("paths are strings");
                let path = if copy == 1 {
                    path.to_owned()
                } else {
                    format!("/copy{copy}{path}")
                };
                rename_refs(&mut item, &suffix);
                paths.insert(Value::from(path), item);
            }
        }
        if copy > 1 {
            add_component_copies(&mut components, &original_components, &suffix);
        }
    }
    let mut scaled = spec.clone();
    let root = scaled.as_mapping_mut().expect("a spec is a mapping");
    root.insert("paths".into(), Value::Mapping(paths));
    root.insert("components".into(), Value::Mapping(components));
    scaled
}

/// Keeps at most `left` of the item's operations, each `operationId`
/// suffixed; returns how many are still to be placed.
fn keep_operations(item: &mut Value, mut left: usize, suffix: &str) -> usize {
    let item = item.as_mapping_mut().expect("a path item is a mapping");
    for method in METHODS {
        let Some(operation) = item.get_mut(method) else {
            continue;
        };
        if left == 0 {
            item.remove(method);
            continue;
        }
        left -= 1;
        if let Some(Value::String(id)) = operation.get_mut("operationId") {
            id.push_str(suffix);
        }
    }
    left
}

fn add_component_copies(components: &mut Mapping, original: &Mapping, suffix: &str) {
    for (kind, entries) in original {
        let kind_name = kind.as_str().unwrap_or_default();
        if SHARED_COMPONENTS.contains(&kind_name) {
            continue;
        }
        let (Some(entries), Some(Value::Mapping(target))) =
            (entries.as_mapping(), components.get_mut(kind))
        else {
            continue;
        };
        for (name, entry) in entries {
            let mut entry = entry.clone();
            rename_refs(&mut entry, suffix);
            let name = format!("{}{suffix}", name.as_str().unwrap_or_default());
            target.insert(name.into(), entry);
        }
    }
}

/// Points every local component `$ref` at the copy with `suffix`.
fn rename_refs(value: &mut Value, suffix: &str) {
    match value {
        Value::Mapping(mapping) => {
            for (key, child) in mapping.iter_mut() {
                match (key.as_str(), child) {
                    (Some("$ref"), Value::String(reference)) => {
                        let shared = SHARED_COMPONENTS
                            .iter()
                            .any(|kind| reference.starts_with(&format!("#/components/{kind}/")));
                        if reference.starts_with("#/components/") && !shared {
                            reference.push_str(suffix);
                        }
                    }
                    (_, child) => rename_refs(child, suffix),
                }
            }
        }
        Value::Sequence(items) => items.iter_mut().for_each(|item| rename_refs(item, suffix)),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SPEC: &str = r##"
openapi: 3.0.3
paths:
  /a:
    get: { operationId: getA, responses: { '200': { $ref: '#/components/responses/A' } } }
    post: { operationId: postA }
  /b:
    get: { operationId: getB, security: [{ key: [] }] }
components:
  securitySchemes: { key: { type: apiKey } }
  responses:
    A: { content: { application/json: { schema: { $ref: '#/components/schemas/A' } } } }
  schemas:
    A: { type: object, properties: { b: { $ref: '#/components/schemas/B' } } }
    B: { type: string }
"##;

    #[test]
    fn copies_have_their_own_ids_paths_and_components() {
        let spec: Value = serde_yaml_ng::from_str(SPEC).unwrap();
        assert_eq!(operation_count(&spec), 3);
        let scaled = scaled(&spec, 8);
        assert_eq!(operation_count(&scaled), 8);
        let paths = scaled["paths"].as_mapping().unwrap();
        let keys: Vec<&str> = paths.keys().map(|key| key.as_str().unwrap()).collect();
        assert_eq!(keys, ["/a", "/b", "/copy2/a", "/copy2/b", "/copy3/a"]);
        assert_eq!(scaled["paths"]["/copy3/a"]["post"]["operationId"], "postA3");
        assert_eq!(
            scaled["paths"]["/copy2/a"]["get"]["responses"]["200"]["$ref"],
            "#/components/responses/A2"
        );
        assert_eq!(
            scaled["components"]["schemas"]["A3"]["properties"]["b"]["$ref"],
            "#/components/schemas/B3"
        );
        let schemas = scaled["components"]["schemas"].as_mapping().unwrap();
        assert_eq!(schemas.len(), 6);
        assert_eq!(
            scaled["components"]["securitySchemes"]
                .as_mapping()
                .unwrap()
                .len(),
            1
        );
    }
}
