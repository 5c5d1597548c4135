//! What the tests of the kitchen-sink client share.

use fixture_crate::{Environment, Host};

/// The default environment with every host moved to `base_url` (a loopback server).
pub fn every_host_at(base_url: &str) -> Environment {
    Host::ALL
        .into_iter()
        .fold(Environment::default(), |environment, host| {
            environment.with_base_url(host, base_url).unwrap()
        })
}
