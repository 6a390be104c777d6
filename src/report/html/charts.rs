//! Bar charts as HTML rows (label, bar, value, counts), not SVG: the text stays at the page's
//! size on a phone, prints as it shows, and every bar carries its value in words.

use super::escape;
use super::words::{count, month, percent};
use crate::results::page::Breakdown;
use crate::results::trends::TrendRow;
use std::fmt::Write;

/// One row: `label`, a bar of `pct` (0–100), the share, and a note of counts.
fn bar(html: &mut String, label: &str, pct: f64, note: &str) {
    let _ = writeln!(
        html,
        "<div class=\"bar-row\"><span class=\"bar-label\">{}</span><span class=\"bar-track\"><span class=\"bar-fill\" style=\"width:{:.1}%\"></span></span><span class=\"bar-value\">{}</span><span class=\"bar-note\">{}</span></div>",
        escape(label),
        pct.clamp(0.0, 100.0),
        percent(pct),
        escape(note)
    );
}

/// Adoption per month: the share of the library used, then events and active reps.
pub fn trend(rows: &[TrendRow]) -> String {
    if rows.is_empty() {
        return "<p class=\"muted\">No months in the window.</p>\n".into();
    }
    let mut html = String::from("<div class=\"bars trend\">\n");
    for row in rows {
        let reps = if row.users == 1 { "rep" } else { "reps" };
        let events = if row.events == 1 { "event" } else { "events" };
        let note = format!(
            "{} of {} used · {} {events} · {} {reps}",
            count(row.assets_used),
            count(row.library_size),
            count(row.events),
            count(row.users)
        );
        bar(&mut html, &month(row.start), row.adoption_pct, &note);
    }
    html.push_str("</div>\n");
    html
}

/// A breakdown worst first, with "and N more" for the groups left out.
pub fn breakdown(b: &Breakdown, noun: &str) -> String {
    if b.groups.is_empty() {
        return "<p class=\"muted\">No asset old enough to judge.</p>\n".into();
    }
    let mut html = String::from("<div class=\"bars breakdown\">\n");
    for g in &b.groups {
        let name = if g.name.is_empty() { "(none)" } else { &g.name };
        let note = format!(
            "{} of {} never opened",
            count(g.assets_never_opened),
            count(g.assets_judged)
        );
        bar(&mut html, name, g.never_opened_pct, &note);
    }
    html.push_str("</div>\n");
    if b.more > 0 {
        let _ = writeln!(
            html,
            "<p class=\"more\">… and {} more {noun} ({} assets judged).</p>",
            count(b.more as u64),
            count(b.more_judged)
        );
    }
    html
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::results::page::Share;

    #[test]
    fn bars_escape_their_labels_and_print_their_values() {
        let b = Breakdown {
            groups: vec![Share {
                name: "<img src=x onerror=alert(1)>".into(),
                assets_never_opened: 1,
                assets_judged: 2,
                never_opened_pct: 50.0,
            }],
            more: 3,
            more_judged: 1234,
        };
        let html = breakdown(&b, "owners");
        assert!(!html.contains("<img"), "{html}");
        assert!(html.contains("&lt;img src=x"));
        assert!(
            html.contains("<span class=\"bar-value\">50%</span>"),
            "{html}"
        );
        assert!(html.contains("1 of 2 never opened"));
        assert!(html.contains("… and 3 more owners (1,234 assets judged)."));
    }
}
