//! Hosts and environments from `servers`.
//!
//! The list that applies to an operation is its own, else its path's, else
//! the root's, else OpenAPI's default `/`. Each distinct list (by `x-host`,
//! else by its URLs) is one host; each server of a list is the host's server
//! in one environment, and a list of one server serves every environment.
//!
//! A list names its environments by `x-environment`, else by the words that
//! tell its servers' descriptions apart ("PayPal Sandbox Environment",
//! "PayPal Live Environment" → `Sandbox`, `Live`); otherwise it is matched by
//! position. Lists that name their environments must name the same ones:
//! pairing servers the spec does not pair could send live traffic to a test
//! host, so a mismatch is refused rather than guessed.

use std::collections::{HashMap, HashSet};

use heck::ToSnakeCase;
use openapiv3::{OpenAPI, ReferenceOr, Server};

use crate::error::{Pointer, SpecError};
use crate::ir::{Environment, Host, HostServers, ServerUrl, ServerVariable};
use crate::names;

/// The name of the only environment of a spec whose lists all have one server.
const ONLY_ENVIRONMENT: &str = "Default";
/// The name of a host that its URL does not tell apart from the others.
const UNNAMED_HOST: &str = "Api";

/// The hosts, the environments, and which host each operation goes to.
#[derive(Default)]
pub(super) struct Hosts {
    pub(super) hosts: Vec<Host>,
    pub(super) environments: Vec<Environment>,
    /// The host's Rust name, by the operation's pointer.
    of_operation: HashMap<String, String>,
}

impl Hosts {
    /// The Rust name of the host the operation at `pointer` goes to; `None`
    /// when its servers were refused (that error is already reported).
    pub(super) fn of(&self, operation: &Pointer) -> Option<&str> {
        self.of_operation
            .get(operation.as_str())
            .map(String::as_str)
    }
}

/// One server list in use, checked.
struct List {
    pointer: Pointer,
    x_host: Option<XHost>,
    servers: Vec<ServerUrl>,
    /// The environment of each server, when the list names them.
    environments: Option<Vec<Environment>>,
}

/// Reads every server list an operation uses, reporting each problem once, at its list.
pub(super) fn hosts(spec: &OpenAPI, errors: &mut Vec<SpecError>) -> Hosts {
    let default = [Server {
        url: "/".to_owned(),
        ..Server::default()
    }];
    let mut lists = Vec::new();
    let mut list_of_pointer: HashMap<String, Option<usize>> = HashMap::new();
    let mut list_of_operation = Vec::new();
    for (operation, servers, pointer) in applicable_lists(spec, &default) {
        let index = *list_of_pointer
            .entry(pointer.to_string())
            .or_insert_with(|| match list(servers, &pointer) {
                Ok(list) => {
                    lists.push(list);
                    Some(lists.len() - 1)
                }
                Err(error) => {
                    errors.push(error);
                    None
                }
            });
        list_of_operation.extend(index.map(|index| (operation, index)));
    }
    let environments = environments(&lists, errors);
    let (hosts, host_of_list) = group(&lists, &environments, errors);
    let of_operation = list_of_operation
        .into_iter()
        .filter_map(|(operation, list)| {
            let host = host_of_list.get(&list)?;
            Some((operation.to_string(), hosts[*host].name.clone()))
        })
        .collect();
    Hosts {
        hosts,
        environments,
        of_operation,
    }
}

/// `(operation pointer, its servers, their pointer)` for every operation.
fn applicable_lists<'s>(
    spec: &'s OpenAPI,
    default: &'s [Server],
) -> Vec<(Pointer, &'s [Server], Pointer)> {
    let root = Pointer::root().join("servers");
    let paths = Pointer::root().join("paths");
    let mut applicable = Vec::new();
    for (path, item) in &spec.paths.paths {
        // A `$ref` path item is refused where operations are read.
        let ReferenceOr::Item(item) = item else {
            continue;
        };
        let path_pointer = paths.join(path);
        for (method, operation) in item.iter() {
            let at = path_pointer.join(method);
            let (servers, pointer) = if !operation.servers.is_empty() {
                (operation.servers.as_slice(), at.join("servers"))
            } else if !item.servers.is_empty() {
                (item.servers.as_slice(), path_pointer.join("servers"))
            } else if !spec.servers.is_empty() {
                (spec.servers.as_slice(), root.clone())
            } else {
                (default, root.clone())
            };
            applicable.push((at, servers, pointer));
        }
    }
    applicable
}

