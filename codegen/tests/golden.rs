//! For each construct, a tiny spec and a golden of every file it generates.
//! Review changes with `cargo insta review`, or accept with `INSTA_UPDATE=always`.

use std::path::Path;

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

#[test]
fn names() {
    check_fixture("names");
}

/// A JSON document in OpenAPI 3.1 that uses only what 3.0 can say.
#[test]
fn openapi31() {
    check_file("openapi31", "json");
}
