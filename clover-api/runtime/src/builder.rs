//! What every generated builder shares: a model a request sends has `new`
//! with its required fields and one [`setter!`](crate::setter!) line per
//! optional field.

/// A chained setter of an optional field, in a generated `impl` block:
/// `runtime::setter!(description: impl Into<String>);` writes
///
/// ```ignore
/// /// Sets [`description`](#structfield.description).
/// pub fn description(mut self, description: impl Into<String>) -> Self {
///     self.description = Some(description.into());
///     self
/// }
/// ```
///
/// The argument is either `impl Into<T>` (the tokens are matched as written,
/// so a model named `Into` cannot change their meaning) or a type taken as it
/// is. A field named `new` is set by `with_new`, since `new` is the
/// constructor; a raw field names itself for the docs
/// (`r#type as "type": impl Into<Kind>`).
#[macro_export]
macro_rules! setter {
    (new: $($argument:tt)+) => {
        $crate::setter!(@with_new new ["new"] $($argument)+);
    };
    ($field:ident as $name:literal: $($argument:tt)+) => {
        $crate::setter!(@$field $field [$name] $($argument)+);
    };
    ($field:ident: $($argument:tt)+) => {
        $crate::setter!(@$field $field [stringify!($field)] $($argument)+);
    };
    (@$setter:ident $field:ident [$name:expr] impl Into<$ty:ty>) => {
        #[doc = concat!("Sets [`", $name, "`](#structfield.", $name, ").")]
        pub fn $setter(mut self, $field: impl ::core::convert::Into<$ty>) -> Self {
            self.$field = ::core::option::Option::Some(::core::convert::Into::into($field));
            self
        }
    };
    (@$setter:ident $field:ident [$name:expr] $ty:ty) => {
        #[doc = concat!("Sets [`", $name, "`](#structfield.", $name, ").")]
        pub fn $setter(mut self, $field: $ty) -> Self {
            self.$field = ::core::option::Option::Some($field);
            self
        }
    };
}

#[cfg(test)]
mod tests {
    #[derive(Debug, Default, PartialEq)]
    struct Order {
        note: Option<String>,
        quantity: Option<i64>,
        new: Option<bool>,
        r#type: Option<Box<Order>>,
    }

    impl Order {
        crate::setter!(note: impl Into<String>);
        crate::setter!(quantity: i64);
        crate::setter!(new: bool);
        crate::setter!(r#type as "type": impl Into<Box<Order>>);
    }

    #[test]
    fn each_setter_sets_its_field() {
        let order = Order::default()
            .note("gift")
            .quantity(2)
            .with_new(true)
            .r#type(Order::default());
        assert_eq!(order.note.as_deref(), Some("gift"));
        assert_eq!(order.quantity, Some(2));
        assert_eq!(order.new, Some(true));
        assert_eq!(order.r#type, Some(Box::new(Order::default())));
    }
}
