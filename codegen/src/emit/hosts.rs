//! The `Host` enum: which server each operation goes to, per environment.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::doc;
use crate::ir::Host;

pub fn emit(hosts: &[Host]) -> TokenStream {
    let count = proc_macro2::Literal::usize_unsuffixed(hosts.len());
    let variants = hosts.iter().map(|host| {
        let name = format_ident!("{}", host.name);
        let doc = doc(&format!(
            "`{}` in the sandbox, `{}` in production.",
            host.sandbox_url, host.production_url
        ));
        quote! { #doc #name }
    });
    let names: Vec<_> = hosts
        .iter()
        .map(|host| format_ident!("{}", host.name))
        .collect();
    let keys = hosts.iter().map(|host| &host.key);
    let sandbox = hosts.iter().map(|host| &host.sandbox_url);
    let production = hosts.iter().map(|host| &host.production_url);
    quote! {
        /// The servers the API is spread over; every operation is sent to one of them.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum Host {
            #(#variants,)*
        }

        impl Host {
            /// Every host, in the order the spec first names them.
            pub const ALL: [Host; #count] = [#(Host::#names),*];

            /// The host's name in the spec (its servers' `x-host`).
            pub fn key(self) -> &'static str {
                match self {
                    #(Host::#names => #keys,)*
                }
            }

            /// Base URL in the sandbox.
            pub fn sandbox_url(self) -> &'static str {
                match self {
                    #(Host::#names => #sandbox,)*
                }
            }

            /// Base URL in production.
            pub fn production_url(self) -> &'static str {
                match self {
                    #(Host::#names => #production,)*
                }
            }
        }

        impl clover_api_runtime::ApiHost for Host {
            const ALL: &'static [Self] = &Host::ALL;

            fn sandbox_url(self) -> &'static str {
                Host::sandbox_url(self)
            }

            fn production_url(self) -> &'static str {
                Host::production_url(self)
            }
        }

        /// The host's name in the spec.
        impl std::fmt::Display for Host {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.key())
            }
        }
    }
}
