//! The intermediate model: everything the emitters need, and nothing of OpenAPI.
//!
//! Lowering (`crate::lower`) resolves references, names inline types, checks
//! what the generator supports and settles the spec's quirks; emitters
//! (`crate::emit`) only read these types.

/// The whole API, in spec order.
#[derive(Debug)]
pub struct Api {
    pub hosts: Vec<Host>,
    /// The security schemes some operation uses, in the order first used.
    pub schemes: Vec<SecurityScheme>,
    /// The environments the servers describe; the first is the default.
    pub environments: Vec<Environment>,
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

/// One server list of the spec (all that share its URLs), e.g. the
/// tokenization host, with its URL per environment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Host {
    /// Rust variant name, e.g. `Token`.
    pub name: String,
    /// Its name in the spec: `x-host`, else one derived from its URL, e.g. `token`.
    pub key: String,
    pub servers: HostServers,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HostServers {
    /// The list has one server, used in every environment.
    One(ServerUrl),
    /// One server per environment, in the order of `Api::environments`.
    PerEnvironment(Vec<ServerUrl>),
}

/// A server URL as the spec writes it, `{name}` standing for a variable.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServerUrl {
    pub template: String,
    pub variables: Vec<ServerVariable>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServerVariable {
    pub name: String,
    pub default: String,
    /// The spec's `enum`; empty when any value is allowed.
    pub allowed: Vec<String>,
}

/// One environment: which server each host uses, e.g. the sandbox.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Environment {
    /// Rust variant name, e.g. `Sandbox`.
    pub name: String,
    /// Its name in the spec: `x-environment`, else the Rust name in snake case.
    pub key: String,
    /// The server description its name was taken from, if it was.
    pub description: Option<String>,
}

#[derive(Debug)]
pub enum Model {
    Struct(Struct),
    Enum(Enum),
    Union(Union),
    /// A component that is another type under a name of its own.
    Alias(Alias),
    /// The success of an operation whose 2xx responses differ, one variant per status.
    Responses(Responses),
}

impl Model {
    pub fn name(&self) -> &str {
        match self {
            Model::Struct(model) => &model.name,
            Model::Enum(model) => &model.name,
            Model::Union(model) => &model.name,
            Model::Alias(model) => &model.name,
            Model::Responses(model) => &model.name,
        }
    }

