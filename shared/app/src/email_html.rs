//! The HTML version of an outgoing email: the plain text, escaped, in paragraphs, with its
//! web links made clickable, inside a simple branded wrapper that mail clients render alike
//! (one centred table, inline styles, no images, no scripts). The plain text stays the
//! reference: this adds nothing that is not in it.

use maud::{DOCTYPE, Markup, html};
use mendwork_domain::EmailMessage;
use mendwork_domain::catalogue;

const BRAND: &str = "#1f4e79";

/// The email as a complete HTML document (UTF-8), to send beside its plain text, framed in
/// the email's language.
pub fn render_html(email: &EmailMessage) -> String {
    // Rendered where no portfolio is at hand, so its words are fixed (`email.` keys).
    let footer = catalogue::render("email.footer", email.language, &[]);
    let doc = html! {
        (DOCTYPE)
        html lang=(email.language.code()) {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (email.subject) }
            }
            body style="margin:0;padding:0;background:#f6f7f9;" {
                table role="presentation" width="100%" cellpadding="0" cellspacing="0"
                    style="background:#f6f7f9;padding:16px 0;" {
                    tr { td align="center" {
                        table role="presentation" width="100%" cellpadding="0" cellspacing="0"
                            style="max-width:600px;background:#ffffff;border:1px solid #d8dce3;border-radius:6px;font:16px/1.5 -apple-system,'Segoe UI',Roboto,Arial,sans-serif;color:#1d2330;" {
                            tr { td style=(format!("background:{BRAND};color:#ffffff;padding:12px 20px;font-weight:600;border-radius:6px 6px 0 0;")) {
                                "Mendwork"
                            } }
                            tr { td style="padding:20px;" {
                                h1 style="font-size:20px;line-height:1.3;margin:0 0 16px;" { (email.subject) }
                                @for p in paragraphs(&email.text) { (paragraph(&p)) }
                            } }
                            tr { td style="padding:12px 20px;color:#5a6272;font-size:13px;border-top:1px solid #e3e6eb;" {
                                (footer)
                            } }
                        }
                    } }
                }
            }
        }
    };
    doc.into_string()
}

/// The text's paragraphs: runs of lines separated by blank lines.
fn paragraphs(text: &str) -> Vec<Vec<&str>> {
    let mut out: Vec<Vec<&str>> = vec![];
    let mut current: Vec<&str> = vec![];
    for line in text.lines() {
        if line.trim().is_empty() {
            if !current.is_empty() {
                out.push(std::mem::take(&mut current));
            }
        } else {
            current.push(line.trim_end());
        }
    }
    if !current.is_empty() {
        out.push(current);
    }
    out
}

/// One paragraph: its lines kept as lines; an all-indented paragraph (a quote of what the
/// tenant wrote, a list of slots) is set off as a quote.
fn paragraph(lines: &[&str]) -> Markup {
    let quoted = lines.iter().all(|l| l.starts_with("  "));
    let body = html! {
        @for (i, line) in lines.iter().enumerate() {
            @if i > 0 { br; }
            (linkified(line.trim_start()))
        }
    };
    if quoted {
        html! { p style="margin:0 0 16px;padding:8px 12px;border-left:3px solid #d8dce3;background:#f6f7f9;" { (body) } }
    } else {
        html! { p style="margin:0 0 16px;" { (body) } }
    }
}

/// A line with every `http://` and `https://` address made a link (escaped like the rest).
fn linkified(line: &str) -> Markup {
    let mut parts: Vec<(bool, &str)> = vec![];
    let mut rest = line;
    while let Some(at) = find_url(rest) {
        let (before, from) = rest.split_at(at);
        let end = from.find(char::is_whitespace).unwrap_or(from.len());
        let mut url = &from[..end];
        // Sentence punctuation after a link is not part of it.
        while let Some(last) = url.chars().last() {
            if matches!(
                last,
                '.' | ',' | ';' | ':' | '!' | '?' | ')' | '"' | '\'' | '>'
            ) {
                url = &url[..url.len() - last.len_utf8()];
            } else {
                break;
            }
        }
        let scheme_only = url == "http://" || url == "https://";
        if !before.is_empty() {
            parts.push((false, before));
        }
        parts.push((!scheme_only, url));
        rest = &from[url.len()..];
        if url.is_empty() {
            break;
        }
    }
    if !rest.is_empty() {
        parts.push((false, rest));
    }
    html! {
        @for (is_link, text) in parts {
            @if is_link {
                a href=(text) style=(format!("color:{BRAND};")) { (text) }
            } @else {
                (text)
            }
        }
    }
}

fn find_url(s: &str) -> Option<usize> {
    match (s.find("https://"), s.find("http://")) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use mendwork_domain::{Email, Language, Recipient};

    #[test]
    fn a_spanish_email_is_framed_in_spanish() {
        let mut e = email("Hola, Ana:\n\nRecibimos su solicitud.");
        e.language = Language::Es;
        let html = render_html(&e);
        assert!(html.contains("<html lang=\"es\">"), "{html}");
        assert!(html.contains("Enviado por Mendwork"), "{html}");
        assert!(!html.contains("Sent by Mendwork"), "{html}");
    }

    fn email(text: &str) -> EmailMessage {
        EmailMessage {
            to: Email::parse("ana@example.com").unwrap(),
            recipient: Recipient::Tenant,
            subject: "Your request <#A1>".into(),
            text: text.into(),
            ics: None,
            key: "tenant.confirmation.email".into(),
            language: Language::En,
        }
    }

    #[test]
    fn text_is_escaped_and_split_into_paragraphs() {
        let html = render_html(&email(
            "Hi <Ana>,\n\nLine one & two\nline three\n\n  quoted <b>",
        ));
        assert!(html.contains("Hi &lt;Ana&gt;,"), "{html}");
        assert!(html.contains("Line one &amp; two<br>line three"), "{html}");
        assert!(html.contains("quoted &lt;b&gt;"));
        assert!(!html.contains("<b>"));
        assert!(html.contains("<title>Your request &lt;#A1&gt;</title>"));
        assert!(
            html.contains("border-left"),
            "an indented paragraph is a quote"
        );
    }

    #[test]
    fn links_are_clickable_without_their_trailing_punctuation() {
        let html = render_html(&email(
            "Follow it here: https://x.example/s/abc.def. Or http://y.example/a?b=1&c=2",
        ));
        assert!(
            html.contains(r#"<a href="https://x.example/s/abc.def" "#),
            "{html}"
        );
        assert!(html.contains(">https://x.example/s/abc.def</a>."), "{html}");
        assert!(html.contains(r#"href="http://y.example/a?b=1&amp;c=2""#));
    }

    #[test]
    fn only_web_addresses_become_links() {
        let html = render_html(&email("javascript:alert(1) and https:// alone"));
        assert!(!html.contains("href=\"javascript"));
        assert!(!html.contains("href=\"https://\""));
        assert!(html.contains("https:// alone"));
    }
}
