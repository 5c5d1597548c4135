//! `x-clover-sdk-paginate` → `ir::Pagination`: which response field holds a
//! page's items, which says more follow, and which parameter takes the cursor.

use serde::Deserialize;

use super::Lowering;
use crate::error::{Pointer, SpecError};
use crate::ir::{
    Field, Model, Operation, Pagination, ParamLocation, QueryStyle, Response, Struct, Success, Type,
};
use crate::names;

/// Marks a list operation that pages by cursor, naming the wire fields.
const PAGINATE_EXTENSION: &str = "x-clover-sdk-paginate";

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct Setting {
    items: String,
    has_more: String,
    cursor: String,
    item_id: String,
}

impl Lowering<'_> {
    pub(super) fn pagination(
        &self,
        lowered: &Operation,
        operation: &openapiv3::Operation,
        pointer: &Pointer,
    ) -> Result<Option<Pagination>, SpecError> {
        let Some(value) = operation.extensions.get(PAGINATE_EXTENSION) else {
            return Ok(None);
        };
        let at = pointer.join(PAGINATE_EXTENSION);
        let setting = Setting::deserialize(value).map_err(|error| {
            SpecError::new(
                &at,
                format!("expected `items`, `has-more`, `cursor` and `item-id`: {error}"),
            )
        })?;
        let page = match &lowered.response {
            Response::One(Success::Json(Type::Named(name))) => self.structure(name),
            _ => None,
        }
        .ok_or_else(|| SpecError::new(&at, "the 2xx response of a paged list must be an object"))?;
        let items = field(page, &setting.items, &at.join("items"))?;
        let item = match &items.ty {
            Type::List(item) => item.named().and_then(|name| self.structure(name)),
            _ => None,
        }
        .ok_or_else(|| {
            SpecError::new(
                &at.join("items"),
                format!("`{}` must be an array of objects", setting.items),
            )
        })?;
        let has_more = field(page, &setting.has_more, &at.join("has-more"))?;
        expect_type(has_more, Type::Boolean, "a boolean", &at.join("has-more"))?;
        let item_id = field(item, &setting.item_id, &at.join("item-id"))?;
        expect_type(item_id, Type::String, "a string", &at.join("item-id"))?;
        let cursor = lowered
            .params_struct
            .as_deref()
            .and_then(|name| self.structure(name))
            .and_then(|params| {
                params.fields.iter().find(|field| {
                    field.wire_name == setting.cursor
                        && field.location == Some(ParamLocation::Query(QueryStyle::Form))
                        && field.ty == Type::String
                })
            })
            .ok_or_else(|| {
                SpecError::new(
                    &at.join("cursor"),
                    format!(
                        "`{}` must be an optional string query parameter",
                        setting.cursor
                    ),
                )
            })?;
        Ok(Some(Pagination {
            method_name: format!("{}_pages", names::unraw(&lowered.method_name)),
            page: page.name.clone(),
            items: items.rust_name.clone(),
            items_optional: items.optional(),
            item: item.name.clone(),
            has_more: has_more.rust_name.clone(),
            has_more_optional: has_more.optional(),
            cursor: cursor.rust_name.clone(),
            item_id: item_id.rust_name.clone(),
            item_id_optional: item_id.optional(),
        }))
    }

    fn structure(&self, name: &str) -> Option<&Struct> {
        self.models.iter().find_map(|model| match model {
            Model::Struct(model) if model.name == name => Some(model),
            _ => None,
        })
    }
}

fn field<'s>(
    model: &'s Struct,
    wire_name: &str,
    pointer: &Pointer,
) -> Result<&'s Field, SpecError> {
    model
        .fields
        .iter()
        .find(|field| field.wire_name == wire_name)
        .ok_or_else(|| {
            SpecError::new(
                pointer,
                format!("`{}` has no property `{wire_name}`", model.name),
            )
        })
}

fn expect_type(
    field: &Field,
    expected: Type,
    what: &str,
    pointer: &Pointer,
) -> Result<(), SpecError> {
    if field.ty == expected {
        Ok(())
    } else {
        Err(SpecError::new(
            pointer,
            format!("`{}` must be {what}", field.wire_name),
        ))
    }
}