fn list(servers: &[Server], pointer: &Pointer) -> Result<List, SpecError> {
    let urls = servers
        .iter()
        .enumerate()
        .map(|(index, server)| server_url(server, &pointer.join(index)))
        .collect::<Result<_, _>>()?;
    Ok(List {
        pointer: pointer.clone(),
        x_host: x_host(servers, pointer)?,
        servers: urls,
        environments: list_environments(servers, pointer)?,
    })
}

/// A list's `x-host` and its Rust name.
#[derive(Clone)]
struct XHost {
    key: String,
    name: String,
}

/// A host before it is named: the first list that makes it, and its servers.
struct Group<'l> {
    first: &'l List,
    servers: HostServers,
}

/// The list's `x-host`, which all its servers or none give, alike.
fn x_host(servers: &[Server], pointer: &Pointer) -> Result<Option<XHost>, SpecError> {
    let values = extension_values(servers, "x-host", pointer)?;
    let Some(first) = values.first() else {
        return Ok(None);
    };
    match values.iter().position(|value| value != first) {
        Some(index) => Err(SpecError::new(
            &pointer.join(index),
            format!(
                "`x-host: {}` differs from the other servers of this list, which name `{first}`",
                values[index]
            ),
        )),
        None => {
            let name = names::type_name(first);
            Ok(Some(XHost {
                key: first.clone(),
                name,
            }))
        }
    }
}

/// A string extension from every server of the list, or from none of them.
fn extension_values(
    servers: &[Server],
    name: &str,
    pointer: &Pointer,
) -> Result<Vec<String>, SpecError> {
    if servers
        .iter()
        .all(|server| !server.extensions.contains_key(name))
    {
        return Ok(Vec::new());
    }
    let value = |(index, server): (usize, &Server)| {
        let value = server.extensions.get(name).and_then(|value| value.as_str());
        value.map(str::to_owned).ok_or_else(|| {
            SpecError::new(
                &pointer.join(index),
                format!(
                    "server {} has no string `{name}` extension, which other servers of this list have",
                    server.url
                ),
            )
        })
    };
    servers.iter().enumerate().map(value).collect()
}

/// The URL without a trailing `/`, each `{variable}` in it declared, and
/// valid (absolute or relative) with every variable at its default.
fn server_url(server: &Server, pointer: &Pointer) -> Result<ServerUrl, SpecError> {
    let declared = server.variables.clone().unwrap_or_default();
    let mut variables = Vec::new();
    for (name, variable) in &declared {
        if !variable.enumeration.is_empty() && !variable.enumeration.contains(&variable.default) {
            return Err(SpecError::new(
                &pointer.join("variables").join(name).join("default"),
                format!(
                    "the default `{}` is not one of the variable's `enum` values",
                    variable.default
                ),
            ));
        }
        variables.push(ServerVariable {
            name: name.clone(),
            default: variable.default.clone(),
            allowed: variable.enumeration.clone(),
        });
    }
    let url_pointer = pointer.join("url");
    let trimmed = server.url.trim_end_matches('/');
    let template = if trimmed.is_empty() { "/" } else { trimmed };
    let mut rendered = String::new();
    for piece in template_pieces(template, &url_pointer)? {
        match piece {
            Piece::Text(text) => rendered.push_str(text),
            Piece::Variable(name) => {
                let variable = declared.get(name).ok_or_else(|| {
                    SpecError::new(
                        &url_pointer,
                        format!("`{{{name}}}` is not declared under this server's `variables`"),
                    )
                })?;
                rendered.push_str(&variable.default);
            }
        }
    }
    match url::Url::parse(&rendered) {
        Ok(_) | Err(url::ParseError::RelativeUrlWithoutBase) => Ok(ServerUrl {
            template: template.to_owned(),
            variables,
        }),
        Err(error) => Err(SpecError::new(
            &url_pointer,
            format!("`{rendered}` is not a valid URL: {error}"),
        )),
    }
}

