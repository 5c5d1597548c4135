//! Helpers shared by the integration tests (each test file is its own crate).

/// The contents of the generated file `name`.
pub fn generated<'a>(files: &'a [codegen::GeneratedFile], name: &str) -> &'a str {
    &files
        .iter()
        .find(|file| file.name == name)
        .unwrap_or_else(|| panic!("no {name} generated"))
        .contents
}
