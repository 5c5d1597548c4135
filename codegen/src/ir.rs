//! The intermediate model: everything the emitters need, and nothing of OpenAPI.
//!
//! Lowering (`crate::lower`) resolves references, names inline types, checks
//! what the generator supports and settles the spec's quirks; emitters
//! (`crate::emit`) only read these types.

/// The whole API, in spec order.
#[derive(Debug)]
pub struct Api {
    pub hosts: Vec<Host>,
    pub models: Vec<Model>,
    pub operations: Vec<Operation>,
    /// How error responses are read; `None` when the spec defines no error body.
    pub errors: Option<ErrorModel>,
}

/// The error body the operations' error responses share.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ErrorModel {
    /// The struct that holds the error's fields.
    pub fields: String,
    /// The body property that wraps those fields, when the body has one.
    pub envelope: Option<String>,
}

/// One server group, e.g. the tokenization host, with its URL per environment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Host {
    /// Rust variant name, e.g. `Token`.
    pub name: String,
    /// The spec's `x-host` value, e.g. `token`.
    pub key: String,
    pub sandbox_url: String,
    pub production_url: String,
}

#[derive(Debug)]
pub enum Model {
    Struct(Struct),
    Enum(Enum),
    Union(Union),
    /// A component that is another type under a name of its own.
    Alias(Alias),
}

impl Model {
    pub fn name(&self) -> &str {
        match self {
            Model::Struct(model) => &model.name,
            Model::Enum(model) => &model.name,
            Model::Union(model) => &model.name,
            Model::Alias(model) => &model.name,
        }
    }
}

/// One of several schemas (`oneOf`, or an `anyOf` that means the same).
#[derive(Debug)]
pub struct Union {
    pub name: String,
    pub doc: Option<String>,
    pub variants: Vec<UnionVariant>,
    /// The property whose value names the variant, when the spec declares a
    /// `discriminator`; otherwise the first variant that decodes wins.
    pub discriminator: Option<String>,
    /// Reachable from a request, so it is validated before sending.
    pub sent: bool,
}

#[derive(Debug)]
pub struct UnionVariant {
    pub rust_name: String,
    /// What this variant holds: usually a struct, but any type may be a member.
    pub ty: Type,
    /// The discriminator value that selects this variant.
    pub tag: Option<String>,
}

#[derive(Debug)]
pub struct Alias {
    pub name: String,
    pub doc: Option<String>,
    pub ty: Type,
}

#[derive(Debug)]
pub struct Struct {
    pub name: String,
    pub doc: Option<String>,
    pub fields: Vec<Field>,
    pub role: StructRole,
    /// Reachable from a request, so it is validated before sending.
    pub sent: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StructRole {
    /// A JSON object from `components/schemas` or inline in one.
    Schema,
    /// The optional parameters of one operation; never serialized as JSON.
    Params,
}

#[derive(Debug)]
pub struct Field {
    pub rust_name: String,
    pub wire_name: String,
    pub doc: Option<String>,
    pub ty: Type,
    pub required: bool,
    pub constraints: Constraints,
    /// An explicit `null` is a valid value (`nullable: true`); it decodes as `None`.
    pub nullable: bool,
    /// Held in a `Box`, because the field's type contains this struct.
    pub boxed: bool,
    /// Where the field is sent, for the optional-parameter structs.
    pub location: Option<ParamLocation>,
    /// Holds the object's other properties (a typed `additionalProperties`
    /// beside `properties`), flattened into the object on the wire.
    pub flatten: bool,
}

impl Field {
    /// Whether the Rust field is an `Option`.
    pub fn optional(&self) -> bool {
        !self.required || self.nullable
    }
}

/// The declared bounds of a value, checked before a request is sent.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Constraints {
    pub min_length: Option<u64>,
    pub max_length: Option<u64>,
    pub minimum: Option<i64>,
    pub maximum: Option<i64>,
    /// A `number`'s bounds, which need not be whole.
    pub number_minimum: Option<NumberBound>,
    pub number_maximum: Option<NumberBound>,
    /// The only integers allowed: an integer `enum`.
    pub values: Vec<i64>,
    pub min_items: Option<u64>,
    pub max_items: Option<u64>,
    /// A regular expression the whole value must match somewhere (`pattern`).
    pub pattern: Option<String>,
    /// The bounds of each list item or map value.
    pub items: Option<Box<Constraints>>,
}

/// A `minimum` or `maximum` of a `number`; an exclusive one excludes itself.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct NumberBound {
    pub value: f64,
    pub exclusive: bool,
}

impl Constraints {
    pub fn is_empty(&self) -> bool {
        *self == Constraints::default()
    }
}

