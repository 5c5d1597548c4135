//! Structs, enums, unions and aliases for every model, with the builders and
//! validation of the ones a request sends. Each derives serde only the way it
//! travels, and shares what every enum or check does through the runtime.

use std::collections::HashSet;

use proc_macro2::{Literal, TokenStream};
use quote::{format_ident, quote};

use super::types::{Prelude, Scope, argument, rust_type};
use super::{Emission, doc, doc_opt, ident};
use crate::Options;
use crate::ir::{
    Alias, Constraints, Enum, Field, Model, NumberBound, Struct, StructRole, Type, Union,
};
use crate::names::unraw;

/// `models.rs`: one piece per model.
pub fn emit<'a>(models: &'a [Model], options: &'a Options) -> Emission<'a> {
    let prelude = Prelude::new(models);
    let mirror = options.mirror_feature.as_deref();
    let validated: HashSet<&str> = models
        .iter()
        .filter(|model| model.validated())
        .map(Model::name)
        .collect();
    Emission {
        name: "models.rs",
        pieces: models.len(),
        piece: Box::new(move |index| {
            let emitter = Emitter {
                prelude,
                mirror,
                validated: &validated,
            };
            emitter.model(&models[index])
        }),
        // Imported only where used: checks, enums, setters and binary fields use it.
        needs_head: |tokens| super::names(tokens, "runtime"),
        head: Box::new(|runtime| {
            let runtime = runtime.then(|| quote! { use clover_api_runtime as runtime; });
            quote! {
                //! Request and response types, one per schema in the spec.
                #runtime
            }
        }),
    }
}

/// What every model's emission reads besides the model itself.
struct Emitter<'a> {
    prelude: Prelude,
    /// The feature under which every model derives both serde directions.
    mirror: Option<&'a str>,
    /// The models that implement `Validate`.
    validated: &'a HashSet<&'a str>,
}

