//! A document's top-level entries as `openapiv3` reads them: `paths` and
//! `components` (most of any spec) each read by itself, the rest as JSON
//! until the document is whole.
//!
//! Read apart, neither big entry is first buffered whole, as `OpenAPI`'s
//! flattened extensions make serde do with everything inside it; and the
//! parts of a text read on threads of their own ([`super::sections`]) each
//! read their entries on their thread. The document is the same.

use openapiv3::{Components, OpenAPI, Paths};
use serde::Deserialize;
use serde_json::{Map, Value};

/// Some or all of a document's top-level entries.
#[derive(Default)]
pub struct Entries {
    paths: Option<Paths>,
    /// `Some` when the key is there, even with no value (`components:`).
    components: Option<Option<Components>>,
    /// Every other entry, in document order.
    rest: Map<String, Value>,
}

impl Entries {
    /// Reads a document's (or a part's) entries, `components` on a thread of
    /// its own when `paths` is there too.
    pub fn read(mut entries: Map<String, Value>) -> Result<Entries, serde_json::Error> {
        let paths = entries.shift_remove("paths");
        let components = entries.shift_remove("components");
        let (paths, components) = std::thread::scope(|scope| {
            let read_components = || {
                components
                    .map(Option::<Components>::deserialize)
                    .transpose()
            };
            let (paths, components) = match paths {
                Some(paths) => {
                    let components = std::thread::Builder::new()
                        .name("codegen-components".to_owned())
                        .stack_size(crate::STACK_BYTES)
                        .spawn_scoped(scope, read_components)
                        .expect("spawning a thread to read the components");
                    let paths = Paths::deserialize(paths).map(Some);
                    let components = components
                        .join()
                        .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
                    (paths, components)
                }
                None => (Ok(None), read_components()),
            };
            Ok::<_, serde_json::Error>((paths?, components?))
        })?;
        Ok(Entries {
            paths,
            components,
            rest: entries,
        })
    }

    /// The entries of the parts of one document, in order; `None` when one
    /// repeats another's key (the whole text's reader reports where).
    pub fn join(parts: impl IntoIterator<Item = Entries>) -> Option<Entries> {
        let mut document = Entries::default();
        for part in parts {
            document.paths = one_of(document.paths, part.paths)?;
            document.components = one_of(document.components, part.components)?;
            for (key, value) in part.rest {
                if document.rest.insert(key, value).is_some() {
                    return None;
                }
            }
        }
        Some(document)
    }

    /// The whole document.
    pub fn into_openapi(self) -> Result<OpenAPI, serde_json::Error> {
        let Entries {
            paths,
            components,
            mut rest,
        } = self;
        let Some(paths) = paths else {
            // `paths` is required: `OpenAPI` says so.
            return OpenAPI::deserialize(Value::Object(rest));
        };
        rest.insert("paths".to_owned(), Value::Object(Map::new()));
        Ok(OpenAPI {
            paths,
            components: components.flatten(),
            ..OpenAPI::deserialize(Value::Object(rest))?
        })
    }
}

/// The one of two parts' values that is there; `None` when both are.
fn one_of<T>(first: Option<T>, second: Option<T>) -> Option<Option<T>> {
    match (first, second) {
        (Some(_), Some(_)) => None,
        (first, second) => Some(first.or(second)),
    }
}
