//! The public edges' stored limits as the web layer applies them (the rules and numbers are
//! the domain's, [`mendwork_domain::limits`]; the counters are the `RateLimits` port's): the
//! tenant form's counters and its stamp's single use, and the sign-in's counters.

use crate::error::WebError;
use crate::guard::ClientIp;
use crate::ops;
use crate::pages::tenant::{MAX_FORM_AGE_HOURS, open_stamp};
use chrono::Duration;
use mendwork_app::App;
use mendwork_app::limits::take_all;
use mendwork_app::steps::submission_key;
use mendwork_domain::limits::{form_counters, login_counters, stamp_counter};
use mendwork_domain::{Email, NewWorkOrder};

/// Whether a tenant-form submission may go ahead.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Admitted {
    Yes,
    /// Its stamp was used by an earlier submission.
    StampUsed,
    /// A counter (its IP address, phone, email or property) is full.
    TooMany,
}

/// Takes the form's counters and uses up its stamp, unless this exact submission (its token)
/// was already taken — a double click or a retried post, which the app answers with the work
/// order the first one made.
pub async fn admit_form(
    app: &App,
    ip: Option<ClientIp>,
    request: &NewWorkOrder,
    stamp: &str,
    token: Option<&str>,
) -> Result<Admitted, WebError> {
    if let Some(t) = token
        && app
            .recorded(&submission_key(t))
            .await
            .map_err(ops::store)?
            .is_some()
    {
        return Ok(Admitted::Yes);
    }
    if let Some((issued, nonce)) = open_stamp(app, stamp) {
        let once = stamp_counter(&nonce, issued, Duration::hours(MAX_FORM_AGE_HOURS));
        if !app.limits.take(&once).await.map_err(ops::store)? {
            tracing::info!("tenant form sent again with a used stamp");
            return Ok(Admitted::StampUsed);
        }
    }
    let ip = ip.map(|ClientIp(a)| a.to_string());
    let contact = &request.tenant;
    let counters = form_counters(
        ip.as_deref(),
        contact.phone.as_ref(),
        contact.email.as_ref(),
        &request.property,
        app.now(),
    );
    match take_all(&app.limits, &counters).await.map_err(ops::store)? {
        Ok(()) => Ok(Admitted::Yes),
        Err(limited) => {
            tracing::warn!(
                limit = limited.kind,
                "tenant form refused: rate limit reached"
            );
            Ok(Admitted::TooMany)
        }
    }
}

/// Whether a sign-in request may email a link. Taken for every well-formed address, on the
/// team or not, so that both cost the same work. `Err(())` when the caller's IP address is
/// over its limit (said openly: it tells nothing about any address); `Ok(false)` when the
/// address or the team is (said nowhere).
pub async fn admit_login(
    app: &App,
    ip: Option<ClientIp>,
    email: &Email,
    on_team: bool,
) -> Result<Result<bool, ()>, WebError> {
    let ip = ip.map(|ClientIp(a)| a.to_string());
    let counters = login_counters(ip.as_deref(), email, on_team, app.now());
    match take_all(&app.limits, &counters).await.map_err(ops::store)? {
        Ok(()) => Ok(Ok(true)),
        Err(limited) if limited.kind == "login-ip" => {
            tracing::warn!("sign-in refused: too many requests from one IP address");
            Ok(Err(()))
        }
        Err(limited) => {
            tracing::warn!(
                limit = limited.kind,
                "sign-in link not sent: rate limit reached"
            );
            Ok(Ok(false))
        }
    }
}