impl Emitter<'_> {
    fn model(&self, model: &Model) -> TokenStream {
        match model {
            Model::Struct(model) => self.structure(model),
            Model::Enum(model) => self.open_enum(model),
            Model::Union(model) => self.union(model),
            Model::Alias(model) => self.alias(model),
            Model::Responses(model) => super::responses::emit(model, &self.prelude),
        }
    }

    fn structure(&self, model: &Struct) -> TokenStream {
        let name = format_ident!("{}", model.name);
        let doc = doc_opt(model.doc.as_deref());
        let default = model
            .fields
            .iter()
            .all(|field| field.optional() || field.flatten)
            .then(|| quote! { Default, });
        let json = model.role == StructRole::Schema;
        let (serialize, deserialize) = directions(model.sent, model.received, model.loose);
        let derives = match json {
            true => {
                let serialize = serialize.then(|| quote! { , serde::Serialize });
                let deserialize = deserialize.then(|| quote! { , serde::Deserialize });
                quote! { #[derive(Debug, Clone, #default PartialEq #serialize #deserialize)] }
            }
            false => quote! { #[derive(Debug, Clone, #default PartialEq)] },
        };
        let mirror = json
            .then(|| self.mirror_derives(serialize, deserialize))
            .flatten();
        let serde = Serde {
            json,
            serialized: json && (serialize || mirror.is_some()),
            deserialized: json && (deserialize || mirror.is_some()),
        };
        let fields = model
            .fields
            .iter()
            .map(|field| self.field(field, serde, model.sent));
        let builder = model.sent.then(|| self.builder(model));
        let validation = model.validated.then(|| self.validation(model));
        // Absent optional fields are left out of the JSON sent; a required
        // one that may be null is marked `#[send_null]` under it.
        let omit_none = serde.serialized
            && model
                .fields
                .iter()
                .any(|field| field.optional() && !field.flatten);
        let omit_none = omit_none.then(|| quote! { #[runtime::omit_none] });
        quote! {
            #doc
            #omit_none
            #derives
            #mirror
            pub struct #name {
                #(#fields,)*
            }
            #builder
            #validation
        }
    }

    /// `#[cfg_attr(feature = "…", derive(…))]` for the serde direction a
    /// model does not travel, under the mirror feature.
    fn mirror_derives(&self, serialize: bool, deserialize: bool) -> Option<TokenStream> {
        let feature = self.mirror?;
        let missing = match (serialize, deserialize) {
            (true, false) => quote! { serde::Deserialize },
            (false, true) => quote! { serde::Serialize },
            _ => return None,
        };
        Some(quote! { #[cfg_attr(feature = #feature, derive(#missing))] })
    }

    /// The Rust type of a field: boxed when it contains its own struct,
    /// optional when it may be absent or `null`.
    fn field_type(&self, field: &Field) -> TokenStream {
        let Prelude { option, boxed, .. } = &self.prelude;
        let mut ty = rust_type(&field.ty, Scope::Models(&self.prelude));
        if field.boxed {
            ty = quote! { #boxed<#ty> };
        }
        if field.optional() {
            ty = quote! { #option<#ty> };
        }
        ty
    }

    /// A field with its docs and, for JSON, its serde attributes: the wire
    /// name, lenient digits, absent optional fields left out when
    /// serialized, the other properties flattened into the object.
    fn field(&self, field: &Field, serde: Serde, sent: bool) -> TokenStream {
        let name = ident(&field.rust_name);
        let doc = doc_opt(field_doc(field, sent).as_deref());
        let ty = self.field_type(field);
        let mut attributes = Vec::new();
        if field.flatten {
            attributes.push(quote! { flatten });
        } else if serde.json {
            if unraw(&field.rust_name) != field.wire_name {
                let wire = &field.wire_name;
                attributes.push(quote! { rename = #wire });
            }
            if let (true, Type::Digits { pad }) = (serde.deserialized, &field.ty) {
                let function = if field.optional() {
                    // `deserialize_with` loses serde's `None` for a missing `Option`.
                    attributes.push(quote! { default });
                    "optional"
                } else {
                    "required"
                };
                let path = format!(
                    "runtime::lenient::Digits::<{}>::{function}",
                    pad.unwrap_or(0)
                );
                attributes.push(quote! { deserialize_with = #path });
            }
        }
        let attributes = (!attributes.is_empty()).then(|| quote! { #[serde(#(#attributes),*)] });
        // `#[runtime::omit_none]` leaves every other `Option` out when `None`.
        let send_null = (serde.serialized && field.required && field.nullable && !field.flatten)
            .then(|| quote! { #[send_null] });
        quote! { #doc #attributes #send_null pub #name: #ty }
    }

    /// `new(required…)` (or `Default`) and one chained setter per optional
    /// field, for structs a caller builds.
    fn builder(&self, model: &Struct) -> TokenStream {
        let name = format_ident!("{}", model.name);
        let Prelude {
            none,
            default,
            into,
            ..
        } = &self.prelude;
        let mut arguments = Vec::new();
        let mut values = Vec::new();
        let mut setters = Vec::new();
        for field in &model.fields {
            let field_name = ident(&field.rust_name);
            let (ty, converts) = argument(&field.ty, field.boxed, &self.prelude);
            if field.flatten {
                values.push(quote! { #field_name: #default::default() });
                setters.push(quote! {
                    /// Sets the properties not named above.
                    pub fn #field_name(mut self, #field_name: #ty) -> Self {
                        self.#field_name = #field_name;
                        self
                    }
                });
            } else if field.optional() {
                values.push(quote! { #field_name: #none });
                setters.push(setter(field, &ty, converts));
            } else if converts {
                arguments.push(quote! { #field_name: impl #into<#ty> });
                values.push(quote! { #field_name: #field_name.into() });
            } else {
                arguments.push(quote! { #field_name: #ty });
                values.push(quote! { #field_name });
            }
        }
        // Some objects do require that many fields (an ACH account has 14).
        let many = (arguments.len() > 7).then(|| quote! { #[allow(clippy::too_many_arguments)] });
        let constructor = (!arguments.is_empty()).then(|| {
            quote! {
                /// Starts from the required fields, in the spec's order; the optional ones are unset.
                #many
                pub fn new(#(#arguments),*) -> Self {
                    Self { #(#values),* }
                }
            }
        });
        quote! {
            impl #name {
                #constructor
                #(#setters)*
            }
        }
    }

    /// `Validate`: each declared bound and each nested validated model, one
    /// line each.
    fn validation(&self, model: &Struct) -> TokenStream {
        let name = format_ident!("{}", model.name);
        let checker = quote! { checks };
        let checks = model.fields.iter().flat_map(|field| {
            let name = ident(&field.rust_name);
            let value = quote! { &self.#name };
            // A flattened map's keys are properties of the object itself.
            let wire = match field.flatten {
                true => "",
                false => field.wire_name.as_str(),
            };
            let wire = quote! { #wire };
            let nested = self
                .holds_validated(&field.ty)
                .then(|| quote! { #checker.nested(#wire, #value) });
            bound_checks(&field.constraints, &checker, &value, &wire)
                .into_iter()
                .chain(nested)
        });
        // One after the other; the last one's result is the whole check's.
        let mut checks: Vec<TokenStream> = checks.collect();
        let last = checks.pop();
        let result = &self.prelude.result;
        quote! {
            impl runtime::Validate for #name {
                fn validate(&self, #checker: runtime::Checks) -> #result<(), runtime::InvalidInput> {
                    #(#checks?;)*
                    #last
                }
            }
        }
    }

    /// Whether a value of this type holds a model with checks (itself, or in
    /// a list or map).
    fn holds_validated(&self, ty: &Type) -> bool {
        ty.named().is_some_and(|name| self.validated.contains(name))
    }

    fn alias(&self, model: &Alias) -> TokenStream {
        let name = format_ident!("{}", model.name);
        let doc = doc_opt(model.doc.as_deref());
        let ty = rust_type(&model.ty, Scope::Models(&self.prelude));
        quote! {
            #doc
            pub type #name = #ty;
        }
    }

    fn union(&self, model: &Union) -> TokenStream {
        let name = format_ident!("{}", model.name);
        let union_doc = doc_opt(model.doc.as_deref());
        let variants: Vec<_> = model
            .variants
            .iter()
            .map(|variant| format_ident!("{}", variant.rust_name))
            .collect();
        let types: Vec<_> = model
            .variants
            .iter()
            .map(|variant| rust_type(&variant.ty, Scope::Models(&self.prelude)))
            .collect();
        let variant_docs = model.variants.iter().map(|variant| {
            let held = held(&variant.ty);
            match &variant.tag {
                Some(tag) => doc(&format!("`{tag}`: holds {held}.")),
                None => doc(&format!("Holds {held}.")),
            }
        });
        // `From` for each type only one variant holds.
        let from = &self.prelude.from;
        let conversions = model
            .variants
            .iter()
            .zip(&types)
            .filter(|(variant, _)| {
                model
                    .variants
                    .iter()
                    .filter(|other| other.ty == variant.ty)
                    .count()
                    == 1
            })
            .map(|(variant, ty)| {
                let variant = format_ident!("{}", variant.rust_name);
                quote! {
                    impl #from<#ty> for #name {
                        fn from(value: #ty) -> Self {
                            Self::#variant(value)
                        }
                    }
                }
            });
        let (other, how) = match &model.discriminator {
            None => (
                None,
                "The first variant the JSON decodes as is taken.".to_owned(),
            ),
            Some(property) => {
                let other = doc(&format!(
                    "A `{property}` this version does not know, kept as sent."
                ));
                (
                    Some(quote! { #other Other(serde_json::Value), }),
                    format!(
                        "Told apart by `{property}`; a value this version does not know is kept in `Other`."
                    ),
                )
            }
        };
        let (serde, tagged) = self.union_serde(model);
        let how = doc(&how);
        let validate = model.validated.then(|| self.union_validation(model));
        let param_value = model.in_params.then(|| {
            let Prelude { string, vec, .. } = &self.prelude;
            quote! {
                impl runtime::ParamValue for #name {
                    fn append_to(&self, name: &'static str, out: &mut #vec<(&'static str, #string)>) {
                        match self {
                            #(Self::#variants(value) => runtime::ParamValue::append_to(value, name, out),)*
                        }
                    }
                }
            }
        });
        let gap = model.doc.is_some().then(|| quote! { #[doc = ""] });
        quote! {
            #union_doc
            #gap
            #how
            #serde
            pub enum #name {
                #(#variant_docs #variants(#types),)*
                #other
            }

            #(#conversions)*

            #tagged
            #validate
            #param_value
        }
    }

    /// A union's derives, and its own `Deserialize` when a discriminator
    /// tells the variants apart. Both directions are untagged: each variant's
    /// JSON is its value's.
    fn union_serde(&self, model: &Union) -> (TokenStream, Option<TokenStream>) {
        let (serialize, deserialize) = directions(model.sent, model.received, model.loose);
        let tagged = model.discriminator.is_some();
        let mut derives = vec![quote! { Debug }, quote! { Clone }, quote! { PartialEq }];
        derives.extend(serialize.then(|| quote! { serde::Serialize }));
        derives.extend((deserialize && !tagged).then(|| quote! { serde::Deserialize }));
        let untagged =
            (serialize || (deserialize && !tagged)).then(|| quote! { #[serde(untagged)] });
        let mirrored = self.mirror.and_then(|feature| {
            let missing = match (serialize, deserialize) {
                (true, false) if !tagged => quote! { derive(serde::Deserialize) },
                (false, true) if tagged => quote! { derive(serde::Serialize), serde(untagged) },
                (false, true) => quote! { derive(serde::Serialize) },
                _ => return None,
            };
            Some(quote! { #[cfg_attr(feature = #feature, #missing)] })
        });
        let decoder = model.discriminator.as_deref().and_then(|property| {
            let cfg = match (deserialize, self.mirror) {
                (true, _) => None,
                (false, Some(feature)) => Some(quote! { #[cfg(feature = #feature)] }),
                (false, None) => return None,
            };
            let decoder = self.tagged_deserialize(model, property);
            Some(quote! { #cfg #decoder })
        });
        (
            quote! {
                #[derive(#(#derives),*)]
                #untagged
                #mirrored
            },
            decoder,
        )
    }

    /// The checks of the variant held, when its value has any.
    fn union_validation(&self, model: &Union) -> TokenStream {
        let name = format_ident!("{}", model.name);
        let checked = model
            .variants
            .iter()
            .filter(|variant| self.holds_validated(&variant.ty))
            .map(|variant| format_ident!("{}", variant.rust_name));
        let unchecked = (model.discriminator.is_some()
            || model
                .variants
                .iter()
                .any(|variant| !self.holds_validated(&variant.ty)))
        .then(|| {
            let ok = &self.prelude.ok;
            quote! { _ => #ok(()), }
        });
        let result = &self.prelude.result;
        quote! {
            impl runtime::Validate for #name {
                fn validate(&self, checks: runtime::Checks) -> #result<(), runtime::InvalidInput> {
                    match self {
                        #(Self::#checked(value) => runtime::Validate::validate(value, checks),)*
                        #unchecked
                    }
                }
            }
        }
    }

    /// Reads the discriminator first, then decodes the variant it names.
    fn tagged_deserialize(&self, model: &Union, property: &str) -> TokenStream {
        let name = format_ident!("{}", model.name);
        let tags: Vec<&str> = model
            .variants
            .iter()
            .filter_map(|variant| variant.tag.as_deref())
            .collect();
        let variants = model
            .variants
            .iter()
            .map(|variant| format_ident!("{}", variant.rust_name));
        let Prelude {
            result,
            ok,
            err,
            some,
            none,
            ..
        } = &self.prelude;
        quote! {
            impl<'de> serde::Deserialize<'de> for #name {
                fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> #result<Self, D::Error> {
                    let value = serde_json::Value::deserialize(deserializer)?;
                    let tag = value.get(#property).and_then(serde_json::Value::as_str);
                    match tag {
                        #(#some(#tags) => serde_json::from_value(value).map(Self::#variants),)*
                        #some(_) => #ok(Self::Other(value)),
                        #none => {
                            return #err(serde::de::Error::missing_field(#property));
                        }
                    }
                    .map_err(serde::de::Error::custom)
                }
            }
        }
    }

    /// An open enum: its variants with their wire names in one `open_enum!`,
    /// which writes the enum with its `Other` variant, the
    /// [`OpenEnum`](clover_api_runtime::OpenEnum) list and the rest.
    fn open_enum(&self, model: &Enum) -> TokenStream {
        let name = format_ident!("{}", model.name);
        let enum_doc = doc_opt(model.doc.as_deref());
        let variants: Vec<_> = model
            .variants
            .iter()
            .map(|variant| {
                let rust_name = format_ident!("{}", variant.rust_name);
                // A paragraph of its own, after the wire name the macro writes.
                let doc = variant.doc.as_deref().map(|text| {
                    let lines = doc(text);
                    quote! { #[doc = ""] #lines }
                });
                quote! { #doc #rust_name }
            })
            .collect();
        let wires: Vec<_> = model
            .variants
            .iter()
            .map(|variant| &variant.wire_name)
            .collect();
        let Prelude { string, vec, .. } = &self.prelude;
        let param_value = model.in_params.then(|| {
            quote! {
                impl runtime::ParamValue for #name {
                    fn append_to(&self, name: &'static str, out: &mut #vec<(&'static str, #string)>) {
                        out.push((name, self.as_str().to_owned()));
                    }
                }
            }
        });
        let is_transient = (!model.transient.is_empty()).then(|| {
            let transient = model
                .transient
                .iter()
                .map(|variant| format_ident!("{variant}"));
            quote! {
                impl #name {
                    /// Whether the value means the server failed while handling the
                    /// request: it may have gone through, and may succeed if sent again.
                    pub fn is_transient(&self) -> bool {
                        matches!(self, #(Self::#transient)|*)
                    }
                }
            }
        });
        quote! {
            runtime::open_enum! {
                #enum_doc
                pub enum #name {
                    #(#variants = #wires,)*
                }
            }

            #is_transient
            #param_value
        }
    }
}

/// `runtime::setter!(field: T);`, the chained setter of an optional field;
/// `impl Into<T>` when the argument converts, and the field's own name for
/// the docs when it is a raw identifier.
fn setter(field: &Field, ty: &TokenStream, converts: bool) -> TokenStream {
    let field_name = ident(&field.rust_name);
    let name = unraw(&field.rust_name);
    let named = match name == field.rust_name {
        true => quote! { #field_name },
        false => quote! { #field_name as #name },
    };
    let argument = match converts {
        true => quote! { impl Into<#ty> },
        false => quote! { #ty },
    };
    quote! { runtime::setter!(#named: #argument); }
}

/// The checks of one value's declared bounds, each an expression such as
/// `checks.length("wire", value, 1..=12)` of type `Result<(), InvalidInput>`,
/// where `checks` is a `runtime::Checks`, `value` a reference and `wire` the
/// field's name (a string, or a variable holding an item's).
pub(super) fn bound_checks(
    constraints: &Constraints,
    checker: &TokenStream,
    value: &TokenStream,
    wire: &TokenStream,
) -> Vec<TokenStream> {
    let mut checks = Vec::new();
    let unsigned = |bound: Option<u64>| bound.map(Literal::u64_unsuffixed).map(Bound::Included);
    let signed = |bound: Option<i64>| bound.map(Literal::i64_unsuffixed).map(Bound::Included);
    let number = |bound: Option<NumberBound>| {
        bound.map(|bound| {
            let value = Literal::f64_unsuffixed(bound.value);
            match bound.exclusive {
                true => Bound::Excluded(value),
                false => Bound::Included(value),
            }
        })
    };
    if let Some(bounds) = range(
        unsigned(constraints.min_length),
        unsigned(constraints.max_length),
    ) {
        checks.push(quote! { #checker.length(#wire, #value, #bounds) });
    }
    if let Some(pattern) = &constraints.pattern {
        checks.push(quote! { #checker.pattern(#wire, #value, #pattern) });
    }
    let ranges = [
        range(signed(constraints.minimum), signed(constraints.maximum)),
        range(
            number(constraints.number_minimum),
            number(constraints.number_maximum),
        ),
    ];
    for bounds in ranges.into_iter().flatten() {
        checks.push(quote! { #checker.range(#wire, #value, #bounds) });
    }
    if !constraints.values.is_empty() {
        let values = constraints
            .values
            .iter()
            .copied()
            .map(Literal::i64_unsuffixed);
        checks.push(quote! { #checker.one_of(#wire, #value, &[#(#values),*]) });
    }
    if let Some(bounds) = range(
        unsigned(constraints.min_items),
        unsigned(constraints.max_items),
    ) {
        checks.push(quote! { #checker.items(#wire, #value, #bounds) });
    }
    if let Some(items) = &constraints.items {
        let mut inner = bound_checks(items, checker, &quote! { item }, &quote! { field });
        let last = inner.pop();
        let body = match inner.is_empty() {
            true => quote! { #last },
            false => quote! { { #(#inner?;)* #last } },
        };
        if last.is_some() {
            checks.push(quote! { #checker.each(#wire, #value, |field, item| #body) });
        }
    }
    checks
}

/// One end of a range of bounds.
enum Bound {
    Included(Literal),
    Excluded(Literal),
}

/// The bounds as a Rust range: `min..=max`, `min..`, `..=max`, `..max`,
/// `min..max`, or, for an exclusive minimum, a pair of `std::ops::Bound`s;
/// `None` without either.
fn range(min: Option<Bound>, max: Option<Bound>) -> Option<TokenStream> {
    Some(match (min, max) {
        (None, None) => return None,
        (Some(Bound::Excluded(min)), max) => {
            let max = match max {
                None => quote! { std::ops::Bound::Unbounded },
                Some(Bound::Included(max)) => quote! { std::ops::Bound::Included(#max) },
                Some(Bound::Excluded(max)) => quote! { std::ops::Bound::Excluded(#max) },
            };
            quote! { (std::ops::Bound::Excluded(#min), #max) }
        }
        (min, max) => {
            let min = min.map(|(Bound::Included(min) | Bound::Excluded(min))| min);
            match max {
                None => quote! { #min.. },
                Some(Bound::Included(max)) => quote! { #min..=#max },
                Some(Bound::Excluded(max)) => quote! { #min..#max },
            }
        }
    })
}

/// Which serde traits a JSON struct's fields must serve, counting the mirror feature.
#[derive(Debug, Clone, Copy)]
struct Serde {
    json: bool,
    serialized: bool,
    deserialized: bool,
}

/// Whether a model derives `Serialize` and `Deserialize`: the ways it travels,
/// or both for one a model no operation uses holds (`loose`).
fn directions(sent: bool, received: bool, loose: bool) -> (bool, bool) {
    (sent || loose, received || loose)
}

/// The field's description, then, for a field a request sends, what the
/// client checks before sending (in the same paragraph when the description
/// is one line).
fn field_doc(field: &Field, sent: bool) -> Option<String> {
    let rules = sent.then(|| constraint_text(&field.constraints)).flatten();
    match (field.doc.as_deref(), rules) {
        (Some(doc), Some(rules)) if doc.contains('\n') => Some(format!("{doc}\n\n{rules}")),
        (Some(doc), Some(rules)) => Some(format!("{doc} {rules}")),
        (doc, rules) => doc.map(str::to_owned).or(rules),
    }
}

/// "At most 38 characters. Matches `^[a-z]{3}$`." for a field's bounds.
fn constraint_text(constraints: &Constraints) -> Option<String> {
    // `unit` is singular and plural: "1 character", "2 characters".
    let between = |min: Option<String>, max: Option<String>, unit: [&str; 2]| {
        let unit = |count: &str| match count {
            "1" => unit[0],
            _ => unit[1],
        };
        match (min, max) {
            (Some(min), Some(max)) if min == max => Some(format!("Exactly {min}{}.", unit(&min))),
            (Some(min), Some(max)) => Some(format!("From {min} to {max}{}.", unit(&max))),
            (Some(min), None) => Some(format!("At least {min}{}.", unit(&min))),
            (None, Some(max)) => Some(format!("At most {max}{}.", unit(&max))),
            (None, None) => None,
        }
    };
    let text = |value: Option<u64>| value.map(|value| value.to_string());
    let signed = |value: Option<i64>| value.map(|value| value.to_string());
    let sentences: Vec<String> = [
        between(
            text(constraints.min_length),
            text(constraints.max_length),
            [" character", " characters"],
        ),
        between(
            signed(constraints.minimum),
            signed(constraints.maximum),
            ["", ""],
        ),
        number_text(constraints.number_minimum, constraints.number_maximum),
        (!constraints.values.is_empty()).then(|| {
            let values: Vec<String> = constraints.values.iter().map(i64::to_string).collect();
            format!("One of {}.", values.join(", "))
        }),
        between(
            text(constraints.min_items),
            text(constraints.max_items),
            [" item", " items"],
        ),
        constraints
            .pattern
            .as_ref()
            .map(|pattern| format!("Matches the pattern `{pattern}`.")),
    ]
    .into_iter()
    .flatten()
    .chain(constraints.items.as_deref().and_then(|items| {
        let rules = constraint_text(items)?;
        let rules = rules.strip_prefix("Checked before sending: ")?;
        Some(format!("Each item: {rules}"))
    }))
    .collect();
    let unchecked = constraints.unchecked_pattern.as_ref().map(|pattern| {
        format!(
            "The server expects the pattern `{pattern}`, whose syntax this client does not check."
        )
    });
    let text = sentences.join(" ");
    let mut chars = text.chars();
    let checked = chars.next().map(|first| {
        format!(
            "Checked before sending: {}{}",
            first.to_lowercase(),
            chars.as_str()
        )
    });
    match (checked, unchecked) {
        (Some(checked), Some(unchecked)) => Some(format!("{checked} {unchecked}")),
        (checked, unchecked) => checked.or(unchecked),
    }
}

/// "More than 0 and at most 1.5." for a `number`'s bounds.
fn number_text(min: Option<NumberBound>, max: Option<NumberBound>) -> Option<String> {
    let min = min.map(|bound| match bound.exclusive {
        true => format!("more than {}", bound.value),
        false => format!("at least {}", bound.value),
    });
    let max = max.map(|bound| match bound.exclusive {
        true => format!("less than {}", bound.value),
        false => format!("at most {}", bound.value),
    });
    let text = match (min, max) {
        (Some(min), Some(max)) => format!("{min} and {max}"),
        (bound, None) | (None, bound) => bound?,
    };
    let mut chars = text.chars();
    let first = chars.next()?;
    Some(format!("{}{}.", first.to_uppercase(), chars.as_str()))
}

/// What a union variant holds, for its doc: "a [`Card`]", "a string".
fn held(ty: &Type) -> String {
    match ty {
        Type::Named(name) => format!("a [`{name}`]"),
        Type::String | Type::Secret | Type::Digits { .. } => "a string".to_owned(),
        Type::Integer(_) => "an integer".to_owned(),
        Type::Number => "a number".to_owned(),
        Type::Boolean => "a boolean".to_owned(),
        Type::List(_) => "a list".to_owned(),
        Type::Map(_) => "a map".to_owned(),
        Type::Binary => "bytes".to_owned(),
        Type::Json | Type::Nullable(_) | Type::Unit => "any JSON value".to_owned(),
    }
}
