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
    let (pointer, message) = spec_problem("properties_beside_one_of");
    assert_eq!(
        pointer,
        "#/paths/~1a/get/responses/200/content/application~1json/schema/properties/id"
    );
    assert_eq!(
        message,
        "`properties` beside a `oneOf`/`anyOf`, or several compositions in one schema is not supported yet"
    );
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

/// A one-operation spec: `{op}` is the operation's YAML, `{schemas}` the components.
fn spec_with(op: &str, schemas: &str) -> String {
    format!(
        r##"openapi: 3.0.3
info: {{ title: t, version: "1" }}
paths:
  /a/{{id}}:
    servers:
      - {{ url: "https://s.example.com", x-host: main, x-environment: sandbox }}
      - {{ url: "https://example.com", x-host: main, x-environment: production }}
    get:
{op}
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema: {{ $ref: "#/components/schemas/Out" }}
components:
  securitySchemes:
    key: {{ type: apiKey, in: header, name: "X Key" }}
  schemas:
    Out: {{ type: object, properties: {{ id: {{ type: string }} }} }}
{schemas}"##
    )
}

const PATH_ID: &str = "        - { name: id, in: path, required: true, schema: { type: string } }";

/// Inputs the generator once accepted but could not turn into compiling code,
/// or that made it panic; each is refused with where and why.
#[test]
fn specs_that_would_not_compile_are_refused_with_a_pointer() {
    let get = "#/paths/~1a~1{id}/get";
    let cases: Vec<(&str, String, String, &str)> = vec![
        (
            "an exclusive maximum at the end of the i64 range",
            spec_with(
                &format!(
                    "      operationId: getA\n      security: []\n      parameters:\n{PATH_ID}\n        - {{ name: n, in: query, schema: {{ type: integer, maximum: -9223372036854775808, exclusiveMaximum: true }} }}"
                ),
                "",
            ),
            format!("{get}/parameters/1/schema"),
            "leaves no valid value",
        ),
        (
            "a header name with a space",
            spec_with(
                &format!(
                    "      operationId: getA\n      security: []\n      parameters:\n{PATH_ID}\n        - {{ name: X Trace, in: header, required: true, schema: {{ type: string }} }}"
                ),
                "",
            ),
            format!("{get}/parameters/1"),
            "not a valid HTTP header name",
        ),
        (
            "an API key header name with a space",
            spec_with(
                &format!(
                    "      operationId: getA\n      security: [{{ key: [] }}]\n      parameters:\n{PATH_ID}"
                ),
                "",
            ),
            "#/components/securitySchemes/key".to_owned(),
            "valid header",
        ),
        (
            "two parameters with one Rust name",
            spec_with(
                &format!(
                    "      operationId: getA\n      security: []\n      parameters:\n{PATH_ID}\n        - {{ name: ID, in: query, required: true, schema: {{ type: string }} }}"
                ),
                "",
            ),
            format!("{get}/parameters"),
            "two parameters become the Rust name `id`",
        ),
        (
            "an operationId that clashes with the client's constructor",
            spec_with(
                &format!(
                    "      operationId: builder\n      security: []\n      parameters:\n{PATH_ID}"
                ),
                "",
            ),
            format!("{get}/operationId"),
            "the client's constructor",
        ),
        (
            "an invalid pattern",
            spec_with(
                &format!(
                    "      operationId: getA\n      security: []\n      parameters:\n{PATH_ID}"
                ),
                "    Card: { type: object, properties: { pan: { type: string, pattern: '^(?=4)' } } }",
            ),
            "#/components/schemas/Card/properties/pan/pattern".to_owned(),
            "the pattern `^(?=4)` cannot be checked",
        ),
        (
            "an allOf of an object and a bounded string",
            spec_with(
                &format!(
                    "      operationId: getA\n      security: []\n      parameters:\n{PATH_ID}"
                ),
                "    Base: { type: object, properties: { a: { type: string } } }\n    Both: { allOf: [{ $ref: '#/components/schemas/Base' }, { type: string, maxLength: 3 }] }",
            ),
            "#/components/schemas/Both/allOf/1".to_owned(),
            "an `allOf` of several members that are not all objects",
        ),
        (
            "two inline union members that become one variant",
            spec_with(
                &format!(
                    "      operationId: getA\n      security: []\n      parameters:\n{PATH_ID}"
                ),
                "    Pay: { oneOf: [{ type: string }, { title: String3, type: object, properties: { a: { type: string } } }, { type: string, format: date }] }",
            ),
            "#/components/schemas/Pay/oneOf/2".to_owned(),
            "both become the variant `String3`",
        ),
        (
            "a $ref loop through aliases",
            spec_with(
                &format!(
                    "      operationId: getA\n      security: []\n      parameters:\n{PATH_ID}"
                ),
                "    A: { $ref: '#/components/schemas/B' }\n    B: { $ref: '#/components/schemas/A' }",
            ),
            "#/components/schemas/A".to_owned(),
            "refers back to itself",
        ),
        (
            "a paginate extension naming a missing property",
            spec_with(
                &format!(
                    "      operationId: getA\n      security: []\n      x-clover-sdk-paginate: {{ items: data, has-more: more, cursor: after, item-id: id }}\n      parameters:\n{PATH_ID}\n        - {{ name: after, in: query, schema: {{ type: string }} }}"
                ),
                "",
            ),
            format!("{get}/x-clover-sdk-paginate/items"),
            "`Out` has no property `data`",
        ),
        (
            "x-sensitive on a string-or-integer",
            spec_with(
                &format!(
                    "      operationId: getA\n      security: []\n      parameters:\n{PATH_ID}"
                ),
                "    Card: { type: object, properties: { pan: { x-sensitive: true, oneOf: [{ type: string }, { type: integer }] } } }",
            ),
            "#/components/schemas/Card/properties/pan".to_owned(),
            "`x-sensitive` on a schema that is not a plain string",
        ),
        (
            "a digit string inside an array",
            spec_with(
                &format!(
                    "      operationId: getA\n      security: []\n      parameters:\n{PATH_ID}"
                ),
                "    Refs: { type: object, properties: { refs: { type: array, items: { oneOf: [{ type: string }, { type: integer }] } } } }",
            ),
            "#/components/schemas/Refs/properties/refs/items".to_owned(),
            "inside an array or map",
        ),
        (
            "a malformed x-sensitive on a schema",
            spec_with(
                &format!(
                    "      operationId: getA\n      security: []\n      parameters:\n{PATH_ID}"
                ),
                "    Card: { type: object, properties: { pan: { type: string, x-sensitive: \"yes\" } } }",
            ),
            "#/components/schemas/Card/properties/pan/x-sensitive".to_owned(),
            "must be `true` or `false`, found \"yes\"",
        ),
        (
            "a malformed x-sensitive on a parameter",
            spec_with(
                &format!(
                    "      operationId: getA\n      security: []\n      parameters:\n{PATH_ID}\n        - {{ name: token, in: query, x-sensitive: 1, schema: {{ type: string }} }}"
                ),
                "",
            ),
            format!("{get}/parameters/1/x-sensitive"),
            "must be `true` or `false`, found 1",
        ),
        (
            "properties without a type",
            spec_with(
                &format!(
                    "      operationId: getA\n      security: []\n      parameters:\n{PATH_ID}"
                ),
                "    Loose: { properties: { a: { type: string } }, format: thing }",
            ),
            "#/components/schemas/Loose".to_owned(),
            "it has `properties`, `format`; add `type: object`",
        ),
        (
            "a replay marking other than `never`",
            spec_with(
                &format!(
                    "      operationId: getA\n      security: []\n      x-clover-sdk-replay: sometimes\n      parameters:\n{PATH_ID}"
                ),
                "",
            ),
            format!("{get}/x-clover-sdk-replay"),
            "must be `never`, found \"sometimes\"",
        ),
    ];
    for (what, spec, pointer, message) in cases {
        match codegen::generate(&spec, "case.yaml") {
            Err(Error::Spec(errors)) => {
                assert!(
                    errors.iter().any(|error| error.pointer.as_str() == pointer
                        && error.message.contains(message)),
                    "{what}: expected `{message}` at {pointer}, got {errors:?}"
                );
            }
            Err(other) => panic!("{what}: expected a spec error, got {other}"),
            Ok(_) => panic!("{what}: generated code that would not compile"),
        }
    }
}

