//! The HTTPS client builder of every outbound call to an arbitrary host (webhook deliveries, the
//! PMS): reqwest on rustls with the SDK's crypto provider, aws-lc, so that a binary links one
//! TLS and crypto stack (reqwest's own choice would add `ring` beside it, see TOOLCHAIN.md),
//! trusting the Mozilla roots of `webpki-roots` (a receiver or a PMS may chain to any public
//! root; the SDK clients trust only Amazon's, see `mendwork_aws::tls`).

use std::sync::Arc;

/// A client builder whose TLS is settled: rustls on aws-lc with the Mozilla roots, TLS 1.2
/// and 1.3. Callers add timeouts, redirects and the like; they must not change the TLS backend
/// (reqwest's own rustls backend has no crypto provider in this build and would panic).
pub fn client_builder() -> reqwest::ClientBuilder {
    let builder = reqwest::Client::builder();
    match tls_config() {
        Ok(config) => builder.use_preconfigured_tls(config),
        // Not a configuration reqwest knows: its `build` returns an error rather than a client
        // with some other TLS (cannot happen with aws-lc's default provider).
        Err(_) => builder.use_preconfigured_tls(()),
    }
}

/// The rustls configuration of [`client_builder`]: the provider's safe protocol versions.
fn tls_config() -> Result<rustls::ClientConfig, rustls::Error> {
    let roots = rustls::RootCertStore {
        roots: webpki_roots::TLS_SERVER_ROOTS.to_vec(),
    };
    Ok(rustls::ClientConfig::builder_with_provider(Arc::new(
        rustls::crypto::aws_lc_rs::default_provider(),
    ))
    .with_safe_default_protocol_versions()?
    .with_root_certificates(roots)
    .with_no_client_auth())
}

#[cfg(test)]
#[allow(clippy::expect_used)]
mod tests {
    use super::*;

    #[test]
    fn the_client_builds_on_aws_lc_with_the_mozilla_roots() {
        let config = tls_config().expect("aws-lc's default provider offers TLS 1.2 and 1.3");
        assert!(config.crypto_provider().cipher_suites.len() > 1);
        // The very rustls that reqwest was built with: a configuration of another version would
        // make `build` fail with "Unknown TLS backend".
        client_builder()
            .build()
            .expect("reqwest takes the preconfigured rustls");
        let roots = webpki_roots::TLS_SERVER_ROOTS.len();
        assert!(roots > 100, "{roots} roots");
    }
}