enum Piece<'t> {
    Text(&'t str),
    Variable(&'t str),
}

/// `https://{region}.example.com` → text, variable, text.
fn template_pieces<'t>(template: &'t str, pointer: &Pointer) -> Result<Vec<Piece<'t>>, SpecError> {
    let mut pieces = Vec::new();
    let mut rest = template;
    while let Some(start) = rest.find(['{', '}']) {
        let unbalanced = || SpecError::new(pointer, format!("unbalanced braces in `{template}`"));
        if rest[start..].starts_with('}') {
            return Err(unbalanced());
        }
        let end = rest[start..].find('}').ok_or_else(unbalanced)? + start;
        pieces.push(Piece::Text(&rest[..start]));
        pieces.push(Piece::Variable(&rest[start + 1..end]));
        rest = &rest[end + 1..];
    }
    pieces.push(Piece::Text(rest));
    Ok(pieces)
}

/// The environment of each server of a list of two or more, when the list names them.
fn list_environments(
    servers: &[Server],
    pointer: &Pointer,
) -> Result<Option<Vec<Environment>>, SpecError> {
    let keys = extension_values(servers, "x-environment", pointer)?;
    if keys.is_empty() {
        return Ok(described_environments(servers));
    }
    let mut environments: Vec<Environment> = Vec::new();
    for (index, key) in keys.into_iter().enumerate() {
        let at = pointer.join(index);
        let name = names::type_name(&key);
        if environments.iter().any(|known| known.name == name) {
            return Err(SpecError::new(
                &at,
                format!("a second `{key}` server in the same list"),
            ));
        }
        // The description is the server's, not the environment's.
        environments.push(Environment {
            name,
            key,
            description: None,
        });
    }
    Ok(Some(environments))
}

/// Names from the words that tell the descriptions apart, as few as make
/// them distinct; `None` when some server has no description or no such words.
fn described_environments(servers: &[Server]) -> Option<Vec<Environment>> {
    let descriptions: Vec<&str> = servers
        .iter()
        .map(|server| server.description.as_deref())
        .collect::<Option<_>>()?;
    if descriptions.len() < 2 {
        return None;
    }
    let distinguishing = distinguishing_words(&descriptions);
    if distinguishing.iter().any(Vec::is_empty) {
        return None;
    }
    let longest = distinguishing.iter().map(Vec::len).max()?;
    let names = (1..=longest).find_map(|count| {
        let names: Vec<String> = distinguishing
            .iter()
            .map(|words| names::type_name(&words[..count.min(words.len())].join("_")))
            .collect();
        let distinct: HashSet<&String> = names.iter().collect();
        (distinct.len() == names.len()).then_some(names)
    })?;
    Some(
        names
            .into_iter()
            .zip(descriptions)
            .map(|(name, description)| Environment {
                key: name.to_snake_case(),
                name,
                description: Some(description.to_owned()),
            })
            .collect(),
    )
}

/// Each text's words (lowercase, in order) that not every text has.
fn distinguishing_words(texts: &[&str]) -> Vec<Vec<String>> {
    let words: Vec<Vec<String>> = texts
        .iter()
        .map(|text| {
            text.split(|c: char| !c.is_alphanumeric())
                .filter(|word| !word.is_empty())
                .map(str::to_lowercase)
                .collect()
        })
        .collect();
    let shared = |word: &String| words.iter().all(|other| other.contains(word));
    words
        .iter()
        .map(|own| own.iter().filter(|word| !shared(word)).cloned().collect())
        .collect()
}

