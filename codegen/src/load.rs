//! Spec text → the `openapiv3` model.
//!
//! A document whose first non-blank character is `{` is read as JSON, any
//! other as YAML (which reports duplicate keys with their line and keeps raw
//! YAML away from `openapiv3`, which panics on some of them). Either way it
//! becomes a JSON value in document order (`200:` keys become `"200"`), no
//! deeper than [`MAX_DEPTH`], whose schemas [`schemas::normalize`] settles
//! before `openapiv3` reads it ([`entries`]). A YAML text is first tried in
//! parts ([`sections`]), each read on a thread of its own; anything a part
//! cannot read alone sends the whole text down the one-thread path, which
//! reports every failure.

mod entries;
mod locate;
mod schemas;
mod sections;

use std::cell::Cell;
use std::fmt;

use openapiv3::OpenAPI;
use serde::Deserialize;
use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::Value;

use crate::error::{Error, Pointer};
use entries::Entries;

/// How deeply a document may nest objects and lists. Real specs stay well
/// under it (a schema five objects deep inside a response is about 20);
/// `openapiv3` reads each level recursively, so the limit keeps a hostile
/// document from exhausting the stack, and a YAML one from the reader's
/// quadratic time on deep flow collections.
pub const MAX_DEPTH: usize = 64;

/// Reads a spec into the `openapiv3` model. A structural error carries the
/// pointer of the deepest node that does not read ([`locate`]).
pub fn parse(spec_text: &str) -> Result<OpenAPI, Error> {
    if let Some(document) = parse_in_parts(spec_text, crate::parallel::threads()) {
        return Ok(document);
    }
    // Locating a failure reads nodes again and again; a document that reads
    // cleanly never needs it, so only a failure reads the text again.
    deserialize(normalized(spec_text)?).or_else(|error| {
        let (pointer, message) = locate::failure(&normalized(spec_text)?)
            .unwrap_or_else(|| (Pointer::root(), error.to_string()));
        Err(Error::Structure { pointer, message })
    })
}

/// YAML text read as its top-level [`sections`], in up to `parts` parts, each
/// part read, settled and turned into its [`Entries`] on its own thread:
/// the YAML reader, the slowest step, reads one character at a time.
/// `None` when the text does not split or a part fails in any way, for the
/// caller to read it whole and report the failure where the whole text has it.
fn parse_in_parts(spec_text: &str, parts: usize) -> Option<OpenAPI> {
    let text = without_bom(spec_text);
    // The whole text's depth, as a part alone may not show it.
    if is_json(text) || check_flow_depth(text).is_err() {
        return None;
    }
    let parts = sections::split(text, parts)?;
    let read_part = |part: &str| {
        let mut value = read_yaml(part, budget_share(part, text)).ok()?;
        schemas::normalize(&mut value).ok()?;
        let Value::Object(entries) = value else {
            return None;
        };
        Entries::read(entries).ok()
    };
    let entries = std::thread::scope(|scope| {
        let others: Vec<_> = parts[1..]
            .iter()
            .map(|part| {
                std::thread::Builder::new()
                    .name("codegen-read".to_owned())
                    .stack_size(crate::STACK_BYTES)
                    .spawn_scoped(scope, move || read_part(part))
                    .expect("spawning a thread to read part of the spec")
            })
            .collect();
        let first = read_part(parts[0]);
        let others = others.into_iter().map(|other| {
            other
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
        });
        std::iter::once(first)
            .chain(others)
            .collect::<Option<Vec<_>>>()
    })?;
    Entries::join(entries)?.into_openapi().ok()
}

/// The whole document as `openapiv3` reads it.
fn deserialize(document: Value) -> Result<OpenAPI, serde_json::Error> {
    match document {
        Value::Object(entries) => Entries::read(entries)?.into_openapi(),
        other => OpenAPI::deserialize(other),
    }
}

/// The document as a JSON value whose schemas are settled.
fn normalized(spec_text: &str) -> Result<Value, Error> {
    let mut value = read(spec_text)?;
    schemas::normalize(&mut value).map_err(Error::Spec)?;
    Ok(value)
}

/// The text after a byte order mark, which some editors write first.
fn without_bom(spec_text: &str) -> &str {
    spec_text.trim_start_matches('\u{feff}')
}

/// Whether the text is JSON: its first non-blank character is `{`.
fn is_json(text: &str) -> bool {
    text.trim_start().starts_with('{')
}

/// The whole document as a JSON value, from JSON or YAML text.
fn read(spec_text: &str) -> Result<Value, Error> {
    let text = without_bom(spec_text);
    if !is_json(text) {
        check_flow_depth(text)?;
        return read_yaml(text, budget(text));
    }
    let budget = budget(text);
    let mut reader = serde_json::Deserializer::from_str(text);
    Node::new(&budget)
        .deserialize(&mut reader)
        .and_then(|value| reader.end().map(|()| value))
        .map_err(|error| at_root(format!("invalid JSON: {error}")))
}

