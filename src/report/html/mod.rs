//! One self-contained HTML page: inline CSS, a few lines of inline script for the asset table,
//! no network, every text escaped. The page reads the same without script, on paper and on a
//! phone: every chart prints its values.

mod charts;
pub mod duplicates;
mod tables;
mod words;

use super::Report;
use crate::input::currency::Currency;
use crate::results::assets::AssetRow;
use crate::results::page::{Breakdown, Headline};
use crate::results::params::Parameters;
use crate::results::trends::TrendRow;
use std::fmt::Write;

pub use words::headline_sentence;

const STYLE: &str = include_str!("style.css");
const SCRIPT: &str = include_str!("script.js");

/// What the page shows, gathered by the `report` command (its table of every asset makes its
/// rows from the audit it borrows).
pub struct Page<'a> {
    pub headline: Headline,
    /// Key figures, shown as cards.
    pub cards: Vec<Card>,
    pub sections: Vec<Section<'a>>,
    /// What produced the figures, told in sentences at the foot.
    pub method: Parameters,
    /// The currency of costs (not of deal revenue), if known.
    pub currency: Option<Currency>,
}

impl<'a> Page<'a> {
    /// Adds a section after the others but before the table of every asset, which closes the
    /// page.
    pub fn add_before_explorer(&mut self, section: Section<'a>) {
        let at = match self.sections.last() {
            Some(Section::Explorer(_)) => self.sections.len() - 1,
            _ => self.sections.len(),
        };
        self.sections.insert(at, section);
    }
}

/// A key figure: a plain label, its value, and a line under it.
#[derive(Debug, Clone, PartialEq)]
pub struct Card {
    /// Stable name, for tests and styling.
    pub key: &'static str,
    pub label: &'static str,
    pub value: Figure,
    pub note: Option<String>,
}

/// How a card's value reads.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Figure {
    Count(u64),
    /// A share in percent, shown whole.
    Percent(f64),
    /// A cost, shown whole, in the page's currency.
    Cost(f64),
    /// An amount in no known currency (deal revenue), shown whole.
    Amount(f64),
}

pub enum Section<'a> {
    /// Adoption per month: share of the library used, events, active reps.
    Trend(Vec<TrendRow>),
    /// A breakdown worst first; `noun` names its groups (`types`, `owners`).
    Breakdown {
        title: String,
        noun: &'static str,
        breakdown: Breakdown,
    },
    /// A table, a sentence under its title, and how many of its rows were left out.
    Table {
        title: String,
        intro: String,
        table: (Report, usize),
    },
    Coverage {
        cards: Vec<Card>,
        silent: (Report, usize),
    },
    /// Content on won deals: the sentence naming the link and model, the figures as cards,
    /// the top assets by attributed revenue, and the notes under them.
    Influence {
        sentence: String,
        cards: Vec<Card>,
        top: (Report, usize),
        notes: Vec<String>,
    },
    /// Every asset, sortable, filterable and searchable.
    /// Duplicate clusters: what retiring would save, the largest clusters.
    Duplicates(duplicates::DuplicatesSection),
    Explorer(Explorer<'a>),
}

/// The whole inventory for the asset table; columns empty on every row are left out.
pub struct Explorer<'a> {
    /// Every asset's row, most opened first, made anew at each call as it is written (a
    /// million rows held together, four strings each, cost over 300 MB).
    pub rows: Box<dyn Fn() -> Box<dyn Iterator<Item = AssetRow<'a>> + 'a> + 'a>,
    /// How many rows `rows` makes.
    pub total: usize,
    pub has_type: bool,
    pub has_owner: bool,
    pub has_cost: bool,
}