/// The environments, from the first list of several servers that names
/// them (else by position); every other such list must match.
fn environments(lists: &[List], errors: &mut Vec<SpecError>) -> Vec<Environment> {
    let several: Vec<&List> = lists.iter().filter(|list| list.servers.len() > 1).collect();
    let named = several.iter().find_map(|list| list.environments.as_ref());
    let environments = match (named, several.first()) {
        (Some(named), _) => named.clone(),
        (None, Some(first)) => (1..=first.servers.len()).map(positional).collect(),
        (None, None) => vec![only_environment(lists)],
    };
    let names: HashSet<&str> = environments
        .iter()
        .map(|known| known.name.as_str())
        .collect();
    for list in several {
        let matches = match &list.environments {
            Some(own) => {
                own.len() == names.len()
                    && own.iter().all(|known| names.contains(known.name.as_str()))
            }
            None => list.servers.len() == environments.len(),
        };
        if !matches {
            errors.push(SpecError::new(
                &list.pointer,
                format!(
                    "these servers do not match the environments {}: name each server's environment with `x-environment`",
                    environment_list(&environments)
                ),
            ));
        }
    }
    environments
}

fn positional(number: usize) -> Environment {
    let name = format!("Entry{number}");
    Environment {
        key: name.to_snake_case(),
        name,
        description: None,
    }
}

/// `x-environment` of the first list's server, else `Default`.
fn only_environment(lists: &[List]) -> Environment {
    let named = lists
        .first()
        .and_then(|list| list.environments.as_ref())
        .and_then(|environments| environments.first());
    named.cloned().unwrap_or_else(|| Environment {
        name: ONLY_ENVIRONMENT.to_owned(),
        key: ONLY_ENVIRONMENT.to_snake_case(),
        description: None,
    })
}

fn environment_list(environments: &[Environment]) -> String {
    let names: Vec<String> = environments
        .iter()
        .map(|environment| format!("`{}`", environment.key))
        .collect();
    names.join(", ")
}

/// One host per `x-host`, else per set of URLs, each named; returns the
/// hosts and the host of each list that makes one.
fn group(
    lists: &[List],
    environments: &[Environment],
    errors: &mut Vec<SpecError>,
) -> (Vec<Host>, HashMap<usize, usize>) {
    let mut groups: Vec<Group> = Vec::new();
    let mut by_identity: HashMap<String, usize> = HashMap::new();
    let mut host_of_list = HashMap::new();
    for (index, list) in lists.iter().enumerate() {
        let Some(servers) = per_environment(list, environments) else {
            continue;
        };
        let identity = match &list.x_host {
            Some(x_host) => format!("x-host {}", x_host.key),
            None => {
                let mut urls: Vec<&str> = list
                    .servers
                    .iter()
                    .map(|url| url.template.as_str())
                    .collect();
                urls.sort_unstable();
                urls.join(" ")
            }
        };
        let host = *by_identity.entry(identity).or_insert_with(|| {
            groups.push(Group {
                first: list,
                servers: servers.clone(),
            });
            groups.len() - 1
        });
        let Group {
            first,
            servers: known,
        } = &groups[host];
        if *known != servers {
            let first_pointer = &first.pointer;
            let message = match &first.x_host {
                Some(x_host) => format!(
                    "host `{}` has other servers than at {first_pointer}: every server list of one host must agree",
                    x_host.key
                ),
                None => format!(
                    "these servers have the URLs of those at {first_pointer} but other environments or variables"
                ),
            };
            errors.push(SpecError::new(&list.pointer, message));
            continue;
        }
        host_of_list.insert(index, host);
    }
    (name_hosts(groups), host_of_list)
}

/// The list's servers in environment order; `None` when they do not match
/// the environments (already reported).
fn per_environment(list: &List, environments: &[Environment]) -> Option<HostServers> {
    if let [only] = list.servers.as_slice() {
        return Some(HostServers::One(only.clone()));
    }
    let ordered = match &list.environments {
        Some(own) => environments
            .iter()
            .map(|environment| {
                let index = own
                    .iter()
                    .position(|known| known.name == environment.name)?;
                Some(list.servers[index].clone())
            })
            .collect::<Option<Vec<_>>>()?,
        None if list.servers.len() == environments.len() => list.servers.clone(),
        None => return None,
    };
    Some(HostServers::PerEnvironment(ordered))
}

