//! For each construct, a tiny spec and a golden of every file it generates.
//! Review changes with `cargo insta review`, or accept with `INSTA_UPDATE=always`.

use std::path::Path;

mod common;

use common::generated;

fn check_fixture(name: &str) {
    check_file(name, "yaml");
}

fn check_file(name: &str, extension: &str) {
    let file_name = format!("{name}.{extension}");
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(&file_name);
    let spec = std::fs::read_to_string(&path).unwrap();
    let files =
        codegen::generate(&spec, &file_name).unwrap_or_else(|error| panic!("{name}: {error}"));
    for file in files {
        insta::assert_snapshot!(format!("{name}__{}", file.name), file.contents);
    }
}

#[test]
fn objects() {
    check_fixture("objects");
}

#[test]
fn enums() {
    check_fixture("enums");
}

#[test]
fn operations() {
    check_fixture("operations");
}

#[test]
fn compositions() {
    check_fixture("compositions");
}

/// Under the mirror feature, each model also derives the serde direction it
/// does not travel.
#[test]
fn compositions_with_a_mirror_feature() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/compositions.yaml");
    let spec = std::fs::read_to_string(&path).unwrap();
    let options = codegen::Options {
        mirror_feature: Some("sandbox".to_owned()),
    };
    let files = codegen::generate_with(&spec, "compositions.yaml", &options).unwrap();
    insta::assert_snapshot!(
        "compositions_mirrored__models.rs",
        generated(&files, "models.rs")
    );
}

#[test]
fn bodies() {
    check_fixture("bodies");
}

#[test]
fn security() {
    check_fixture("security");
}

/// OpenAPI reads a spec without `security` anywhere as requiring no credential.
#[test]
fn a_spec_without_security_sends_no_credential() {
    let spec = r#"openapi: 3.0.3
info: { title: open, version: "1" }
paths:
  /a:
    servers:
      - { url: "https://s.example.com", x-host: main, x-environment: sandbox }
      - { url: "https://example.com", x-host: main, x-environment: production }
    get:
      operationId: getA
      responses: { "204": { description: ok } }
"#;
    let files = codegen::generate(spec, "open.yaml").unwrap();
    let client = generated(&files, "client.rs");
    // `Operation::new` sends no credential; only an operation with one says so.
    assert!(!client.contains("security:"), "{}", client);
    assert!(client.contains("with no credential."), "{}", client);
}

#[test]
fn servers() {
    check_fixture("servers");
}

#[test]
fn no_servers() {
    check_fixture("no_servers");
}

/// `x-host` names keep their spelling; two that make one Rust name are told
/// apart by a number rather than refused.
#[test]
fn hosts_that_share_a_rust_name_get_a_number() {
    let spec = r#"openapi: 3.0.3
info: { title: t, version: "1" }
paths:
  /a:
    servers: [{ url: "https://a.example.com", x-host: main }]
    get: { operationId: getA, security: [], responses: { "204": { description: ok } } }
  /b:
    servers: [{ url: "https://b.example.com", x-host: Main }]
    get: { operationId: getB, security: [], responses: { "204": { description: ok } } }
"#;
    let files = codegen::generate(spec, "case.yaml").unwrap();
    let hosts = generated(&files, "hosts.rs");
    assert!(hosts.contains(r#"Host::Main => "main","#), "{hosts}");
    assert!(hosts.contains(r#"Host::Main2 => "Main","#), "{hosts}");
}

/// PayPal's `authorization` is an `allOf` of the `authorization_status`
/// component, whose `status` is an inline enum: merged or not, that enum is
/// one model named after the component it is written in.
#[test]
fn an_inline_model_merged_through_all_of_is_one_model() {
    let spec = r##"openapi: 3.0.3
info: { title: t, version: "1" }
servers: [{ url: "https://api.example.com" }]
paths:
  /a:
    get:
      operationId: getA
      responses:
        "200":
          description: ok
          content:
            application/json: { schema: { $ref: "#/components/schemas/authorization" } }
components:
  schemas:
    authorization:
      allOf:
        - $ref: "#/components/schemas/authorization_status"
        - { type: object, properties: { id: { type: string } } }
    authorization_status:
      type: object
      properties:
        status: { type: string, enum: [CREATED, VOIDED] }
"##;
    let files = codegen::generate(spec, "merged.yaml").unwrap_or_else(|error| panic!("{error}"));
    let models = generated(&files, "models.rs");
    assert_eq!(
        models.matches("enum AuthorizationStatusStatus").count(),
        1,
        "{models}"
    );
    assert_eq!(
        models.matches("Option<AuthorizationStatusStatus>").count(),
        2,
        "{models}"
    );
    assert!(!models.contains("AuthorizationStatus2"), "{models}");
}

/// Twilio answers some reads only with a `307` and a body: the call is still
/// generated, and its docs say where that response arrives.
#[test]
fn an_operation_without_a_success_response_is_generated() {
    let spec = r##"openapi: 3.0.3
info: { title: t, version: "1" }
servers: [{ url: "https://api.example.com" }]
paths:
  /v1/Deactivations:
    get:
      operationId: FetchDeactivation
      responses:
        "307":
          description: where the file is
          content:
            application/json: { schema: { type: object, properties: { redirect_to: { type: string } } } }
"##;
    let files = codegen::generate(spec, "redirect.yaml").unwrap_or_else(|error| panic!("{error}"));
    let client = generated(&files, "client.rs");
    assert!(
        client.contains("pub fn fetch_deactivation(&self) -> Call<'_, ()>"),
        "{client}"
    );
    assert!(
        client.contains("only 307: such a response arrives as an"),
        "{client}"
    );
}

/// Plaid's error schema requires fields that may be `null`: they are
/// `Option`s, and the error's `Display` shows them only when present.
#[test]
fn required_nullable_error_fields_display_when_present() {
    let spec = r##"openapi: 3.0.3
info: { title: t, version: "1" }
servers: [{ url: "https://api.example.com" }]
paths:
  /a:
    get:
      operationId: getA
      responses:
        "204": { description: ok }
        "400":
          description: bad
          content:
            application/json: { schema: { $ref: "#/components/schemas/Failure" } }
components:
  schemas:
    Failure:
      type: object
      required: [code, display_message, message]
      properties:
        code: { type: string }
        display_message: { type: string, nullable: true }
        message: { type: string, nullable: true }
"##;
    let files = codegen::generate(spec, "nullable.yaml").unwrap_or_else(|error| panic!("{error}"));
    let api = generated(&files, "api.rs");
    assert!(
        api.contains("if let Some(value) = &self.display_message {"),
        "{api}"
    );
    assert!(
        api.contains(r#"fields.field("code", &self.code)?;"#),
        "{api}"
    );
    assert!(api.contains("self.message.as_deref()"), "{api}");
}

#[test]
fn names() {
    check_fixture("names");
}

/// A JSON document in OpenAPI 3.1 that uses only what 3.0 can say.
#[test]
fn openapi31() {
    check_file("openapi31", "json");
}

#[test]
fn schemas_general() {
    check_fixture("schemas_general");
}
