//! Charts drawn on the server as inline SVG (no JavaScript, prints well): horizontal bars and
//! columns. Each is an image with a title and a description for screen readers; the pages put
//! the same numbers in a table beside it.

use maud::{Markup, html};

const BAR: &str = "#1f4e79";
const BAR_ALT: &str = "#7aa6d1";
const TEXT: &str = "#1d2330";
const GRID: &str = "#d8dce3";

/// One bar: its label, its value (in the chart's unit) and the value as shown.
#[derive(Debug, Clone)]
pub struct Bar {
    pub label: String,
    pub value: f64,
    pub shown: String,
    /// Drawn in the lighter colour (e.g. a p90 beside its median).
    pub alt: bool,
}

impl Bar {
    pub fn new(label: impl Into<String>, value: f64, shown: impl Into<String>) -> Bar {
        Bar {
            label: label.into(),
            value: if value.is_finite() {
                value.max(0.0)
            } else {
                0.0
            },
            shown: shown.into(),
            alt: false,
        }
    }
    pub fn alt(mut self) -> Bar {
        self.alt = true;
        self
    }
}

fn fmt(v: f64) -> String {
    format!("{v:.1}")
}

/// Horizontal bars scaled to `max` (the largest value when `None`).
pub fn hbars(id: &str, title: &str, desc: &str, bars: &[Bar], max: Option<f64>) -> Markup {
    let width = 640.0;
    let label_w = 210.0;
    let value_w = 90.0;
    let row = 26.0;
    let height = (bars.len().max(1) as f64) * row + 10.0;
    let top = bars.iter().map(|b| b.value).fold(0.0, f64::max);
    let max = max.unwrap_or(top).max(f64::EPSILON);
    let plot = width - label_w - value_w;
    html! {
        svg.chart id=(id) role="img" aria-labelledby=(format!("{id}-title {id}-desc"))
            viewBox=(format!("0 0 {} {}", width, fmt(height))) width=(width) height=(fmt(height))
            xmlns="http://www.w3.org/2000/svg" font-family="system-ui,sans-serif" font-size="13" {
            title id=(format!("{id}-title")) { (title) }
            desc id=(format!("{id}-desc")) { (desc) }
            line x1=(label_w) y1="0" x2=(label_w) y2=(fmt(height)) stroke=(GRID) {}
            @for (i, b) in bars.iter().enumerate() {
                @let y = i as f64 * row + 5.0;
                @let w = (b.value / max * plot).clamp(0.0, plot);
                text x=(fmt(label_w - 8.0)) y=(fmt(y + 16.0)) text-anchor="end" fill=(TEXT) { (b.label) }
                rect x=(label_w) y=(fmt(y + 3.0)) width=(fmt(w.max(if b.value > 0.0 { 1.0 } else { 0.0 }))) height=(fmt(row - 8.0))
                    fill=(if b.alt { BAR_ALT } else { BAR }) rx="2" {}
                text x=(fmt(label_w + w + 6.0)) y=(fmt(y + 16.0)) fill=(TEXT) { (b.shown) }
            }
        }
    }
}

/// Columns over time (e.g. work orders per week), labels under each column.
pub fn columns(id: &str, title: &str, desc: &str, bars: &[Bar]) -> Markup {
    let width = 640.0;
    let height = 180.0;
    let base = 150.0;
    let n = bars.len().max(1) as f64;
    let slot = width / n;
    let top = bars.iter().map(|b| b.value).fold(0.0, f64::max).max(1.0);
    html! {
        svg.chart id=(id) role="img" aria-labelledby=(format!("{id}-title {id}-desc"))
            viewBox=(format!("0 0 {width} {height}")) width=(width) height=(height)
            xmlns="http://www.w3.org/2000/svg" font-family="system-ui,sans-serif" font-size="11" {
            title id=(format!("{id}-title")) { (title) }
            desc id=(format!("{id}-desc")) { (desc) }
            line x1="0" y1=(base) x2=(width) y2=(base) stroke=(GRID) {}
            @for (i, b) in bars.iter().enumerate() {
                @let h = b.value / top * (base - 20.0);
                @let x = i as f64 * slot;
                rect x=(fmt(x + slot * 0.15)) y=(fmt(base - h)) width=(fmt(slot * 0.7)) height=(fmt(h)) fill=(BAR) rx="2" {}
                @if b.value > 0.0 {
                    text x=(fmt(x + slot / 2.0)) y=(fmt(base - h - 4.0)) text-anchor="middle" fill=(TEXT) { (b.shown) }
                }
                text x=(fmt(x + slot / 2.0)) y=(fmt(base + 16.0)) text-anchor="middle" fill=(TEXT) { (b.label) }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bars_are_scaled_labelled_and_escaped() {
        let svg = hbars(
            "c",
            "T<1>",
            "d",
            &[Bar::new("a<b", 2.0, "2"), Bar::new("b", 1.0, "1").alt()],
            None,
        )
        .into_string();
        assert!(svg.contains("role=\"img\""));
        assert!(svg.contains("T&lt;1&gt;"));
        assert!(svg.contains("a&lt;b"));
        // The largest bar fills the plot (640 - 210 - 90 = 340), the other half of it.
        assert!(svg.contains("width=\"340.0\""), "{svg}");
        assert!(svg.contains("width=\"170.0\""), "{svg}");
    }

    #[test]
    fn an_empty_or_zero_chart_draws_without_dividing_by_zero() {
        let svg = hbars("z", "t", "d", &[Bar::new("x", 0.0, "0")], None).into_string();
        assert!(!svg.contains("NaN") && !svg.contains("inf"));
        let svg = columns("w", "t", "d", &[]).into_string();
        assert!(!svg.contains("NaN"));
    }
}
