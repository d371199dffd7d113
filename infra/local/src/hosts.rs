//! The local runner answers only requests addressed to loopback by name: `localhost`,
//! `127.0.0.1` or `[::1]`, with or without a port. A web page elsewhere can point its own DNS
//! name at 127.0.0.1 (DNS rebinding) and read what the runner answers — `/dev/messages` holds
//! sign-in links — but its requests then carry its own name as `Host`, and are refused here.
//! Cross-site writes are refused here too, for the harness routes as for the app's.

use axum::extract::Request;
use axum::http::StatusCode;
use axum::http::header::HOST;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

/// True for a `Host` header naming loopback (any port).
pub fn loopback_host(host: &str) -> bool {
    let name = if let Some(rest) = host.strip_prefix('[') {
        // `[::1]` or `[::1]:8080`.
        match rest.split_once(']') {
            Some((addr, port)) if port.is_empty() || valid_port(port) => addr,
            _ => return false,
        }
    } else {
        match host.rsplit_once(':') {
            Some((name, port)) if valid_port(&format!(":{port}")) => name,
            Some(_) => return false,
            None => host,
        }
    };
    matches!(
        name.to_ascii_lowercase().as_str(),
        "localhost" | "127.0.0.1" | "::1"
    )
}

fn valid_port(s: &str) -> bool {
    s.strip_prefix(':')
        .is_some_and(|p| !p.is_empty() && p.len() <= 5 && p.bytes().all(|b| b.is_ascii_digit()))
}

/// The layer: a request for another host name gets 421 Misdirected Request, a cross-site write
/// 403, before any route sees it.
pub async fn only_loopback(req: Request, next: Next) -> Response {
    let host = req.headers().get(HOST).and_then(|h| h.to_str().ok());
    if !host.is_some_and(loopback_host) {
        return (
            StatusCode::MISDIRECTED_REQUEST,
            "This local Mendwork answers only to localhost, 127.0.0.1 or [::1].",
        )
            .into_response();
    }
    let writes = !matches!(req.method().as_str(), "GET" | "HEAD" | "OPTIONS");
    if writes && mendwork_web::guard::cross_site(req.headers(), "") {
        return (
            StatusCode::FORBIDDEN,
            "This request came from another website, so it was not carried out.",
        )
            .into_response();
    }
    next.run(req).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loopback_names_with_or_without_a_port_pass_and_others_do_not() {
        for ok in [
            "localhost",
            "localhost:8080",
            "LOCALHOST:1",
            "127.0.0.1",
            "127.0.0.1:65535",
            "[::1]",
            "[::1]:8080",
        ] {
            assert!(loopback_host(ok), "{ok}");
        }
        for bad in [
            "evil.example",
            "evil.example:8080",
            "127.0.0.1.nip.io",
            "localhost.evil.example",
            "127.0.0.2",
            "[::1",
            "[::2]:80",
            "localhost:",
            "localhost:80:80",
            "",
            "0.0.0.0",
        ] {
            assert!(!loopback_host(bad), "{bad}");
        }
    }
}
