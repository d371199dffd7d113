//! Requests through the HTTP API as API Gateway sends them (payload 2.0, the template's
//! routes, the session cookie or an API key), the PM's and the tenant's ways through the
//! pages, and reading links and hidden fields out of what came back.

use super::{ACCOUNT, API_HOST, Answer, BASE_URL, World};
use base64::Engine;
use http_body_util::BodyExt;
use mendwork_app::ports::{Clock, SystemClock};
use serde_json::{Value, json};
use std::collections::HashMap;
use std::sync::atomic::Ordering;

impl World {
    /// Sends one request through API Gateway's routing (the template's routes) to the owning
    /// function's handler, then lets the stream deliver what it committed.
    pub async fn http(
        &self,
        method: &str,
        path_and_query: &str,
        content_type: Option<&str>,
        body: Option<Vec<u8>>,
    ) -> Answer {
        let (path, query) = path_and_query
            .split_once('?')
            .unwrap_or((path_and_query, ""));
        let (route_key, integration, params, authorized) = self.route(method, path);
        let function = integration.trim_end_matches("Integration").to_lowercase();
        let mut headers = serde_json::Map::new();
        headers.insert("host".into(), json!(API_HOST));
        headers.insert("user-agent".into(), json!("Mozilla/5.0 (Mendwork test)"));
        headers.insert("x-forwarded-proto".into(), json!("https"));
        headers.insert("x-forwarded-for".into(), json!("203.0.113.7"));
        headers.insert("accept".into(), json!("text/html,application/json"));
        if let Some(ct) = content_type {
            headers.insert("content-type".into(), json!(ct));
        }
        let mut query_params = serde_json::Map::new();
        for pair in query.split('&').filter(|p| !p.is_empty()) {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            query_params.insert(k.to_string(), json!(v));
        }
        // The wall clock is harmless: the request context's time is informative only.
        let now = SystemClock.now();
        let mut context = json!({
            "accountId": ACCOUNT,
            "apiId": "a1b2c3d4e5",
            "domainName": API_HOST,
            "domainPrefix": "a1b2c3d4e5",
            "http": {
                "method": method,
                "path": path,
                "protocol": "HTTP/1.1",
                "sourceIp": "203.0.113.7",
                "userAgent": "Mozilla/5.0 (Mendwork test)"
            },
            "requestId": format!("req-{}", self.sequence.fetch_add(1, Ordering::SeqCst)),
            "routeKey": route_key,
            "stage": "$default",
            "time": now.format("%d/%b/%Y:%H:%M:%S +0000").to_string(),
            "timeEpoch": now.timestamp_millis(),
        });
        if authorized {
            context["authorizer"] = json!({"iam": {
                "accessKey": "AKIAEXAMPLE", "accountId": ACCOUNT, "callerId": "AIDAEXAMPLE",
                "principalOrgId": null, "userArn": format!("arn:aws:iam::{ACCOUNT}:user/pm"),
                "userId": "AIDAEXAMPLE"
            }});
        }
        let mut event = json!({
            "version": "2.0",
            "routeKey": route_key,
            "rawPath": path,
            "rawQueryString": query,
            "headers": headers,
            "requestContext": context,
            "isBase64Encoded": false,
        });
        if !query_params.is_empty() {
            event["queryStringParameters"] = Value::Object(query_params);
        }
        let bearer = self.bearer.lock().unwrap().clone();
        if let Some(key) = &bearer {
            event["headers"]["authorization"] = json!(format!("Bearer {key}"));
        }
        // HTTP API payload 2.0 carries the Cookie header as a `cookies` list.
        if let Some(cookie) = self.session.lock().unwrap().clone()
            && bearer.is_none()
        {
            event["cookies"] = json!([cookie]);
        }
        if !params.is_empty() {
            event["pathParameters"] = json!(params);
        }
        if let Some(bytes) = body {
            // API Gateway passes form posts base64-encoded, JSON as text.
            if content_type.is_some_and(|c| c.starts_with("application/json")) {
                event["body"] = json!(String::from_utf8(bytes).unwrap());
            } else {
                event["body"] = json!(base64::engine::general_purpose::STANDARD.encode(bytes));
                event["isBase64Encoded"] = json!(true);
            }
        }
        let request = lambda_http::request::from_str(&event.to_string())
            .unwrap_or_else(|e| panic!("not an API Gateway event lambda_http accepts: {e}"));
        self.proxy.running(Some(&function));
        let response = mendwork_handlers::http(&self.router, request)
            .await
            .unwrap();
        self.proxy.running(None);
        self.check_granted();
        // What lambda_http::run does with the handler's answer.
        let response = lambda_http::IntoResponse::into_response(response).await;
        let status = response.status().as_u16();
        let location = response
            .headers()
            .get("location")
            .and_then(|v| v.to_str().ok())
            .map(str::to_string);
        let set_cookies: Vec<String> = response
            .headers()
            .get_all("set-cookie")
            .iter()
            .filter_map(|v| v.to_str().ok().map(str::to_string))
            .collect();
        let bytes = response.into_body().collect().await.unwrap().to_bytes();
        let answer = Answer {
            function,
            status,
            location,
            set_cookies,
            body: String::from_utf8_lossy(&bytes).to_string(),
        };
        self.pump().await;
        answer
    }

