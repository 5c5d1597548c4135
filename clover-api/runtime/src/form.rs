//! Values sent as text pieces rather than JSON: query strings in the spec's
//! `style`s, `application/x-www-form-urlencoded` and `multipart/form-data`
//! bodies, and the bytes of a `format: binary` property.

use std::collections::BTreeMap;
use std::fmt;

use bytes::Bytes;
use serde::Serialize;

use crate::request::ParamValue;

/// How the items of a list parameter are joined into one value
/// (`style: form` with `explode: false`, `spaceDelimited`, `pipeDelimited`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Delimiter {
    /// `a=1,2`
    Comma,
    /// `a=1%202`
    Space,
    /// `a=1|2`
    Pipe,
}

impl Delimiter {
    /// The delimiter as it is written in a query string.
    fn encoded(self) -> &'static str {
        match self {
            Delimiter::Comma => ",",
            Delimiter::Space => "%20",
            Delimiter::Pipe => "|",
        }
    }
}

/// How an object parameter is written in a query string.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ObjectStyle {
    /// `filter[name]=x&filter[size]=2` (`deepObject`).
    DeepObject,
    /// `name=x&size=2`: each property its own parameter (`form`, `explode: true`).
    Exploded,
    /// `filter=name,x,size,2` (`form`, `explode: false`).
    Joined,
}

/// The properties of a model sent as a form, part by part, or as an object
/// parameter; generated code implements it for each model sent that way.
pub trait FormFields {
    fn write_fields(&self, fields: &mut Fields);
}

impl<T: FormFields> FormFields for Option<T> {
    fn write_fields(&self, fields: &mut Fields) {
        if let Some(value) = self {
            value.write_fields(fields);
        }
    }
}

/// A map parameter (`additionalProperties`) sends each entry as a property.
impl<V: ParamValue> FormFields for BTreeMap<String, V> {
    fn write_fields(&self, fields: &mut Fields) {
        for (name, value) in self {
            fields.text(name, value);
        }
    }
}

/// Named values in order, as a [`FormFields`] model writes them.
#[derive(Default)]
pub struct Fields {
    parts: Vec<(String, Part)>,
}

enum Part {
    Text(String),
    File(Binary),
    Json(Vec<u8>),
}

/// Names only: the values may hold card data.
impl fmt::Debug for Fields {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list()
            .entries(self.parts.iter().map(|(name, _)| name))
            .finish()
    }
}

impl Fields {
    /// A value as text; a list gives one entry per item, `None` none.
    pub fn text<V: ParamValue + ?Sized>(&mut self, name: &str, value: &V) {
        let mut texts = Vec::new();
        value.append_to("", &mut texts);
        self.parts.extend(
            texts
                .into_iter()
                .map(|(_, text)| (name.to_owned(), Part::Text(text))),
        );
    }

    /// Bytes sent as a file part.
    pub fn file(&mut self, name: &str, file: Option<&Binary>) {
        if let Some(file) = file {
            self.parts.push((name.to_owned(), Part::File(file.clone())));
        }
    }

    /// A nested value sent as an `application/json` part.
    pub fn json<V: Serialize>(&mut self, name: &str, value: Option<&V>) {
        if let Some(value) = value {
            let json = serde_json::to_vec(value).expect("generated models serialize to JSON");
            self.parts.push((name.to_owned(), Part::Json(json)));
        }
    }

    pub(crate) fn of<V: FormFields + ?Sized>(value: &V) -> Fields {
        let mut fields = Fields::default();
        value.write_fields(&mut fields);
        fields
    }

    /// The text entries; lowering only sends models without files or nested
    /// objects as a form or a parameter.
    fn texts(&self) -> impl Iterator<Item = (&str, &str)> {
        self.parts.iter().filter_map(|(name, part)| match part {
            Part::Text(text) => Some((name.as_str(), text.as_str())),
            Part::File(_) | Part::Json(_) => None,
        })
    }

    /// The `application/x-www-form-urlencoded` body.
    pub(crate) fn urlencoded(&self) -> String {
        let mut query = Query::default();
        for (name, text) in self.texts() {
            query.pair(name, text);
        }
        query.0
    }

