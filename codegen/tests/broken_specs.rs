//! A broken spec is refused with the JSON pointer of the problem, never a panic.

use std::path::Path;

use codegen::Error;

mod common;

use common::generated;

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

/// `/a` under the root `servers`, `/b` under its own; each list one item a line.
fn spec_with_servers(root: &[&str], b: &[&str]) -> String {
    format!(
        r#"openapi: 3.0.3
info: {{ title: t, version: "1" }}
servers:
  - {}
paths:
  /a:
    get:
      operationId: getA
      security: []
      responses: {{ "204": {{ description: ok }} }}
  /b:
    servers:
      - {}
    get:
      operationId: getB
      security: []
      responses: {{ "204": {{ description: ok }} }}
"#,
        root.join("\n  - "),
        b.join("\n      - ")
    )
}

#[test]
fn server_lists_that_make_no_hosts_are_refused_at_their_cause() {
    let sandbox = r#"{ url: "https://s.example.com", x-environment: sandbox }"#;
    let production = r#"{ url: "https://example.com", x-environment: production }"#;
    let other = r#"{ url: "https://other.example.com" }"#;
    let cases = [
        (
            "a variable the server does not declare",
            vec![r#"{ url: "https://{region}.example.com" }"#],
            vec![other],
            "#/servers/0/url",
            "`{region}` is not declared under this server's `variables`",
        ),
        (
            "an unclosed brace",
            vec![r#"{ url: "https://{region.example.com" }"#],
            vec![other],
            "#/servers/0/url",
            "unbalanced braces in `https://{region.example.com`",
        ),
        (
            "a default outside the variable's enum",
            vec![
                r#"{ url: "https://{region}.example.com", variables: { region: { default: mars, enum: [us, eu] } } }"#,
            ],
            vec![other],
            "#/servers/0/variables/region/default",
            "the default `mars` is not one of the variable's `enum` values",
        ),
        (
            "a URL that does not parse",
            vec![r#"{ url: "https://exa mple.com" }"#],
            vec![other],
            "#/servers/0/url",
            "`https://exa mple.com` is not a valid URL",
        ),
        (
            "a list naming other environments than the first",
            vec![sandbox, production],
            vec![
                r#"{ url: "https://s.other.example.com", x-environment: sandbox }"#,
                r#"{ url: "https://staging.other.example.com", x-environment: staging }"#,
            ],
            "#/paths/~1b/servers",
            "these servers do not match the environments `sandbox`, `production`",
        ),
        (
            "an unnamed list of another length",
            vec![sandbox, production],
            vec![
                other,
                r#"{ url: "https://b.example.com" }"#,
                r#"{ url: "https://c.example.com" }"#,
            ],
            "#/paths/~1b/servers",
            "do not match the environments",
        ),
        (
            "`x-environment` on only some servers",
            vec![sandbox, production],
            vec![
                r#"{ url: "https://s.other.example.com", x-environment: sandbox }"#,
                other,
            ],
            "#/paths/~1b/servers/1",
            "server https://other.example.com has no string `x-environment` extension",
        ),
        (
            "a second server for one environment",
            vec![
                sandbox,
                r#"{ url: "https://example.com", x-environment: Sandbox }"#,
            ],
            vec![other],
            "#/servers/1",
            "a second `Sandbox` server in the same list",
        ),
        (
            "the same URLs in other environments",
            vec![sandbox, production],
            vec![
                r#"{ url: "https://s.example.com", x-environment: production }"#,
                r#"{ url: "https://example.com", x-environment: sandbox }"#,
            ],
            "#/paths/~1b/servers",
            "these servers have the URLs of those at #/servers but other environments or variables",
        ),
        (
            "one `x-host` with other URLs",
            vec![r#"{ url: "https://a.example.com", x-host: main }"#],
            vec![r#"{ url: "https://b.example.com", x-host: main }"#],
            "#/paths/~1b/servers",
            "host `main` has other servers than at #/servers",
        ),
    ];
    for (case, root, b, pointer, message) in cases {
        let Err(Error::Spec(errors)) =
            codegen::generate(&spec_with_servers(&root, &b), "case.yaml")
        else {
            panic!("{case}: must be refused");
        };
        assert_eq!(errors.len(), 1, "{case}: {errors:?}");
        assert_eq!(errors[0].pointer.as_str(), pointer, "{case}");
        assert!(
            errors[0].message.contains(message),
            "{case}: {}",
            errors[0].message
        );
    }
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
fn other_openapi_versions_are_refused() {
    let (pointer, message) = spec_problem("wrong_version");
    assert_eq!(pointer, "#/openapi");
    assert_eq!(
        message,
        "expected an OpenAPI 3.0.x or 3.1.x document, found version \"2.0.0\""
    );
}

#[test]
fn a_structural_error_names_the_node_that_does_not_read() {
    match generate("not_openapi") {
        Error::Structure { pointer, message } => {
            assert_eq!(pointer.as_str(), "#/paths/~1b");
            assert!(
                message.contains("invalid type: integer `7`, expected struct PathItem"),
                "{message}"
            );
        }
        other => panic!("expected a structure error, got {other}"),
    }
}

/// `openapiv3` buffers nearly every node before reading it, where serde
/// loses the path; the failure is still named at its own key.
#[test]
fn a_structural_error_deep_in_the_document_names_its_key() {
    let spec = |paths: &str, components: &str| {
        format!(
            "openapi: 3.0.3\ninfo: {{ title: t, version: '1' }}\npaths:\n  /a:\n    get:\n{paths}components:\n  schemas:\n{components}"
        )
    };
    let ok_operation = "      operationId: a\n      responses: { '204': { description: none } }\n";
    let ok_schema = "    S: { type: string }\n";
    let cases = [
        (
            spec(
                "      operationId: a\n      parameters:\n        - { name: q, in: query, schema: { type: string, minLength: x } }\n      responses: { '204': { description: none } }\n",
                ok_schema,
            ),
            "#/paths/~1a/get/parameters/0/schema/minLength",
            "expected usize",
        ),
        (
            spec(
                "      operationId: a\n      parameters:\n        - { name: q, in: querystring, schema: { type: string } }\n      responses: { '204': { description: none } }\n",
                ok_schema,
            ),
            "#/paths/~1a/get/parameters/0/in",
            "unknown variant `querystring`",
        ),
        (
            spec(
                "      operationId: a\n      responses:\n        '200':\n          description: ok\n          content: { application/json: { schema: { type: array, items: { type: string, maxLength: -1 } } } }\n",
                ok_schema,
            ),
            "#/paths/~1a/get/responses/200/content/application~1json/schema/items/maxLength",
            "expected usize",
        ),
        (
            spec(
                ok_operation,
                "    S: { type: object, properties: { n: { type: integer, minimum: lots } } }\n",
            ),
            "#/components/schemas/S/properties/n/minimum",
            "invalid type",
        ),
        (
            spec(ok_operation, ok_schema).replace("info: { title: t, version: '1' }", "info: 5"),
            "#/info",
            "expected struct Info",
        ),
    ];
    for (spec, pointer, message) in cases {
        let (found, text) = structure_error(&spec);
        assert_eq!(found, pointer, "{spec}");
        assert!(text.contains(message), "{pointer}: {text}");
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
    let spec = spec.replace("openapi: 3.0.3", "openapi: 2.0.0");
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
            "#/components/securitySchemes/key/name".to_owned(),
            "not a valid HTTP header name",
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
        generated(&files, "client.rs").to_owned()
    };
    assert!(client("").contains("replay: Replay::Safe"));
    // `Operation::new` is never replayed; only a safe operation says so.
    let never = client("      x-clover-sdk-replay: never\n");
    assert!(!never.contains("replay:"), "{never}");
    assert!(never.contains("/// Retried only when nothing reached the server"));
}

/// Bodies and parameter styles the generator cannot send are refused where
/// the spec says them.
#[test]
fn unsendable_bodies_and_parameter_styles_are_refused_with_a_pointer() {
    let get = "#/paths/~1a~1{id}/get";
    let with_params = |params: &str| {
        spec_with(
            &format!(
                "      operationId: getA\n      security: []\n      parameters:\n{PATH_ID}\n{params}"
            ),
            "    Point: { type: object, properties: { x: { type: integer } } }\n    Deep: { type: object, properties: { at: { $ref: '#/components/schemas/Point' } } }",
        )
    };
    let with_body = |media: &str, schema: &str| {
        spec_with(
            &format!(
                "      operationId: getA\n      security: []\n      parameters:\n{PATH_ID}\n      requestBody:\n        content:\n          {media}:\n            schema: {schema}"
            ),
            "    Point: { type: object, properties: { x: { type: integer } } }\n    Deep: { type: object, properties: { at: { $ref: '#/components/schemas/Point' }, files: { type: array, items: { type: string, format: binary } } } }",
        )
    };
    let cases: Vec<(&str, String, String, &str)> = vec![
        (
            "a label-style path parameter",
            spec_with(
                "      operationId: getA\n      security: []\n      parameters:\n        - { name: id, in: path, required: true, style: label, schema: { type: string } }",
                "",
            ),
            format!("{get}/parameters/0/style"),
            "the path parameter style `Label`",
        ),
        (
            "a pipe-delimited object",
            with_params(
                "        - { name: p, in: query, style: pipeDelimited, schema: { $ref: '#/components/schemas/Point' } }",
            ),
            format!("{get}/parameters/1/style"),
            "the query style `PipeDelimited` on an object",
        ),
        (
            "a deepObject list",
            with_params(
                "        - { name: p, in: query, style: deepObject, schema: { type: array, items: { type: string } } }",
            ),
            format!("{get}/parameters/1/style"),
            "the query style `DeepObject` on a list",
        ),
        (
            "an object header",
            with_params(
                "        - { name: p, in: header, schema: { $ref: '#/components/schemas/Point' } }",
            ),
            format!("{get}/parameters/1/schema"),
            "a parameter of this type",
        ),
        (
            "a union parameter that may hold an object",
            with_params(
                "        - { name: p, in: header, schema: { oneOf: [{ type: string }, { $ref: '#/components/schemas/Point' }] } }",
            ),
            format!("{get}/parameters/1/schema"),
            "a parameter of this type",
        ),
        (
            "an object parameter holding an object",
            with_params(
                "        - { name: p, in: query, style: deepObject, schema: { $ref: '#/components/schemas/Deep' } }",
            ),
            format!("{get}/parameters/1/schema"),
            "a parameter of this type",
        ),
        (
            "a form property that is an object",
            with_body(
                "application/x-www-form-urlencoded",
                "{ $ref: '#/components/schemas/Deep' }",
            ),
            "#/components/schemas/Deep/properties/at".to_owned(),
            "a form property that is not a string",
        ),
        (
            "a multipart list of files",
            with_body(
                "multipart/form-data",
                "{ $ref: '#/components/schemas/Deep' }",
            ),
            "#/components/schemas/Deep/properties/files".to_owned(),
            "a multipart property that is not text",
        ),
        (
            "a form property in deepObject style",
            with_body(
                "application/x-www-form-urlencoded",
                "{ $ref: '#/components/schemas/Point' }\n            encoding: { x: { style: deepObject } }",
            ),
            format!(
                "{get}/requestBody/content/application~1x-www-form-urlencoded/encoding/x/style"
            ),
            "the form property style `DeepObject`",
        ),
        (
            "a form body that is not an object",
            with_body("application/x-www-form-urlencoded", "{ type: string }"),
            format!("{get}/requestBody/content/application~1x-www-form-urlencoded/schema"),
            "a form or multipart body that is not an object with properties",
        ),
        (
            "a parameter name with a brace left open",
            spec_with("      operationId: getA\n      security: []", "")
                .replace("/a/{id}", "/a/{id"),
            "#/paths/~1a~1{id".to_owned(),
            "has a `{` or `}` that does not enclose a parameter name",
        ),
    ];
    for (what, spec, pointer, message) in cases {
        match codegen::generate(&spec, "case.yaml") {
            Err(Error::Spec(errors)) => {
                assert!(
                    errors.iter().any(|error| error.pointer.as_str() == pointer
                        && error.message.contains(message)),
                    "{what}: expected `{message}` at {pointer}, got {errors:?}"
                )
            }
            Err(other) => panic!("{what}: expected a spec error, got {other}"),
            Ok(_) => panic!("{what}: generated a client it cannot send with"),
        }
    }
}

/// A scheme that cannot be used is reported once, at the scheme, however
/// many operations name it; a requirement naming no scheme, where it does.
#[test]
fn security_problems_are_reported_once_at_their_cause() {
    let spec = r##"openapi: 3.0.3
info: { title: t, version: "1" }
security: [{ nowhere: [] }]
paths:
  /a:
    servers:
      - { url: "https://s.example.com", x-host: main, x-environment: sandbox }
      - { url: "https://example.com", x-host: main, x-environment: production }
    get: { operationId: getA, responses: { "204": { description: ok } } }
    put: { operationId: putA, responses: { "204": { description: ok } } }
    post:
      operationId: postA
      security: [{ digest: [] }]
      responses: { "204": { description: ok } }
    delete:
      operationId: deleteA
      security: [{ linked: [] }]
      responses: { "204": { description: ok } }
    patch:
      operationId: patchA
      security: [{ digest: [] }, { crumbs: [] }]
      responses: { "204": { description: ok } }
components:
  securitySchemes:
    digest: { type: http, scheme: digest }
    crumbs: { type: apiKey, in: cookie, name: "bad name" }
    linked: { $ref: "#/components/securitySchemes/digest" }
    unused: { type: http, scheme: negotiate }
"##;
    let Err(Error::Spec(errors)) = codegen::generate(spec, "case.yaml") else {
        panic!("unusable schemes must be refused")
    };
    let found: Vec<(&str, &str)> = errors
        .iter()
        .map(|error| (error.pointer.as_str(), error.message.as_str()))
        .collect();
    assert_eq!(
        found,
        [
            (
                "#/security/0/nowhere",
                "no security scheme `nowhere` under #/components/securitySchemes"
            ),
            (
                "#/components/securitySchemes/digest/scheme",
                "the HTTP authentication scheme `digest` is not supported yet; `bearer` and `basic` are"
            ),
            (
                "#/components/securitySchemes/linked",
                "a security scheme `$ref` is not supported yet"
            ),
            (
                "#/components/securitySchemes/crumbs/name",
                "`bad name` is not a valid cookie name for an API key"
            ),
        ]
    );
}

/// The error of a spec that must not load, as `(pointer, message)`.
fn structure_error(spec: &str) -> (String, String) {
    match codegen::generate(spec, "case.json") {
        Err(Error::Structure { pointer, message }) => (pointer.to_string(), message),
        Err(other) => panic!("expected a structure error, got {other}"),
        Ok(_) => panic!("expected a structure error, the spec generated"),
    }
}

/// The spec problems of a spec that loads but must not generate.
fn spec_errors(spec: &str) -> Vec<(String, String)> {
    match codegen::generate(spec, "case.yaml") {
        Err(Error::Spec(errors)) => errors
            .into_iter()
            .map(|error| (error.pointer.to_string(), error.message))
            .collect(),
        Err(other) => panic!("expected spec errors, got {other}"),
        Ok(_) => panic!("expected spec errors, the spec generated"),
    }
}

const MINIMAL_JSON: &str = r#"{
  "openapi": "3.0.3",
  "info": { "title": "thumbs \ud83d\udc4d", "version": "1" },
  "paths": {
    "/a": {
      "servers": [
        { "url": "https://s.example.com", "x-host": "main", "x-environment": "sandbox" },
        { "url": "https://example.com", "x-host": "main", "x-environment": "production" }
      ],
      "get": {
        "operationId": "getA",
        "security": [],
        "responses": { "200": { "description": "ok", "content": { "application/json": {
          "schema": { "type": "object", "properties": { "mood": { "type": "string", "description": "\ud83d\udc4d or not" } } }
        } } } }
      }
    }
  }
}"#;

#[test]
fn json_is_read_as_json() {
    let files = codegen::generate(MINIMAL_JSON, "case.json").unwrap();
    let models = generated(&files, "models.rs");
    assert!(models.contains("/// 👍 or not"), "{models}");
}

#[test]
fn json_syntax_errors_name_line_and_column() {
    let broken = MINIMAL_JSON.replacen("\"security\": [],", "\"security\": [],,", 1);
    let (pointer, message) = structure_error(&broken);
    assert_eq!(pointer, "#");
    assert_eq!(
        message,
        "invalid JSON: key must be a string at line 12 column 24"
    );
}

#[test]
fn duplicate_keys_are_refused_in_json_too() {
    let duplicated = MINIMAL_JSON.replacen(
        "\"security\": [],",
        "\"security\": [], \"security\": [],",
        1,
    );
    let (_, message) = structure_error(&duplicated);
    assert_eq!(
        message,
        "invalid JSON: duplicate key `security` at line 12 column 34"
    );
}

/// Each deep document is refused with the depth limit and where it was
/// crossed, in well under a second (measured: a few milliseconds each in a
/// debug build), never with a stack overflow or minutes of YAML scanning.
#[test]
fn deep_documents_fail_fast() {
    let deep_inline = {
        let mut schema = "{ type: string }".to_owned();
        for _ in 0..40 {
            schema = format!("{{ type: object, properties: {{ a: {schema} }} }}");
        }
        spec_with(
            &format!("      operationId: getA\n      security: []\n      parameters:\n{PATH_ID}"),
            &format!("    Deep: {schema}"),
        )
    };
    let bomb = "openapi: 3.0.3\nx-a: &a [x,x,x,x,x,x,x,x,x]\nx-b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nx-c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\nx-d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\nx-e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]\nx-f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]\nx-g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]\nx-h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]\nx-i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]\n";
    let cases = [
        (
            "JSON arrays",
            "{\"a\": ".to_owned() + &"[".repeat(100_000),
            "invalid JSON: the document nests deeper than 64 levels at line 1 column 70",
        ),
        (
            "JSON objects",
            "{\"a\":".repeat(100_000),
            "invalid JSON: the document nests deeper than 64 levels at line 1 column 321",
        ),
        (
            "YAML flow lists",
            format!("a: {}", "[".repeat(100_000)),
            "invalid YAML: the document nests deeper than 64 levels at line 1 column 68",
        ),
        (
            "YAML flow maps",
            format!("a: {}", "{a: ".repeat(100_000)),
            "invalid YAML: the document nests deeper than 64 levels at line 1 column 260",
        ),
        (
            "inline schemas",
            deep_inline,
            "invalid YAML: the document nests deeper than 64 levels at line 24 column 1067",
        ),
        (
            "a YAML alias bomb",
            bomb.to_owned(),
            "the document's YAML aliases expand to more values than its text could hold",
        ),
    ];
    for (what, spec, expected) in cases {
        let started = std::time::Instant::now();
        let (pointer, message) = structure_error(&spec);
        let took = started.elapsed();
        assert_eq!(pointer, "#", "{what}");
        assert!(message.contains(expected), "{what}: {message}");
        assert!(took.as_millis() < 1000, "{what} took {took:?}");
    }
}

/// Nesting the document's depth limit does not catch: a chain of `$ref`s.
#[test]
fn schemas_nested_through_refs_fail_fast() {
    let chain: String = (0..300)
        .map(|level| {
            format!(
                "    A{level}: {{ type: array, items: {{ $ref: '#/components/schemas/A{}' }} }}\n",
                level + 1
            )
        })
        .collect();
    let chain = spec_with(
        &format!("      operationId: getA\n      security: []\n      parameters:\n{PATH_ID}"),
        &(chain + "    A300: { type: string }"),
    );
    let errors = spec_errors(&chain);
    assert!(
        errors
            .iter()
            .any(|(pointer, message)| pointer == "#/components/schemas/A0"
                || message.starts_with("schemas nest deeper than 256 levels here")),
        "{errors:?}"
    );
    let looped = spec_with(
        &format!("      operationId: getA\n      security: []\n      parameters:\n{PATH_ID}"),
        "    Loop: { allOf: [{ $ref: '#/components/schemas/Loop' }, { type: object, properties: { a: { type: string } } }] }",
    );
    let errors = spec_errors(&looped);
    assert!(
        errors
            .iter()
            .any(|(_, message)| message.starts_with("`allOf`s nest deeper than 256 levels here")),
        "{errors:?}"
    );
}

/// Alias components each holding two `$ref`s to the next: lowered once
/// each, not 2^30 times.
#[test]
fn alias_chains_are_lowered_once_each() {
    let chain: String = (0..30)
        .map(|level| {
            let next = format!("{{ $ref: '#/components/schemas/A{}' }}", level + 1);
            format!("    A{level}: {{ type: array, items: {{ type: object, properties: {{ x: {next}, y: {next} }} }} }}\n")
        })
        .collect();
    let spec = spec_with(
        &format!("      operationId: getA\n      security: []\n      parameters:\n{PATH_ID}"),
        &(chain + "    A30: { type: string }"),
    );
    let started = std::time::Instant::now();
    codegen::generate(&spec, "case.yaml").unwrap();
    assert!(started.elapsed().as_secs() < 5, "{:?}", started.elapsed());
}

/// OpenAPI 3.1 constructs with no 3.0 meaning are refused where they are;
/// `openapiv3` would otherwise drop them without a word.
#[test]
fn openapi_3_1_constructs_without_a_3_0_meaning_are_refused() {
    let at = "#/components/schemas/Card";
    let cases = [
        (
            "{ type: [string, integer] }",
            format!("{at}/type"),
            "a list of several types other than `null` (use `oneOf`) is not supported yet",
        ),
        (
            "{ type: 'null' }",
            format!("{at}/type"),
            "a schema whose only type is `null` is not supported yet",
        ),
        (
            "{ type: array, prefixItems: [{ type: string }] }",
            format!("{at}/prefixItems"),
            "`prefixItems` has no OpenAPI 3.0 meaning, and ignoring it would change what the client accepts",
        ),
        (
            "{ type: object, if: { required: [a] }, then: { required: [b] } }",
            format!("{at}/if"),
            "`if` has no OpenAPI 3.0 meaning",
        ),
        (
            "{ type: object, patternProperties: { '^x': { type: string } } }",
            format!("{at}/patternProperties"),
            "`patternProperties` has no OpenAPI 3.0 meaning",
        ),
        (
            "{ type: object, unevaluatedProperties: false }",
            format!("{at}/unevaluatedProperties"),
            "`unevaluatedProperties` has no OpenAPI 3.0 meaning",
        ),
        (
            "{ type: object, dependentRequired: { a: [b] } }",
            format!("{at}/dependentRequired"),
            "`dependentRequired` has no OpenAPI 3.0 meaning",
        ),
        (
            "{ type: string, contentMediaType: image/png }",
            format!("{at}/contentMediaType"),
            "`contentMediaType` has no OpenAPI 3.0 meaning",
        ),
        (
            "{ $defs: { a: { type: string } }, type: string }",
            format!("{at}/$defs"),
            "`$defs` has no OpenAPI 3.0 meaning",
        ),
        (
            "{ type: object, properties: { a: { $ref: 'other.yaml#/A' } } }",
            format!("{at}/properties/a/$ref"),
            "`$ref` other.yaml#/A (only `#/components/...` references are) is not supported yet",
        ),
        (
            "{ type: array, items: [{ type: string }] }",
            format!("{at}/items"),
            "a list of `items` (a tuple; OpenAPI 3.0 has one `items` schema) is not supported yet",
        ),
        (
            "{ type: string, const: a, enum: [a, b] }",
            format!("{at}/const"),
            "`const` beside `enum` is not supported yet",
        ),
    ];
    for (schema, pointer, message) in cases {
        let spec = spec_with(
            &format!("      operationId: getA\n      security: []\n      parameters:\n{PATH_ID}"),
            &format!("    Card: {schema}"),
        )
        .replace("openapi: 3.0.3", "openapi: 3.1.0");
        let errors = spec_errors(&spec);
        assert!(
            errors
                .iter()
                .any(|(at, said)| *at == pointer && said.starts_with(message)),
            "{schema}: expected `{message}` at {pointer}, got {errors:?}"
        );
    }
}

/// Schemas `openapiv3` reads as untyped lower as what their keywords mean;
/// keywords of another type than the declared one are ignored.
#[test]
fn untyped_schemas_lower_as_what_they_evidently_are() {
    let spec = spec_with(
        &format!("      operationId: getA\n      security: []\n      parameters:\n{PATH_ID}"),
        "    Loose: { properties: { a: { type: string } }, required: [a], format: thing }\n    Shaped: { type: object, format: thing, properties: { b: { type: integer } } }\n    Mood: { enum: [happy, sad] }\n    Level: { enum: [1, 2] }\n    Listed: { items: { type: string } }\n    Joined: { required: [c, d], allOf: [{ $ref: '#/components/schemas/Loose' }, { type: object, properties: { c: { type: string } } }], properties: { d: { type: boolean } } }",
    );
    let files = codegen::generate(&spec, "case.yaml").unwrap();
    let models = generated(&files, "models.rs");
    for expected in [
        "pub struct Loose {",
        "pub a: String,",
        "pub struct Shaped {",
        "pub b: Option<i64>",
        "pub enum Mood {",
        "Happy = \"happy\",",
        "pub type Listed = Vec<String>;",
        "pub type Level = i64;",
        // Plaid's responses: `required` beside an `allOf` of objects.
        "pub struct Joined {",
        "pub c: String,",
        "pub d: bool,",
    ] {
        assert!(
            models.contains(expected),
            "`{expected}` missing from:\n{models}"
        );
    }
    // A keyword of another type constrains nothing (JSON Schema applies it
    // only to values of its own type), so the schema is read as its `type`.
    let mixed = spec_with(
        &format!("      operationId: getA\n      security: []\n      parameters:\n{PATH_ID}"),
        "    Mixed: { type: string, minimum: 1 }",
    );
    let files = codegen::generate(&mixed, "case.yaml").unwrap();
    let models = generated(&files, "models.rs");
    assert!(models.contains("pub type Mixed = String;"), "{models}");
}

/// An integer bound beyond the i64 range bounds nothing and is dropped
/// (OpenAI writes `±9223372036854776000`, which YAML reads as a 128-bit
/// integer and JSON as a float); a whole float bound is that integer.
#[test]
fn integer_bounds_beyond_i64_bound_nothing() {
    let spec = r##"openapi: 3.0.3
info: { title: t, version: "1" }
servers: [{ url: "https://api.example.com" }]
paths:
  /a:
    post:
      operationId: postA
      requestBody:
        content: { application/json: { schema: { $ref: "#/components/schemas/Seeded" } } }
      responses: { "204": { description: ok } }
components:
  schemas:
    Seeded:
      type: object
      properties:
        seed: { type: integer, minimum: -9223372036854776000, maximum: 9223372036854776000 }
        count: { type: integer, minimum: 1.0, maximum: 99999999999999999999 }
"##;
    let files = codegen::generate(spec, "case.yaml").unwrap_or_else(|error| panic!("{error}"));
    let models = generated(&files, "models.rs");
    let checks = &models[models
        .find("impl runtime::Validate for Seeded")
        .expect(models)..];
    let checks = &checks[..checks.find("\n}\n").expect(checks)];
    assert!(
        checks.contains(r#"checks.range("count", &self.count, 1..)"#),
        "{checks}"
    );
    assert!(!checks.contains("seed"), "{checks}");
}

/// Square gives a security requirement `null` scopes: no scopes, as `[]`.
#[test]
fn null_scopes_in_a_security_requirement_are_none() {
    let spec = r#"openapi: 3.0.3
info: { title: t, version: "1" }
servers: [{ url: "https://api.example.com" }]
paths:
  /a:
    get:
      operationId: getA
      security: [{ oauth: null }]
      responses: { "204": { description: ok } }
components:
  securitySchemes:
    oauth: { type: oauth2, flows: { clientCredentials: { tokenUrl: "https://api.example.com/token", scopes: {} } } }
"#;
    let files = codegen::generate(spec, "case.yaml").unwrap_or_else(|error| panic!("{error}"));
    let client = generated(&files, "client.rs");
    assert!(client.contains("schemes::Oauth"), "{client}");
}

/// Square's `PUT /v2/vendors/{vendor_id}` declares no `vendor_id`: the
/// method still takes it, as the URL needs it.
#[test]
fn a_path_name_no_parameter_declares_is_a_string_parameter() {
    let spec = r#"openapi: 3.0.3
info: { title: t, version: "1" }
servers: [{ url: "https://api.example.com" }]
paths:
  /v2/vendors/{vendor_id}:
    put:
      operationId: UpdateVendor
      responses: { "204": { description: ok } }
"#;
    let files = codegen::generate(spec, "case.yaml").unwrap_or_else(|error| panic!("{error}"));
    let client = generated(&files, "client.rs");
    assert!(
        client.contains(
            "/// - `vendor_id`: Named in the path; the spec declares no parameter for it."
        ),
        "{client}"
    );
    assert!(
        client.contains("pub fn update_vendor(&self, vendor_id: &str)"),
        "{client}"
    );
}

/// A YAML spec is read in parts, a top-level section or more each, on
/// threads; what crosses a part's edge reads as it does in the whole text.
#[test]
fn a_spec_read_in_parts_reads_as_the_whole() {
    let spec = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/objects.yaml"),
    )
    .unwrap();
    // An anchor in the first section, its alias in the last.
    let anchored = spec
        .replacen(
            "openapi: 3.0.3",
            "x-words: &words A thing to send.\nopenapi: 3.0.3",
            1,
        )
        .replacen("description: A thing to send.", "description: *words", 1);
    let expanded = spec.replacen(
        "openapi: 3.0.3",
        "x-words: A thing to send.\nopenapi: 3.0.3",
        1,
    );
    // The models without the header line, which names the spec's digest.
    let models = |spec: &str| {
        let files = codegen::generate(spec, "objects.yaml").unwrap();
        let models = generated(&files, "models.rs");
        models[models.find('\n').unwrap()..].to_owned()
    };
    assert!(models(&expanded).contains("/// A thing to send."));
    assert_eq!(models(&anchored), models(&expanded));

    // A key the last section repeats from the first is reported where the
    // whole text's reader finds it (the mapping's first line, 4), not at a
    // line of the part that repeats it.
    let repeated = format!("{spec}info: {{ title: again, version: \"2\" }}\n");
    let (pointer, message) = structure_error(&repeated);
    assert_eq!(pointer, "#");
    assert_eq!(
        message,
        "invalid YAML: duplicate key `info` at line 4 column 1"
    );
}

/// Patterns are ECMA-262 regular expressions; one the client's regex
/// engine cannot compile (look-around) is documented and left to the
/// server, and the rest of the spec generates.
#[test]
fn a_pattern_the_client_cannot_check_is_documented_not_refused() {
    let spec = r#"openapi: 3.0.3
info: { title: t, version: "1" }
servers: [{ url: "https://example.com" }]
paths:
  /cards:
    post:
      operationId: addCard
      requestBody:
        required: true
        content:
          application/json:
            schema:
              type: object
              properties:
                pan: { type: string, pattern: '^(?!0)[0-9]+$', maxLength: 19 }
                name: { type: string, pattern: '^[A-Z ]+$' }
      responses: { "204": { description: added } }
"#;
    let files = codegen::generate(spec, "cards.yaml").unwrap();
    let models = generated(&files, "models.rs");
    assert!(
        models.contains("/// Checked before sending: at most 19 characters. The server expects the pattern\n    /// `^(?!0)[0-9]+$`, whose syntax this client does not check."),
        "{models}"
    );
    assert!(models.contains(r#"checks.pattern("name""#), "{models}");
    assert!(!models.contains(r#"checks.pattern("pan""#), "{models}");
    assert!(models.contains(r#"checks.length("pan""#), "{models}");
}

/// GitHub's spec has arrays without `items` (3.0 asks for it) and a root
/// path `/`: each generates, as any values and as the path written.
#[test]
fn an_array_without_items_and_the_root_path_generate() {
    let spec = r#"openapi: 3.0.3
info: { title: t, version: "1" }
servers: [{ url: "https://example.com" }]
paths:
  /:
    get:
      operationId: root
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema: { type: object, properties: { tags: { type: array } } }
"#;
    let files = codegen::generate(spec, "root.yaml").unwrap();
    let models = generated(&files, "models.rs");
    assert!(
        models.contains("pub tags: Option<Vec<serde_json::Value>>"),
        "{models}"
    );
    let client = generated(&files, "client.rs");
    assert!(client.contains(r#""/""#), "{client}");
}

/// GitHub's request bodies narrow their declared properties per `oneOf`
/// member (which are present, a narrower `status`, none at all); the
/// struct is the declared properties, and which combination holds is the
/// server's to check. A member that adds a property is still refused.
#[test]
fn members_that_only_narrow_declared_properties_leave_the_struct() {
    let spec = |members: &str| {
        format!(
            r#"openapi: 3.0.3
info: {{ title: t, version: "1" }}
servers: [{{ url: "https://example.com" }}]
paths:
  /runs:
    post:
      operationId: createRun
      requestBody:
        required: true
        content:
          application/json:
            schema:
              type: object
              required: [name]
              properties:
                name: {{ type: string }}
                status: {{ type: string, enum: [queued, completed] }}
                conclusion: {{ type: string }}
              {members}
      responses: {{ "204": {{ description: created }} }}
"#
        )
    };
    let narrowing = spec(
        "oneOf: [{ properties: { status: { enum: [completed] } }, required: [status, conclusion], additionalProperties: true }, { properties: { status: { enum: [queued] } } }, { type: object, maxProperties: 0 }]",
    );
    let files =
        codegen::generate(&narrowing, "runs.yaml").unwrap_or_else(|error| panic!("{error}"));
    let models = generated(&files, "models.rs");
    assert!(
        models.contains("pub conclusion: Option<String>"),
        "{models}"
    );
    let adding = spec("anyOf: [{ properties: { extra: { type: string } } }]");
    let error = codegen::generate(&adding, "runs.yaml")
        .unwrap_err()
        .to_string();
    assert!(
        error.contains("`properties` beside a `oneOf`/`anyOf`"),
        "{error}"
    );
}