    /// The template route for a request: (route key, integration, path parameters, whether
    /// the route is IAM-authorized).
    fn route(&self, method: &str, path: &str) -> (String, String, HashMap<String, String>, bool) {
        let segments: Vec<&str> = path.trim_start_matches('/').split('/').collect();
        for (key, integration, auth) in self.template.routes() {
            let (m, pattern) = key.split_once(' ').unwrap();
            if m != method {
                continue;
            }
            let parts: Vec<&str> = pattern.trim_start_matches('/').split('/').collect();
            if parts.len() != segments.len() {
                continue;
            }
            let mut params = HashMap::new();
            let matched = parts.iter().zip(&segments).all(|(p, s)| {
                match p.strip_prefix('{').and_then(|p| p.strip_suffix('}')) {
                    Some(name) if !s.is_empty() => {
                        params.insert(name.to_string(), s.to_string());
                        true
                    }
                    Some(_) => false,
                    None => p == s,
                }
            });
            if matched {
                let authorized = auth.is_some();
                return (key.clone(), integration, params, authorized);
            }
        }
        panic!("the HTTP API has no route for {method} {path}: add it to template.yaml");
    }

    pub async fn get(&self, path: &str) -> Answer {
        self.http("GET", path, None, None).await
    }

    /// Calls as an integration with this API key from now on (no cookie), or as the signed-in
    /// team again with `None`.
    pub fn use_key(&self, key: Option<&str>) {
        *self.bearer.lock().unwrap() = key.map(str::to_string);
    }

    pub async fn post_form(&self, path: &str, fields: &[(&str, &str)]) -> Answer {
        let body = fields
            .iter()
            .map(|(k, v)| format!("{}={}", form_encode(k), form_encode(v)))
            .collect::<Vec<_>>()
            .join("&");
        self.http(
            "POST",
            path,
            Some("application/x-www-form-urlencoded"),
            Some(body.into_bytes()),
        )
        .await
    }

    pub async fn post_json(&self, path: &str, body: &Value) -> Answer {
        self.http(
            "POST",
            path,
            Some("application/json"),
            Some(body.to_string().into_bytes()),
        )
        .await
    }

    /// A work order as the PM API shows it (id or job code).
    pub async fn work_order(&self, id: &str) -> Value {
        let a = self.get(&format!("/api/work-orders/{id}")).await;
        assert_eq!(a.status, 200, "{}", a.body);
        assert_eq!(a.function, "pm");
        a.json()
    }

    pub async fn work_orders(&self) -> Vec<Value> {
        let a = self.get("/api/work-orders").await;
        assert_eq!(a.status, 200, "{}", a.body);
        a.json()["work_orders"]
            .as_array()
            .cloned()
            .unwrap_or_default()
    }

