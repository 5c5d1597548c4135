//! Hosts from `servers`: each server names its host (`x-host`) and
//! environment (`x-environment`); one host must keep the same URLs everywhere.

use openapiv3::Server;

use crate::error::{Pointer, SpecError};
use crate::ir::Host;
use crate::names;

#[derive(Default)]
pub(super) struct Hosts {
    hosts: Vec<(Host, Pointer)>,
}

impl Hosts {
    /// Reads one `servers` list and returns the Rust name of the host it names.
    pub(super) fn register(
        &mut self,
        servers: &[Server],
        pointer: &Pointer,
    ) -> Result<String, SpecError> {
        let mut key = None;
        let (mut sandbox, mut production) = (None, None);
        for (index, server) in servers.iter().enumerate() {
            let at = pointer.join(index);
            let host = extension_str(server, "x-host", &at)?;
            let environment = extension_str(server, "x-environment", &at)?;
            if *key.get_or_insert(host) != host {
                return Err(SpecError::new(
                    &at,
                    format!(
                        "`x-host: {host}` differs from the other servers of this list, which name `{}`",
                        key.unwrap_or_default()
                    ),
                ));
            }
            let slot = match environment {
                "sandbox" => &mut sandbox,
                "production" => &mut production,
                other => {
                    return Err(SpecError::new(
                        &at,
                        format!(
                            "`x-environment` must be `sandbox` or `production`, found `{other}`"
                        ),
                    ));
                }
            };
            if slot
                .replace(server.url.trim_end_matches('/').to_owned())
                .is_some()
            {
                return Err(SpecError::new(
                    &at,
                    format!("a second `{environment}` server for the same host"),
                ));
            }
        }
        let (Some(key), Some(sandbox_url), Some(production_url)) = (key, sandbox, production)
        else {
            return Err(SpecError::new(
                pointer,
                "needs one `sandbox` and one `production` server naming the same `x-host`",
            ));
        };
        let name = names::type_name(key);
        let host = Host {
            name: name.clone(),
            key: key.to_owned(),
            sandbox_url,
            production_url,
        };
        if let Some((clash, first)) = self
            .hosts
            .iter()
            .find(|(known, _)| known.name == host.name && known.key != host.key)
        {
            return Err(SpecError::new(
                pointer,
                format!(
                    "hosts `{key}` and `{}` (at {first}) both become `Host::{name}`",
                    clash.key
                ),
            ));
        }
        match self.hosts.iter().find(|(known, _)| known.key == host.key) {
            Some((known, first)) if *known != host => Err(SpecError::new(
                pointer,
                format!(
                    "host `{key}` has other URLs than at {first}: every server list of one host must agree"
                ),
            )),
            Some(_) => Ok(name),
            None => {
                self.hosts.push((host, pointer.clone()));
                Ok(name)
            }
        }
    }

    pub(super) fn into_list(self) -> Vec<Host> {
        self.hosts.into_iter().map(|(host, _)| host).collect()
    }
}

fn extension_str<'s>(
    server: &'s Server,
    name: &str,
    pointer: &Pointer,
) -> Result<&'s str, SpecError> {
    server
        .extensions
        .get(name)
        .and_then(|value| value.as_str())
        .ok_or_else(|| {
            SpecError::new(
                pointer,
                format!("server {} has no string `{name}` extension", server.url),
            )
        })
}