/// YAML text whose flow depth is checked, read into at most `budget` values.
fn read_yaml(text: &str, budget: Cell<usize>) -> Result<Value, Error> {
    Node::new(&budget)
        .deserialize(serde_yaml_ng::Deserializer::from_str(text))
        .map_err(|error| at_root(format!("invalid YAML: {error}")))
}

/// The values a text may hold: one per two bytes, and the allowance.
fn budget(text: &str) -> Cell<usize> {
    Cell::new(text.len() / 2 + EXPANSION_ALLOWANCE)
}

/// A part's values: one per two of its bytes, and its share of the whole
/// text's allowance, so the parts together may hold what the whole may.
fn budget_share(part: &str, whole: &str) -> Cell<usize> {
    let allowance = EXPANSION_ALLOWANCE * part.len() / whole.len().max(1);
    Cell::new(part.len() / 2 + allowance)
}

/// How many values a document may hold beyond one per two bytes of text,
/// which no document without YAML aliases exceeds. The budget stops an
/// alias bomb in the time its text would take to read, not minutes.
const EXPANSION_ALLOWANCE: usize = 10_000;

fn at_root(message: String) -> Error {
    Error::Structure {
        pointer: Pointer::root(),
        message,
    }
}

fn too_deep() -> String {
    format!("the document nests deeper than {MAX_DEPTH} levels")
}

/// Reads one value into JSON, refusing what JSON cannot hold (a duplicate
/// key, a YAML tag), nesting beyond [`MAX_DEPTH`] and more values than the
/// budget allows. Map keys become strings (`200:` → `"200"`).
#[derive(Clone, Copy)]
struct Node<'b> {
    /// Values still allowed, shared by the whole document.
    budget: &'b Cell<usize>,
    depth: usize,
}

impl<'b> Node<'b> {
    /// The document's root.
    fn new(budget: &'b Cell<usize>) -> Self {
        Node { budget, depth: 0 }
    }

    fn spend<E: de::Error>(self) -> Result<(), E> {
        match self.budget.get().checked_sub(1) {
            Some(left) => {
                self.budget.set(left);
                Ok(())
            }
            None => Err(E::custom(
                "the document's YAML aliases expand to more values than its text could hold",
            )),
        }
    }

    fn child<E: de::Error>(self) -> Result<Self, E> {
        match self.depth < MAX_DEPTH {
            true => Ok(Node {
                depth: self.depth + 1,
                ..self
            }),
            false => Err(E::custom(too_deep())),
        }
    }
}

