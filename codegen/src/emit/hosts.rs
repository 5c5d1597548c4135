//! The `Server` enum (the spec's environments) and the `Host` enum (which
//! server list each operation goes to), with each host's URL per environment.

use proc_macro2::{Literal, TokenStream};
use quote::{format_ident, quote};

use super::doc;
use crate::ir::{Environment, Host, HostServers, ServerUrl};

pub fn emit(hosts: &[Host], environments: &[Environment]) -> TokenStream {
    let servers = servers(environments);
    let hosts = host_enum(hosts, environments);
    quote! {
        use clover_api_runtime as runtime;

        #servers
        #hosts
    }
}

fn servers(environments: &[Environment]) -> TokenStream {
    let count = Literal::usize_unsuffixed(environments.len());
    let variants = environments.iter().enumerate().map(|(index, environment)| {
        let name = format_ident!("{}", environment.name);
        let doc = super::doc_opt(environment.description.as_deref());
        let default = (index == 0).then(|| quote! { #[default] });
        quote! { #doc #default #name }
    });
    let names: Vec<_> = environments
        .iter()
        .map(|environment| format_ident!("{}", environment.name))
        .collect();
    let keys = environments.iter().map(|environment| &environment.key);
    quote! {
        /// The environments the spec's servers describe: which server each
        /// [`Host`] uses. The first the spec lists is the default.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
        pub enum Server {
            #(#variants,)*
        }

        impl Server {
            /// Every environment, in the order the spec lists them.
            pub const ALL: [Server; #count] = [#(Server::#names),*];
        }

        impl runtime::ApiServer for Server {}

        /// The environment's name in the spec.
        impl std::fmt::Display for Server {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(match self {
                    #(Server::#names => #keys,)*
                })
            }
        }
    }
}

fn host_enum(hosts: &[Host], environments: &[Environment]) -> TokenStream {
    let count = Literal::usize_unsuffixed(hosts.len());
    let variants = hosts.iter().map(|host| {
        let name = format_ident!("{}", host.name);
        let doc = doc(&where_it_is(host, environments));
        quote! { #doc #name }
    });
    let names: Vec<_> = hosts
        .iter()
        .map(|host| format_ident!("{}", host.name))
        .collect();
    let keys = hosts.iter().map(|host| &host.key);
    let arms = hosts.iter().flat_map(|host| url_arms(host, environments));
    quote! {
        /// The servers the API is spread over; every operation is sent to one of them.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum Host {
            #(#variants,)*
        }

        impl Host {
            /// Every host, in the order the spec first names them.
            pub const ALL: [Host; #count] = [#(Host::#names),*];

            /// The host's name in the spec (its servers' `x-host`, else one
            /// from its URL).
            pub fn key(self) -> &'static str {
                match self {
                    #(Host::#names => #keys,)*
                }
            }
        }

        impl runtime::ApiHost for Host {
            type Server = Server;

            const ALL: &'static [Self] = &Host::ALL;

            fn url(self, server: Server) -> runtime::ServerUrl {
                match (self, server) {
                    #(#arms)*
                }
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

/// "`https://…` in `sandbox`, `https://…` in `production`."
fn where_it_is(host: &Host, environments: &[Environment]) -> String {
    match &host.servers {
        HostServers::One(url) if environments.len() == 1 => format!("`{}`.", url.template),
        HostServers::One(url) => format!("`{}` in every environment.", url.template),
        HostServers::PerEnvironment(urls) => {
            let each: Vec<String> = urls
                .iter()
                .zip(environments)
                .map(|(url, environment)| format!("`{}` in `{}`", url.template, environment.key))
                .collect();
            format!("{}.", each.join(", "))
        }
    }
}

/// `(Host::X, Server::Y) => &ServerUrl { … },` for each environment, or one
/// arm for every environment.
fn url_arms(host: &Host, environments: &[Environment]) -> Vec<TokenStream> {
    let name = format_ident!("{}", host.name);
    match &host.servers {
        HostServers::One(url) => {
            let url = server_url(url);
            vec![quote! { (Host::#name, _) => #url, }]
        }
        HostServers::PerEnvironment(urls) => urls
            .iter()
            .zip(environments)
            .map(|(url, environment)| {
                let server = format_ident!("{}", environment.name);
                let url = server_url(url);
                quote! { (Host::#name, Server::#server) => #url, }
            })
            .collect(),
    }
}

fn server_url(url: &ServerUrl) -> TokenStream {
    let template = &url.template;
    let variables = url.variables.iter().map(|variable| {
        let (name, default, allowed) = (&variable.name, &variable.default, &variable.allowed);
        quote! {
            runtime::ServerVariable {
                name: #name,
                default: #default,
                allowed: &[#(#allowed),*],
            }
        }
    });
    quote! { runtime::ServerUrl::new(#template, &[#(#variables),*]) }
}