    /// The `multipart/form-data` body, and its content type with the boundary.
    pub(crate) fn multipart(&self) -> (String, Bytes) {
        let boundary = format!("form-{}", uuid::Uuid::new_v4().simple());
        let mut body = Vec::new();
        for (name, part) in &self.parts {
            body.extend_from_slice(format!("--{boundary}\r\n").as_bytes());
            let disposition = format!("Content-Disposition: form-data; name=\"{}\"", quoted(name));
            body.extend_from_slice(disposition.as_bytes());
            let (content_type, content): (Option<&str>, &[u8]) = match part {
                Part::Text(text) => (None, text.as_bytes()),
                Part::Json(json) => (Some("application/json"), json),
                Part::File(file) => {
                    let file_name = file.file_name.as_deref().unwrap_or(name);
                    body.extend_from_slice(
                        format!("; filename=\"{}\"", quoted(file_name)).as_bytes(),
                    );
                    let content_type = file.content_type.as_deref();
                    (
                        Some(content_type.unwrap_or("application/octet-stream")),
                        &file.bytes,
                    )
                }
            };
            if let Some(content_type) = content_type {
                body.extend_from_slice(format!("\r\nContent-Type: {content_type}").as_bytes());
            }
            body.extend_from_slice(b"\r\n\r\n");
            body.extend_from_slice(content);
            body.extend_from_slice(b"\r\n");
        }
        body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
        (
            format!("multipart/form-data; boundary={boundary}"),
            Bytes::from(body),
        )
    }
}

/// A name in a `Content-Disposition` header, escaped as browsers do.
fn quoted(name: &str) -> String {
    name.replace('"', "%22")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// A query string (or form body) being written: names and values encoded
/// as forms encode them, the style's delimiters left as they are.
#[derive(Debug, Default)]
pub(crate) struct Query(pub String);

impl Query {
    fn start(&mut self, name: &str) {
        if !self.0.is_empty() {
            self.0.push('&');
        }
        self.0
            .extend(form_urlencoded::byte_serialize(name.as_bytes()));
        self.0.push('=');
    }

    fn value(&mut self, text: &str) {
        self.0
            .extend(form_urlencoded::byte_serialize(text.as_bytes()));
    }

    pub fn pair(&mut self, name: &str, text: &str) {
        self.start(name);
        self.value(text);
    }

    /// Every item under one name, joined by `delimiter`; nothing for no items.
    pub fn joined<'t>(
        &mut self,
        name: &str,
        delimiter: Delimiter,
        items: impl IntoIterator<Item = &'t str>,
    ) {
        for (index, item) in items.into_iter().enumerate() {
            if index == 0 {
                self.start(name);
            } else {
                self.0.push_str(delimiter.encoded());
            }
            self.value(item);
        }
    }

    pub fn object(&mut self, name: &str, style: ObjectStyle, fields: &Fields) {
        match style {
            ObjectStyle::DeepObject => {
                for (property, text) in fields.texts() {
                    self.start(name);
                    // `filter[name]`: the brackets stay as they are.
                    self.0.pop();
                    self.0.push('[');
                    self.0
                        .extend(form_urlencoded::byte_serialize(property.as_bytes()));
                    self.0.push_str("]=");
                    self.value(text);
                }
            }
            ObjectStyle::Exploded => {
                for (property, text) in fields.texts() {
                    self.pair(property, text);
                }
            }
            ObjectStyle::Joined => {
                let items = fields.texts().flat_map(|(property, text)| [property, text]);
                self.joined(name, Delimiter::Comma, items);
            }
        }
    }
}

/// Bytes sent as a file (a `format: binary` property of a multipart body),
/// with the file name and content type its part declares.
#[derive(Clone, PartialEq, Eq)]
pub struct Binary {
    bytes: Bytes,
    file_name: Option<String>,
    content_type: Option<String>,
}

impl Binary {
    /// Sent as `application/octet-stream`, named after its property, unless set.
    pub fn new(bytes: impl Into<Bytes>) -> Self {
        Binary {
            bytes: bytes.into(),
            file_name: None,
            content_type: None,
        }
    }

    pub fn file_name(mut self, file_name: impl Into<String>) -> Self {
        self.file_name = Some(file_name.into());
        self
    }

    pub fn content_type(mut self, content_type: impl Into<String>) -> Self {
        self.content_type = Some(content_type.into());
        self
    }

    pub fn bytes(&self) -> &Bytes {
        &self.bytes
    }
}

impl<T: Into<Bytes>> From<T> for Binary {
    fn from(bytes: T) -> Self {
        Binary::new(bytes)
    }
}

/// The length, never the bytes.
impl fmt::Debug for Binary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Binary")
            .field("len", &self.bytes.len())
            .field("file_name", &self.file_name)
            .field("content_type", &self.content_type)
            .finish()
    }
}

impl Serialize for Binary {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_bytes(&self.bytes)
    }
}

impl<'de> serde::Deserialize<'de> for Binary {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl<'de> serde::de::Visitor<'de> for Visitor {
            type Value = Binary;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("bytes")
            }

            fn visit_bytes<E>(self, bytes: &[u8]) -> Result<Binary, E> {
                Ok(Binary::new(bytes.to_vec()))
            }

            fn visit_str<E>(self, text: &str) -> Result<Binary, E> {
                Ok(Binary::new(text.as_bytes().to_vec()))
            }