/// `x-host` names first, then, in spec order, the first word of a host's URL
/// (not a variable, not starting with a digit) that not every host's URL
/// has, else `Api`; a clash gets a number.
fn name_hosts(groups: Vec<Group>) -> Vec<Host> {
    let urls: Vec<String> = groups
        .iter()
        .map(|group| url_words(first_url(&group.servers)))
        .collect();
    let url_refs: Vec<&str> = urls.iter().map(String::as_str).collect();
    let distinguishing = distinguishing_words(&url_refs);
    let mut taken = HashSet::new();
    let mut claim = |base: &str| {
        let name = (1..)
            .map(|number| match number {
                1 => base.to_owned(),
                _ => format!("{base}{number}"),
            })
            .find(|name| !taken.contains(name))
            .expect("some number is free");
        taken.insert(name.clone());
        name
    };
    let x_host_names: Vec<Option<String>> = groups
        .iter()
        .map(|group| {
            group
                .first
                .x_host
                .as_ref()
                .map(|x_host| claim(&x_host.name))
        })
        .collect();
    let mut hosts = Vec::new();
    for ((group, x_host_name), words) in groups.into_iter().zip(x_host_names).zip(distinguishing) {
        let (key, name) = match (&group.first.x_host, x_host_name) {
            (Some(x_host), Some(name)) => (x_host.key.clone(), name),
            _ => {
                let wanted = words
                    .iter()
                    .filter(|word| !word.starts_with(|c: char| c.is_ascii_digit()))
                    .map(|word| names::type_name(word))
                    .next();
                let name = claim(wanted.as_deref().unwrap_or(UNNAMED_HOST));
                (name.to_snake_case(), name)
            }
        };
        hosts.push(Host {
            name,
            key,
            servers: group.servers,
        });
    }
    hosts
}

/// The URL without its scheme and `{variables}`, whose words name a host.
fn url_words(template: &str) -> String {
    let without_scheme = template
        .split_once("://")
        .map_or(template, |(_, rest)| rest);
    let mut words = String::new();
    let mut in_variable = false;
    for c in without_scheme.chars() {
        match c {
            '{' => in_variable = true,
            '}' => in_variable = false,
            _ if !in_variable => words.push(c),
            _ => {}
        }
    }
    words
}

fn first_url(servers: &HostServers) -> &str {
    match servers {
        HostServers::One(url) => &url.template,
        HostServers::PerEnvironment(urls) => &urls[0].template,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn described(descriptions: &[Option<&str>]) -> Option<Vec<String>> {
        let servers: Vec<Server> = descriptions
            .iter()
            .map(|description| Server {
                description: description.map(str::to_owned),
                ..Server::default()
            })
            .collect();
        let environments = described_environments(&servers)?;
        Some(
            environments
                .into_iter()
                .map(|environment| environment.name)
                .collect(),
        )
    }

    #[test]
    fn descriptions_name_environments_by_the_fewest_words_that_differ() {
        assert_eq!(
            described(&[
                Some("PayPal Sandbox Environment"),
                Some("PayPal Live Environment")
            ]),
            Some(vec!["Sandbox".to_owned(), "Live".to_owned()])
        );
        assert_eq!(
            described(&[Some("Live (US)"), Some("Live (EU)"), Some("Test")]),
            Some(vec![
                "LiveUs".to_owned(),
                "LiveEu".to_owned(),
                "Test".to_owned()
            ])
        );
    }

    #[test]
    fn descriptions_that_cannot_name_every_server_leave_the_list_to_position() {
        assert_eq!(described(&[Some("Production"), None]), None);
        assert_eq!(described(&[Some("Live"), Some("Live server")]), None);
        assert_eq!(described(&[Some("Same"), Some("Same")]), None);
        assert_eq!(described(&[Some("Only one")]), None);
    }

    #[test]
    fn host_urls_are_read_without_scheme_and_variables() {
        assert_eq!(
            url_words("http://127.0.0.1:{port}/kitchen/{region}"),
            "127.0.0.1:/kitchen/"
        );
        let words = distinguishing_words(&["127.0.0.1:/kitchen/", "token.example.com"]);
        assert_eq!(words[0], ["127", "0", "0", "1", "kitchen"]);
    }
}
