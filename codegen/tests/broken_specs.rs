//! A broken spec is refused with the JSON pointer of the problem, never a panic.

use std::path::Path;

use codegen::Error;

fn generate(name: &str) -> Error {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/broken")
        .join(format!("{name}.yaml"));
    let spec = std::fs::read_to_string(path).unwrap();
    codegen::generate(&spec, "broken.yaml").expect_err("a broken spec must not generate")
}

/// The single spec problem reported, as `(pointer, message)`.
fn spec_problem(name: &str) -> (String, String) {
    match generate(name) {
        Error::Spec(errors) => {
            assert_eq!(errors.len(), 1, "{errors:?}");
            (errors[0].pointer.to_string(), errors[0].message.clone())
        }
        other => panic!("expected a spec error, got {other}"),
    }
}

#[test]
fn unresolved_ref_names_the_referring_node() {
    let (pointer, message) = spec_problem("unresolved_ref");
    assert_eq!(
        pointer,
        "#/paths/~1a/get/responses/200/content/application~1json/schema"
    );
    assert!(
        message.contains("unresolved `$ref` #/components/schemas/Missing"),
        "{message}"
    );
}

#[test]
fn missing_operation_id_names_the_operation() {
    let (pointer, message) = spec_problem("missing_operation_id");
    assert_eq!(pointer, "#/paths/~1a/get");
    assert_eq!(message, "operation has no `operationId`");
}

#[test]
fn an_operation_without_a_host_is_refused() {
    let (pointer, message) = spec_problem("no_host");
    assert_eq!(pointer, "#/paths/~1a/get");
    assert!(message.contains("no host"), "{message}");
}

#[test]
fn an_unknown_environment_names_the_server() {
    let (pointer, message) = spec_problem("bad_environment");
    assert_eq!(pointer, "#/paths/~1a/servers/1");
    assert!(message.contains("found `staging`"), "{message}");
}

#[test]
fn unsupported_constructs_say_so() {
    let (pointer, message) = spec_problem("all_of");
    assert_eq!(
        pointer,
        "#/paths/~1a/get/responses/200/content/application~1json/schema/properties/id"
    );
    assert_eq!(message, "`allOf` is not supported yet");
}

#[test]
fn a_missing_security_declaration_is_refused() {
    let (pointer, message) = spec_problem("no_security");
    assert_eq!(pointer, "#/paths/~1a/get");
    assert!(message.contains("security: []"), "{message}");
}

#[test]
fn openapi_3_1_is_refused() {
    let (pointer, message) = spec_problem("wrong_version");
    assert_eq!(pointer, "#/openapi");
    assert!(message.contains("3.0.x"), "{message}");
}

#[test]
fn a_structural_error_names_where_parsing_stopped() {
    match generate("not_openapi") {
        // openapiv3's untagged `$ref`-or-item stops the path at the map holding the entry.
        Error::Structure { pointer, message } => {
            assert_eq!(pointer.as_str(), "#/paths");
            assert!(
                message.contains("invalid type: integer `7`, expected struct PathItem"),
                "{message}"
            );
        }
        other => panic!("expected a structure error, got {other}"),
    }
}

#[test]
fn invalid_yaml_is_reported_without_panicking() {
    let error = codegen::generate("openapi: 3.0.3\ninfo: [unclosed", "bad.yaml").unwrap_err();
    assert!(matches!(error, Error::Structure { .. }), "{error}");
    assert!(error.to_string().contains("line 2"), "{error}");
}

#[test]
fn every_problem_is_reported_at_once() {
    let spec = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/broken/unresolved_ref.yaml"),
    )
    .unwrap();
    let spec = spec.replace("openapi: 3.0.3", "openapi: 3.1.0");
    match codegen::generate(&spec, "broken.yaml").unwrap_err() {
        Error::Spec(errors) => {
            let pointers: Vec<&str> = errors.iter().map(|error| error.pointer.as_str()).collect();
            assert_eq!(
                pointers,
                [
                    "#/openapi",
                    "#/paths/~1a/get/responses/200/content/application~1json/schema"
                ]
            );
        }
        other => panic!("expected spec errors, got {other}"),
    }
}

#[test]
fn a_duplicate_key_is_an_error_with_its_line_not_a_panic() {
    let spec = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/objects.yaml"),
    )
    .unwrap();
    let spec = spec.replacen("      operationId: createWidget\n", "      operationId: createWidget\n      requestBody: { $ref: '#/components/requestBodies/Nope' }\n", 1);
    let error = codegen::generate(&spec, "broken.yaml").unwrap_err();
    assert!(
        error.to_string().contains("duplicate") && error.to_string().contains("line"),
        "{error}"
    );
}

#[test]
fn unquoted_status_codes_still_parse() {
    let spec = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/objects.yaml"),
    )
    .unwrap();
    assert!(spec.contains("        \"200\":"));
    let unquoted = spec.replace("        \"200\":", "        200:");
    let without_header = |text: &str| {
        codegen::generate(text, "objects.yaml")
            .unwrap()
            .into_iter()
            .map(|file| file.contents.split_once('\n').unwrap().1.to_owned())
            .collect::<Vec<_>>()
    };
    assert_eq!(without_header(&unquoted), without_header(&spec));
}