    pub async fn vendor_phone(&self, vendor: &str) -> String {
        let a = self.get("/api/vendors").await;
        a.json()["vendors"]
            .as_array()
            .unwrap()
            .iter()
            .find(|v| v["id"] == vendor)
            .and_then(|v| v["phone"].as_str())
            .unwrap_or_else(|| panic!("no vendor {vendor}"))
            .to_string()
    }

    /// The team's sign-in, as a PM does it: ask for a link (the `pm` function), read the email
    /// SES sent, open the link and press "Sign in"; the session cookie is kept for later
    /// requests.
    pub async fn sign_in(&self, email: &str) {
        let asked = self.post_form("/login", &[("email", email)]).await;
        assert_eq!(
            (asked.function.as_str(), asked.status),
            ("pm", 200),
            "{}",
            asked.body
        );
        let mail = self
            .emails_to(email)
            .await
            .into_iter()
            .rev()
            .find(|m| m.body.contains("/login/"))
            .unwrap_or_else(|| panic!("no sign-in email to {email}"));
        let link = find_link(&mail.body, "/login/").unwrap();
        let path = path_of(&link);
        let confirm = self.get(&path).await;
        assert_eq!(confirm.status, 200, "{}", confirm.body);
        let signed = self.post_form(&path, &[]).await;
        assert_eq!(signed.status, 303, "{}", signed.body);
        let cookie = signed
            .set_cookies
            .iter()
            .find_map(|c| {
                c.split(';')
                    .next()
                    .filter(|kv| kv.starts_with("mw_session="))
            })
            .unwrap_or_else(|| panic!("no session cookie: {:?}", signed.set_cookies))
            .to_string();
        *self.session.lock().unwrap() = Some(cookie);
    }

    /// The tenant form as a tenant sends it: the page first (for its hidden `issued` stamp),
    /// then, a few seconds later as a person would, the post with `fields`.
    pub async fn submit_tenant_form(&self, property: &str, fields: &[(&str, &str)]) -> Answer {
        let form = self.get(&format!("/report/{property}")).await;
        assert_eq!((form.function.as_str(), form.status), ("intake", 200));
        let issued = hidden_value(&form.body, "issued")
            .unwrap_or_else(|| panic!("no issued stamp in the form: {}", form.body));
        tokio::time::sleep(std::time::Duration::from_millis(3100)).await;
        let mut all: Vec<(&str, &str)> = fields.to_vec();
        all.push(("issued", issued.as_str()));
        self.post_form("/report", &all).await
    }
}

fn form_encode(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'*' => {
                out.push(char::from(b))
            }
            b' ' => out.push('+'),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// The first `http…` URL in `text` whose path contains `path`.
pub fn find_link(text: &str, path: &str) -> Option<String> {
    text.split(|c: char| c.is_whitespace() || c == '<' || c == '>' || c == '"')
        .map(|w| w.trim_end_matches(['.', ',', ')', ';']))
        .find(|w| w.starts_with("http") && w.contains(path))
        .map(str::to_string)
}

/// The value of a hidden input of a page.
pub fn hidden_value(page: &str, name: &str) -> Option<String> {
    let at = page.find(&format!("name=\"{name}\""))?;
    let tag_start = page[..at].rfind('<')?;
    let tag_end = at + page[at..].find('>')?;
    let tag = &page[tag_start..tag_end];
    let v = tag.find("value=\"")? + "value=\"".len();
    let end = tag[v..].find('"')?;
    Some(tag[v..v + end].replace("&amp;", "&"))
}

/// A link's path (and query), for sending it through the API.
pub fn path_of(url: &str) -> String {
    let rest = url
        .strip_prefix(BASE_URL)
        .unwrap_or_else(|| panic!("{url} is not under {BASE_URL}"));
    if rest.is_empty() {
        "/".into()
    } else {
        rest.to_string()
    }
}