/// A string enum; it always keeps unknown values instead of failing.
#[derive(Debug)]
pub struct Enum {
    pub name: String,
    pub doc: Option<String>,
    pub variants: Vec<Variant>,
    /// Used as a query or header parameter.
    pub in_params: bool,
    /// Rust names of the variants that mean the server failed while handling
    /// the request (`x-clover-sdk-transient`).
    pub transient: Vec<String>,
}

#[derive(Debug)]
pub struct Variant {
    pub rust_name: String,
    pub wire_name: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Type {
    String,
    /// A string that must not show in `Debug` output.
    Secret,
    /// Documented both as a string and as a number; decoded as a string,
    /// left-padded with zeros to `pad` digits when it arrives as a number.
    Digits {
        pad: Option<u64>,
    },
    Integer(IntegerWidth),
    Number,
    Boolean,
    /// Any JSON value.
    Json,
    Named(String),
    List(Box<Type>),
    Map(Box<Type>),
    /// A list item or map value that may be `null` (a field says so with
    /// `Field::nullable` instead).
    Nullable(Box<Type>),
    /// No response body.
    Unit,
}

impl Type {
    /// The named model this type refers to, looking through lists and maps.
    pub fn named(&self) -> Option<&str> {
        match self {
            Type::Named(name) => Some(name),
            Type::List(inner) | Type::Map(inner) | Type::Nullable(inner) => inner.named(),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IntegerWidth {
    I32,
    I64,
}

#[derive(Debug)]
pub struct Operation {
    /// The spec's `operationId`, used in errors.
    pub id: String,
    /// Rust method name, snake_case.
    pub method_name: String,
    pub summary: Option<String>,
    pub description: Option<String>,
    pub http_method: HttpMethod,
    pub path: PathTemplate,
    /// Rust name of the host variant.
    pub host: String,
    pub credential: Option<Credential>,
    /// Required path, query and header parameters, in spec order.
    pub required_params: Vec<Param>,
    /// Name of the optional-parameter struct, if any parameter is optional.
    pub params_struct: Option<String>,
    pub forwarded_for: Option<ContextHeader>,
    pub idempotency_key: Option<ContextHeader>,
    pub replay: Replay,
    pub body: Option<Body>,
    pub response: Type,
    pub pagination: Option<Pagination>,
}

/// A JSON request body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Body {
    /// The struct or union sent.
    pub model: String,
    /// `false` when the operation may be called without a body.
    pub required: bool,
}

/// How a list operation pages (`x-clover-sdk-paginate`), in Rust names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pagination {
    /// The `Client` method that streams the pages, e.g. `list_charges_pages`.
    pub method_name: String,
    /// The response struct, one page.
    pub page: String,
    /// Its list of items, and the items' struct.
    pub items: String,
    pub items_optional: bool,
    pub item: String,
    /// Its boolean that says another page follows.
    pub has_more: String,
    pub has_more_optional: bool,
    /// The optional query parameter that takes the last item's id.
    pub cursor: String,
    /// The item field whose value is the cursor.
    pub item_id: String,
    pub item_id_optional: bool,
}

/// Whether an operation may be sent again after a failure that may have
/// reached the server.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Replay {
    /// A read, or a write that carries an idempotency key.
    Safe,
    /// A write without a key, or one the spec marks as spending a single-use input.
    Never,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HttpMethod {
    Get,
    Post,
    Put,
    Patch,
    Delete,
}

impl HttpMethod {
    pub fn as_str(self) -> &'static str {
        match self {
            HttpMethod::Get => "GET",
            HttpMethod::Post => "POST",
            HttpMethod::Put => "PUT",
            HttpMethod::Patch => "PATCH",
            HttpMethod::Delete => "DELETE",
        }
    }
}

/// The credential an operation's `security` names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Credential {
    /// `Authorization: Bearer <token>`.
    Bearer,
    /// An API key sent in the named header.
    ApiKeyHeader(String),
}

/// A header the runtime supplies from client settings or per-call options,
/// rather than a method argument.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContextHeader {
    pub wire_name: String,
    pub required: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Param {
    pub rust_name: String,
    pub wire_name: String,
    pub location: ParamLocation,
    pub ty: Type,
    pub doc: Option<String>,
    /// Checked before sending, like a body field's.
    pub constraints: Constraints,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParamLocation {
    Path,
    Query,
    Header,
}

/// A path such as `/v1/charges/{chargeId}`, parsed once into its pieces.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PathTemplate {
    pub template: String,
    pub segments: Vec<PathSegment>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PathSegment {
    Literal(String),
    /// The wire name of a path parameter.
    Param(String),
}