impl<'de> DeserializeSeed<'de> for Node<'_> {
    type Value = Value;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Node<'_> {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_bool<E: de::Error>(self, value: bool) -> Result<Value, E> {
        self.spend().map(|()| Value::Bool(value))
    }

    fn visit_i64<E: de::Error>(self, value: i64) -> Result<Value, E> {
        self.spend().map(|()| Value::from(value))
    }

    fn visit_u64<E: de::Error>(self, value: u64) -> Result<Value, E> {
        self.spend().map(|()| Value::from(value))
    }

    /// An integer beyond 64 bits is read as the float JSON readers make of it.
    fn visit_i128<E: de::Error>(self, value: i128) -> Result<Value, E> {
        self.visit_f64(value as f64)
    }

    fn visit_u128<E: de::Error>(self, value: u128) -> Result<Value, E> {
        self.visit_f64(value as f64)
    }

    fn visit_f64<E: de::Error>(self, value: f64) -> Result<Value, E> {
        self.spend()?;
        serde_json::Number::from_f64(value)
            .map(Value::Number)
            .ok_or_else(|| E::custom(format!("{value} is not a JSON number")))
    }

    fn visit_str<E: de::Error>(self, value: &str) -> Result<Value, E> {
        self.spend().map(|()| Value::String(value.to_owned()))
    }

    fn visit_string<E: de::Error>(self, value: String) -> Result<Value, E> {
        self.spend().map(|()| Value::String(value))
    }

    fn visit_unit<E: de::Error>(self) -> Result<Value, E> {
        self.spend().map(|()| Value::Null)
    }

    fn visit_none<E: de::Error>(self) -> Result<Value, E> {
        self.visit_unit()
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        self.deserialize(deserializer)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        self.spend()?;
        let child = self.child()?;
        let mut items = Vec::new();
        while let Some(item) = seq.next_element_seed(child)? {
            items.push(item);
        }
        Ok(Value::Array(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        self.spend()?;
        let child = self.child()?;
        let mut entries = serde_json::Map::new();
        while let Some(key) = map.next_key_seed(child)? {
            let key = match key {
                Value::String(key) => key,
                Value::Number(_) | Value::Bool(_) | Value::Null => key.to_string(),
                _ => return Err(de::Error::custom("a map key must be a string or a number")),
            };
            match entries.entry(key) {
                serde_json::map::Entry::Occupied(entry) => {
                    let key = entry.key();
                    return Err(de::Error::custom(format!("duplicate key `{key}`")));
                }
                serde_json::map::Entry::Vacant(entry) => {
                    entry.insert(map.next_value_seed(child)?);
                }
            }
        }
        Ok(Value::Object(entries))
    }
}

/// Refuses YAML whose flow collections (`[`, `{`) nest deeper than
/// [`MAX_DEPTH`] before the YAML reader sees it: its time grows with the
/// square of that depth (100,000 levels take minutes). Brackets inside
/// quotes and comments do not count; the count errs high only on unbalanced
/// brackets in plain text, which real specs do not have by the dozen.
fn check_flow_depth(text: &str) -> Result<(), Error> {
    let mut depth = 0usize;
    let mut quote: Option<char> = None;
    let mut escaped = false;
    for (line, content) in text.lines().enumerate() {
        // The character before this one, and the last one before it that is not blank.
        let (mut previous, mut significant) = ('\n', '\n');
        let bytes = content.as_bytes();
        let mut at = 0;
        while let Some(&byte) = bytes.get(at) {
            // Byte by byte where the text is ASCII, as specs mostly are.
            let c = match byte.is_ascii() {
                true => char::from(byte),
                false => content[at..]
                    .chars()
                    .next()
                    .expect("at a character boundary"),
            };
            at += c.len_utf8();
            match quote {
                Some(_) if escaped => escaped = false,
                Some('"') if c == '\\' => escaped = true,
                // `''` is a quote inside a single-quoted scalar.
                Some('\'') if c == '\'' && bytes.get(at) == Some(&b'\'') => at += 1,
                Some(open) if c == open => quote = None,
                Some(_) => {}
                None => match c {
                    '#' if previous.is_whitespace() => break,
                    '\'' | '"' if opens_quote(previous, significant) => quote = Some(c),
                    '[' | '{' if depth == MAX_DEPTH => {
                        let column = content[..at].chars().count();
                        let message =
                            format!("{} at line {} column {column}", too_deep(), line + 1);
                        return Err(at_root(format!("invalid YAML: {message}")));
                    }
                    '[' | '{' => depth += 1,
                    ']' | '}' => depth = depth.saturating_sub(1),
                    _ => {}
                },
            }
            previous = c;
            if !c.is_whitespace() {
                significant = c;
            }
        }
    }
    Ok(())
}

/// Whether a quote opens a quoted scalar: at the start of a line, a value,
/// a list entry or a flow item.
fn opens_quote(previous: char, significant: char) -> bool {
    (previous.is_whitespace() || matches!(previous, '[' | '{' | ','))
        && matches!(significant, '\n' | ':' | '-' | '?' | '[' | '{' | ',')
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Our spec's last key, `components`, starts before the middle of the
    /// text, after a long `paths`: it still splits, and reads as the whole.
    #[test]
    fn a_spec_read_in_parts_is_the_spec_read_whole() {
        let spec = include_str!("../../spec/clover-ecommerce.yaml");
        let whole = deserialize(normalized(spec).unwrap()).unwrap();
        assert_eq!(parse_in_parts(spec, 2), Some(whole.clone()));

        // As a serializer writes it: lists at their key's indentation.
        let value: serde_yaml_ng::Value = serde_yaml_ng::from_str(spec).unwrap();
        let reserialized = serde_yaml_ng::to_string(&value).unwrap();
        assert!(reserialized.contains("\n- name: "));
        assert_eq!(parse_in_parts(&reserialized, 2), Some(whole));
    }

    #[test]
    fn components_with_no_value_are_none_whole_or_in_parts() {
        let spec = "openapi: 3.0.3\ninfo: { title: t, version: '1' }\npaths: {}\ncomponents:\n";
        assert_eq!(parse(spec).unwrap().components, None);
        assert_eq!(parse_in_parts(spec, 2).unwrap().components, None);
    }

    /// Each part is within the limits and the whole is not: the whole decides.
    #[test]
    fn limits_are_the_whole_texts_not_each_parts() {
        let notes = "  - Range [0, 1)\n".repeat(40);
        let spec = format!(
            "openapi: 3.0.3\nx-a:\n{notes}info: {{ title: t, version: '1' }}\npaths: {{}}\nx-b:\n{notes}"
        );
        assert_eq!(sections::split(&spec, 2).map(|parts| parts.len()), Some(2));
        assert_eq!(parse_in_parts(&spec, 2), None);
        let Err(Error::Structure { message, .. }) = parse(&spec) else {
            panic!("a text nested too deeply must be refused");
        };
        assert!(message.contains("nests deeper than 64"), "{message}");

        // Aliases that expand past the whole text's allowance, half in each part.
        let expansions = |key: &str| {
            let aliases = "  - *many\n".repeat(EXPANSION_ALLOWANCE / 2 / 1_000 + 1);
            format!("{key}:\n  - &many [{}]\n{aliases}", "1, ".repeat(1_000))
        };
        let spec = format!(
            "openapi: 3.0.3\n{}info: {{ title: t, version: '1' }}\npaths: {{}}\n{}",
            expansions("x-a"),
            expansions("x-b")
        );
        assert_eq!(parse_in_parts(&spec, 2), None);
        let Err(Error::Structure { message, .. }) = parse(&spec) else {
            panic!("aliases past the allowance must be refused");
        };
        assert!(message.contains("aliases expand"), "{message}");
    }
}