#[test]
fn hosts_that_share_a_rust_name_are_refused() {
    let spec = spec_with(
        &format!("      operationId: getA\n      security: []\n      parameters:\n{PATH_ID}"),
        "",
    ) + r#"
  x-unused: {}
"#;
    let spec = spec.replace(
        "paths:\n",
        "paths:\n  /b:\n    servers:\n      - { url: \"https://t.example.com\", x-host: Main, x-environment: sandbox }\n      - { url: \"https://t2.example.com\", x-host: Main, x-environment: production }\n    get:\n      operationId: getB\n      security: []\n      responses: { \"204\": { description: ok } }\n",
    );
    let Err(Error::Spec(errors)) = codegen::generate(&spec, "case.yaml") else {
        panic!("two hosts named `Main` must be refused")
    };
    assert!(
        errors
            .iter()
            .any(|error| error.message.contains("both become `Host::Main`")),
        "{errors:?}"
    );
}

/// `self` once turned into an empty type name and a panic; it now has names.
#[test]
fn names_made_from_self_generate() {
    let spec = spec_with(
        &format!(
            "      operationId: self\n      security: []\n      parameters:\n{PATH_ID}\n        - {{ name: self, in: query, schema: {{ type: string, enum: [a] }} }}"
        ),
        "",
    );
    let files = codegen::generate(&spec, "case.yaml").unwrap();
    let all: String = files.iter().map(|file| file.contents.as_str()).collect();
    assert!(
        all.contains("pub fn self_(") && all.contains("pub enum SelfValueSelfValue"),
        "{all}"
    );
}

/// A read is replayed after an unknown outcome unless the spec says `never`
/// (a GET that spends a single-use code).
#[test]
fn replay_safety_comes_from_the_method_and_the_spec() {
    let client = |extra: &str| {
        let spec = spec_with(
            &format!(
                "      operationId: getA\n      security: []\n{extra}      parameters:\n{PATH_ID}"
            ),
            "",
        );
        let files = codegen::generate(&spec, "case.yaml").expect("generates");
        files
            .into_iter()
            .find(|file| file.name == "client.rs")
            .expect("a client file")
            .contents
    };
    assert!(client("").contains("replay: Replay::Safe"));
    let never = client("      x-clover-sdk-replay: never\n");
    assert!(never.contains("replay: Replay::Never"), "{never}");
    assert!(never.contains("/// Retried only when nothing reached the server"));
}