    /// Whether the model implements `Validate`: a request sends it and it
    /// has something to check, itself or in a model it holds.
    pub fn validated(&self) -> bool {
        match self {
            Model::Struct(model) => model.validated,
            Model::Union(model) => model.validated,
            Model::Enum(_) | Model::Alias(_) | Model::Responses(_) => false,
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
    /// Reachable from a request body or parameters: it is serialized, and
    /// gets a builder.
    pub sent: bool,
    /// Reachable from a response or an error body: it is deserialized.
    pub received: bool,
    /// Reachable from a model no operation sends or receives (one only
    /// examples show): it derives serde both ways, as that model does.
    pub loose: bool,
    /// Sent, with something to check before sending (see [`Model::validated`]).
    pub validated: bool,
    /// Used as a parameter or form field: it is sent as the text of the
    /// variant it holds (each variant is text, or a list of texts).
    pub in_params: bool,
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
    /// Reachable from a request body or parameters: it is serialized, and
    /// gets a builder.
    pub sent: bool,
    /// Reachable from a response or an error body: it is deserialized.
    pub received: bool,
    /// Reachable from a model no operation sends or receives (one only
    /// examples show): it derives serde both ways, as that model does.
    pub loose: bool,
    /// Sent, with something to check before sending (see [`Model::validated`]).
    pub validated: bool,
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
    /// A `pattern` beyond what the client can check (look-around,
    /// back-references): documented, and left to the server.
    pub unchecked_pattern: Option<String>,
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
    /// Whether there is nothing to check before sending.
    pub fn is_empty(&self) -> bool {
        let mut checked = self.clone();
        checked.unchecked_pattern = None;
        checked == Constraints::default()
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
    /// What the value means, when the spec says (a `oneOf` member's `description`).
    pub doc: Option<String>,
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
    /// Bytes (`format: binary`), sent as a file in a multipart body.
    Binary,
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
    pub security: Security,
    /// Required path, query and header parameters, in spec order.
    pub required_params: Vec<Param>,
    /// Name of the optional-parameter struct, if any parameter is optional.
    pub params_struct: Option<String>,
    pub forwarded_for: Option<ContextHeader>,
    pub idempotency_key: Option<ContextHeader>,
    pub replay: Replay,
    pub body: Option<Body>,
    pub response: Response,
    /// The `Accept` header when a success is not JSON: every success media type.
    pub accept: Option<String>,
    pub pagination: Option<Pagination>,
}

/// A request body in the media type the operation prefers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Body {
    /// Sent as `Content-Type`, e.g. `application/json`.
    pub content_type: String,
    pub kind: BodyKind,
    /// `false` when the operation may be called without a body.
    pub required: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BodyKind {
    /// The value sent as JSON: usually a struct or union, but any type
    /// (a list, a free-form object, a string) is sent as it is.
    Json(Type),
    /// The struct sent as `application/x-www-form-urlencoded`.
    Form(String),
    /// The struct sent as `multipart/form-data`, a part per property.
    Multipart(String),
    /// A string sent as it is (`text/*`).
    Text,
    /// Bytes sent as they are (`application/octet-stream` and other media types).
    Bytes,
}

impl BodyKind {
    /// The model sent, for the kinds that send one.
    pub fn model(&self) -> Option<&str> {
        match self {
            BodyKind::Json(ty) => ty.named(),
            BodyKind::Form(model) | BodyKind::Multipart(model) => Some(model),
            BodyKind::Text | BodyKind::Bytes => None,
        }
    }
}

/// What the call returns on success.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Response {
    /// Every 2xx reads the same way.
    One(Success),
    /// The 2xx responses differ; the named [`Responses`] enum reads each by status.
    ByStatus(String),
}

/// One success response's body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Success {
    /// No content: `()`.
    Empty,
    Json(Type),
    /// `text/*`: a `String`.
    Text,
    /// Any other media type: the bytes.
    Bytes,
}

/// The successes of one operation, by status.
#[derive(Debug)]
pub struct Responses {
    pub name: String,
    pub doc: Option<String>,
    pub variants: Vec<StatusVariant>,
}

#[derive(Debug)]
pub struct StatusVariant {
    pub rust_name: String,
    /// The status, or `None` for the `2XX` range, which takes every other 2xx.
    pub status: Option<u16>,
    pub doc: Option<String>,
    pub success: Success,
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

/// A security scheme: one credential slot on the client's builder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SecurityScheme {
    /// The spec's key under `components/securitySchemes`.
    pub key: String,
    /// The Rust type that names the slot, e.g. `BearerAuth`.
    pub rust_name: String,
    pub description: Option<String>,
    pub kind: SchemeKind,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SchemeKind {
    /// `Authorization: Bearer <token>`: HTTP bearer, OAuth 2, OpenID Connect.
    Bearer,
    /// `Authorization: Basic`, from a user name and password.
    Basic,
    /// An API key, in the header (lowercase), query parameter or cookie of this name.
    ApiKey { location: KeyLocation, name: String },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyLocation {
    Header,
    Query,
    Cookie,
}

/// An index into [`Api::schemes`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SchemeId(pub usize);

/// Which credentials an operation accepts, as its `security` (or the root's) says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Security {
    /// In the spec's order, each the schemes sent together.
    pub alternatives: Vec<Vec<SchemeId>>,
    /// The call may go without a credential (`{}` among the alternatives, or none listed).
    pub optional: bool,
}

impl Security {
    pub const NONE: Security = Security {
        alternatives: Vec::new(),
        optional: true,
    };
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
    /// Lists are comma-joined (`simple`).
    Path,
    Query(QueryStyle),
    /// Lists are comma-joined (`simple`).
    Header,
    /// Lists are comma-joined (`form`).
    Cookie,
}

/// How a query parameter is written, from its `style` and `explode`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QueryStyle {
    /// `a=1&a=2` (`form`, exploded: the default).
    Form,
    /// `a=1,2` (`form`, `explode: false`).
    Comma,
    /// `a=1%202` (`spaceDelimited`).
    Space,
    /// `a=1|2` (`pipeDelimited`).
    Pipe,
    /// `f[k]=v` (`deepObject`).
    DeepObject,
    /// `k=v`: an object's properties as parameters (`form`, exploded).
    ObjectExploded,
    /// `f=k,v` (`form`, `explode: false`, on an object).
    ObjectJoined,
}

/// A path such as `/v1/Accounts/{Sid}.json`, parsed once into its pieces.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PathTemplate {
    pub template: String,
    pub segments: Vec<Vec<PathPiece>>,
}

impl PathTemplate {
    /// The wire names of its parameters, in the order the template names them.
    pub fn params(&self) -> impl Iterator<Item = &str> {
        self.segments
            .iter()
            .flatten()
            .filter_map(|piece| match piece {
                PathPiece::Param(name) => Some(name.as_str()),
                PathPiece::Literal(_) => None,
            })
    }
}

/// A piece of one path segment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PathPiece {
    Literal(String),
    /// The wire name of a path parameter.
    Param(String),
}