            fn visit_seq<A: serde::de::SeqAccess<'de>>(
                self,
                mut seq: A,
            ) -> Result<Binary, A::Error> {
                let mut bytes = Vec::new();
                while let Some(byte) = seq.next_element::<u8>()? {
                    bytes.push(byte);
                }
                Ok(Binary::new(bytes))
            }
        }
        deserializer.deserialize_bytes(Visitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Filter {
        name: String,
        sizes: Vec<i32>,
        color: Option<String>,
    }

    impl FormFields for Filter {
        fn write_fields(&self, fields: &mut Fields) {
            fields.text("name", &self.name);
            fields.text("sizes", &self.sizes);
            fields.text("color", &self.color);
        }
    }

    fn filter() -> Filter {
        Filter {
            name: "a b&c".into(),
            sizes: vec![1, 2],
            color: None,
        }
    }

    fn query(write: impl FnOnce(&mut Query)) -> String {
        let mut query = Query::default();
        write(&mut query);
        query.0
    }

    #[test]
    fn lists_join_with_their_delimiter_and_items_are_encoded() {
        let items = ["1,2", "x y"];
        assert_eq!(
            query(|q| q.joined("a", Delimiter::Comma, items)),
            "a=1%2C2,x+y"
        );
        assert_eq!(
            query(|q| q.joined("a", Delimiter::Space, items)),
            "a=1%2C2%20x+y"
        );
        assert_eq!(
            query(|q| q.joined("a", Delimiter::Pipe, items)),
            "a=1%2C2|x+y"
        );
        assert_eq!(query(|q| q.joined("a", Delimiter::Pipe, [])), "");
    }

    #[test]
    fn objects_follow_their_style() {
        let fields = Fields::of(&filter());
        assert_eq!(
            query(|q| q.object("f", ObjectStyle::DeepObject, &fields)),
            "f[name]=a+b%26c&f[sizes]=1&f[sizes]=2"
        );
        assert_eq!(
            query(|q| q.object("f", ObjectStyle::Exploded, &fields)),
            "name=a+b%26c&sizes=1&sizes=2"
        );
        assert_eq!(
            query(|q| q.object("f", ObjectStyle::Joined, &fields)),
            "f=name,a+b%26c,sizes,1,sizes,2"
        );
    }

    #[test]
    fn a_form_body_repeats_list_properties() {
        assert_eq!(
            Fields::of(&filter()).urlencoded(),
            "name=a+b%26c&sizes=1&sizes=2"
        );
    }

    /// An untyped property: text as itself, an object as its JSON text.
    #[test]
    fn a_value_of_any_type_is_sent_as_text() {
        struct Payment(Vec<(&'static str, serde_json::Value)>);
        impl FormFields for Payment {
            fn write_fields(&self, fields: &mut Fields) {
                for (name, value) in &self.0 {
                    fields.text(name, value);
                }
            }
        }
        let payment = Payment(vec![
            ("Parameter", serde_json::json!({"ach": "yes"})),
            ("Text", serde_json::json!("a b")),
            ("Amounts", serde_json::json!([1, 2.5])),
            ("Absent", serde_json::Value::Null),
            ("Flag", serde_json::json!(true)),
        ]);
        assert_eq!(
            Fields::of(&payment).urlencoded(),
            "Parameter=%7B%22ach%22%3A%22yes%22%7D&Text=a+b&Amounts=1&Amounts=2.5&Flag=true"
        );
    }

    #[test]
    fn multipart_has_a_part_per_property_and_files_keep_their_bytes() {
        let mut fields = Fields::default();
        fields.text("title", "hi");
        fields.file(
            "scan",
            Some(
                &Binary::new(vec![0u8, 255])
                    .file_name("a\"b.png")
                    .content_type("image/png"),
            ),
        );
        fields.file("raw", Some(&Binary::new(&b"x"[..])));
        fields.json("meta", Some(&serde_json::json!({"k": 1})));
        let (content_type, body) = fields.multipart();
        let boundary = content_type
            .strip_prefix("multipart/form-data; boundary=")
            .unwrap();
        let expected = [
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"title\"\r\n\r\nhi\r\n").into_bytes(),
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"scan\"; filename=\"a%22b.png\"\r\nContent-Type: image/png\r\n\r\n").into_bytes(),
            vec![0, 255],
            format!("\r\n--{boundary}\r\nContent-Disposition: form-data; name=\"raw\"; filename=\"raw\"\r\nContent-Type: application/octet-stream\r\n\r\nx\r\n").into_bytes(),
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"meta\"\r\nContent-Type: application/json\r\n\r\n{{\"k\":1}}\r\n--{boundary}--\r\n").into_bytes(),
        ]
        .concat();
        assert_eq!(body.as_ref(), expected.as_slice());
    }

    #[test]
    fn binary_debug_shows_no_bytes() {
        let debug = format!("{:?}", Binary::new(&b"4242424242424242"[..]));
        assert!(!debug.contains("4242"), "{debug}");
    }
}