/// Writes the whole page.
pub fn render(page: &Page<'_>) -> String {
    let mut html = String::with_capacity(64 * 1024);
    html.push_str("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
    html.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
    html.push_str("<title>Collateral audit</title>\n<style>");
    html.push_str(STYLE);
    html.push_str("</style>\n</head>\n<body>\n<header>\n<h1>Collateral audit</h1>\n");
    let _ = writeln!(
        html,
        "<p class=\"muted\">As of {}</p>",
        words::day(page.headline.as_of)
    );
    let _ = writeln!(
        html,
        "<p class=\"headline\">{}</p>\n</header>",
        escape(&headline_sentence(&page.headline))
    );
    write_cards(&mut html, &page.cards, page.currency.as_ref());
    let mut script = false;
    for section in &page.sections {
        script |= matches!(section, Section::Explorer(_));
        write_section(&mut html, section, page.currency.as_ref());
    }
    html.push_str("<footer>\n<h2>How this was counted</h2>\n");
    for sentence in words::method(&page.method, &page.headline) {
        let _ = writeln!(html, "<p>{}</p>", escape(&sentence));
    }
    let _ = writeln!(
        html,
        "<p class=\"muted\">Made by collateral-audit {}.</p>\n</footer>",
        env!("CARGO_PKG_VERSION")
    );
    if script {
        html.push_str("<script>");
        html.push_str(SCRIPT);
        html.push_str("</script>\n");
    }
    html.push_str("</body>\n</html>\n");
    html
}

/// `&`, `<`, `>`, `"` and `'` as entities, so data can never become markup.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

fn write_cards(html: &mut String, cards: &[Card], currency: Option<&Currency>) {
    html.push_str("<div class=\"cards\">\n");
    for card in cards {
        let value = match card.value {
            Figure::Count(n) => words::count(n),
            Figure::Percent(x) => words::percent(x),
            Figure::Cost(x) => words::cost(x, currency),
            Figure::Amount(x) => words::cost(x, None),
        };
        let _ = write!(
            html,
            "<div class=\"card\" data-figure=\"{}\"><div class=\"label\">{}</div><div class=\"value\">{}</div>",
            card.key,
            escape(card.label),
            escape(&value)
        );
        if let Some(note) = &card.note {
            let _ = write!(html, "<div class=\"note\">{}</div>", escape(note));
        }
        html.push_str("</div>\n");
    }
    html.push_str("</div>\n");
}

fn write_section(html: &mut String, section: &Section<'_>, currency: Option<&Currency>) {
    match section {
        Section::Trend(rows) => {
            html.push_str("<section>\n<h2>Adoption per month</h2>\n");
            html.push_str("<p class=\"muted\">The share of the library opened at least once in each month, with the events counted and the reps who opened something.</p>\n");
            html.push_str(&charts::trend(rows));
        }
        Section::Breakdown {
            title,
            noun,
            breakdown,
        } => {
            let _ = writeln!(html, "<section>\n<h2>{}</h2>", escape(title));
            html.push_str("<p class=\"muted\">Most never-opened assets first; the bar is the share never opened of those old enough to judge.</p>\n");
            html.push_str(&charts::breakdown(breakdown, noun));
        }
        Section::Table {
            title,
            intro,
            table,
        } => {
            let _ = writeln!(html, "<section>\n<h2>{}</h2>", escape(title));
            let _ = writeln!(html, "<p class=\"muted\">{}</p>", escape(intro));
            tables::write(html, table, currency);
        }
        Section::Coverage { cards, silent } => {
            html.push_str("<section>\n<h2>Rep coverage</h2>\n");
            write_cards(html, cards, currency);
            html.push_str("<p class=\"muted\">Roster reps with no counted event:</p>\n");
            tables::write(html, silent, currency);
        }
        Section::Influence {
            sentence,
            cards,
            top,
            notes,
        } => {
            html.push_str("<section>\n<h2 id=\"influence\">Content on won deals</h2>\n");
            let _ = writeln!(html, "<p>{}</p>", escape(sentence));
            write_cards(html, cards, None);
            html.push_str("<p class=\"muted\">Assets by revenue attributed from won deals:</p>\n");
            tables::write(html, top, None);
            for note in notes {
                let _ = writeln!(html, "<p class=\"muted\">{}</p>", escape(note));
            }
        }
        Section::Duplicates(section) => duplicates::write(html, section, currency),
        Section::Explorer(explorer) => {
            html.push_str("<section id=\"all-assets\">\n<h2>Every asset</h2>\n");
            tables::explorer(html, explorer, currency);
        }
    }
    html.push_str("</section>\n");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping_leaves_no_markup() {
        assert_eq!(
            escape("<script>alert('x')</script> & \"q\""),
            "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;q&quot;"
        );
        assert_eq!(escape("Déck plain"), "Déck plain");
    }
}
