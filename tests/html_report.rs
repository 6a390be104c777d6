//! `report`: a self-contained HTML page with the hand-worked figures of tests/fixtures/core,
//! and data that cannot turn into markup.

mod common;
use common::*;

/// The page `report` writes to `--out`, quietly.
fn page(report: Cli) -> String {
    let dir = Scratch::new();
    let out = dir.path("audit.html");
    let run = report.arg("-q").arg("--out").arg(&out).run().ok();
    assert_eq!(run.stdout, "", "the page goes to --out");
    std::fs::read_to_string(&out).unwrap()
}

/// The text between `start` and the next `end` after it.
fn between<'a>(html: &'a str, start: &str, end: &str) -> &'a str {
    let from = html
        .find(start)
        .unwrap_or_else(|| panic!("{start} not in the page"))
        + start.len();
    let to = html[from..].find(end).expect("end marker") + from;
    &html[from..to]
}

/// The header cells of the first table after `title`.
fn columns_after(html: &str, title: &str) -> Vec<String> {
    let rest = &html[html.find(title).expect("title")..];
    between(rest, "<thead><tr>", "</tr>")
        .split("</th>")
        .filter(|c| !c.is_empty())
        .map(|c| c[c.find('>').unwrap() + 1..].to_string())
        .collect()
}

#[test]
fn the_headline_is_one_plain_sentence_with_the_window_in_words() {
    // tests/fixtures/core at 2026-11-01: judged A1-A5 and A8 (A6 too new, A7 unpublished);
    // A4 (2000) and A8 (no cost) never opened: 2 of 6 = 33%, costing 2,000. The costs carry
    // no single currency mark ("$1,000.00" beside plain numbers), so none is shown.
    let html = page(core("report").as_of(AS_OF).args(["--since", "2026-01-01"]));
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert!(
        html.contains(
            "<p class=\"headline\">From 1 January to 31 October 2026, sales never opened 2 of \
             the 6 assets old enough to judge (33%); they cost 2,000 to make.</p>"
        ),
        "{html}"
    );
    assert!(html.contains("As of 1 November 2026"));
    // No --since: the window is told by its end.
    let html = page(core("report").as_of(AS_OF));
    assert!(html.contains(
        "Up to 31 October 2026, sales never opened 2 of the 6 assets old enough to judge (33%)"
    ));
    // The settings are told in sentences at the foot, not as keys at the head.
    assert!(!html.contains("exclude_owners"), "{html}");
    let foot = between(&html, "<h2>How this was counted</h2>", "</footer>");
    assert!(foot.contains("from the first event in the log up to and including 31 October 2026"));
    assert!(foot.contains("once it is 30 days old"), "{foot}");
    assert!(foot.contains("not in the 90 days before"), "{foot}");
}

#[test]
fn the_cards_carry_plain_labels_and_whole_values() {
    let html = page(core("report").as_of(AS_OF).args(["--since", "2026-01-01"]));
    assert!(html.contains(
        "data-figure=\"never_opened_pct\"><div class=\"label\">Never opened</div><div class=\"value\">33%</div>"
    ), "{html}");
    assert!(html.contains(
        "<div class=\"label\">Cost of unopened material</div><div class=\"value\">2,000</div>"
    ));
    // dan, eve, admin, ann, fay opened something in the window.
    assert!(html.contains(
        "<div class=\"label\">Reps who opened something</div><div class=\"value\">5</div>"
    ));
    for key in ["never opened pct", "cost never opened", "users active"] {
        assert!(!html.contains(key), "{key} on the page");
    }
}

#[test]
fn a_currency_every_cost_carries_is_shown_and_currency_wins() {
    let dir = Scratch::new();
    let events = dir.file("events.csv", "asset,user,time\nD1,dan,2026-10-01\n");
    let inventory = |costs: [&str; 3]| {
        format!(
            "id,title,created,cost\nD1,Used,2025-01-01,\"{}\"\nD2,Lost,2025-01-01,\"{}\"\nD3,Gone,2025-01-01,\"{}\"\n",
            costs[0], costs[1], costs[2]
        )
    };
    let report = |assets: &str| {
        Cli::new("report")
            .assets(assets)
            .events(&events)
            .as_of(AS_OF)
    };
    // D2 and D3 never opened: 1,200.50 + 300 = 1,500.50, shown whole.
    let dollars = dir.file("dollars.csv", inventory(["$10", "$1,200.50", "$ 300"]));
    let html = page(report(&dollars));
    assert!(html.contains("they cost $1,501 to make."), "{html}");
    assert!(html.contains("<div class=\"value\">$1,501</div>"));
    assert!(html.contains("<td class=\"num\">$1,200.50</td>"), "{html}");
    let euros = dir.file("euros.csv", inventory(["10 EUR", "1200,50 EUR", "300 EUR"]));
    assert!(page(report(&euros)).contains("they cost €1,501 to make."));
    let mixed = dir.file("mixed.csv", inventory(["$10", "1,200.50", "$300"]));
    let html = page(report(&mixed));
    assert!(html.contains("they cost 1,501 to make."), "{html}");
    assert!(!html.contains("$1,501"));
    // --currency wins over the marks, and names a currency the costs do not carry.
    assert!(page(report(&dollars).args(["--currency", "chf"]))
        .contains("they cost CHF\u{a0}1,501 to make."));
    assert!(page(report(&mixed).args(["--currency", "EUR"])).contains("they cost €1,501 to make."));
    let bad = report(&mixed)
        .args(["--currency", "dollars"])
        .run()
        .expect_code(2);
    assert!(
        bad.stderr.contains("--currency \"dollars\""),
        "{}",
        bad.stderr
    );
}

#[test]
fn charts_print_their_values_and_adoption_shows_events_and_reps() {
    let html = page(core("report").as_of(AS_OF).args(["--since", "2026-01-01"]));
    // Ten months from January to October, one bar each.
    let trend = between(&html, "<div class=\"bars trend\">", "</div>\n</section>");
    assert_eq!(trend.matches("class=\"bar-row\"").count(), 10);
    // October: A1 (dan twice, admin) and A6 (dan) used, of a library of 7 (A7 comes in
    // December): 2 of 7 = 29%, 4 events by 2 reps.
    assert!(
        trend.contains("<span class=\"bar-label\">Oct 2026</span><span class=\"bar-track\"><span class=\"bar-fill\" style=\"width:28.6%\"></span></span><span class=\"bar-value\">29%</span><span class=\"bar-note\">2 of 7 used · 4 events · 2 reps</span>"),
        "{trend}"
    );
    assert!(trend.contains(">May 2026<"));
    assert!(trend.contains("1 of 6 used · 1 event · 1 rep"), "{trend}");
    assert!(!html.contains("on hover"));
}

#[test]
fn breakdowns_are_worst_first_with_counts() {
    let html = page(core("report").as_of(AS_OF));
    let by_type = between(&html, "<h2>Never opened by type</h2>", "</section>");
    let labels: Vec<&str> = by_type
        .split("<span class=\"bar-label\">")
        .skip(1)
        .map(|s| &s[..s.find('<').unwrap()])
        .collect();
    // Video (A4) and Whitepaper (A8) have one never-opened asset each (100%); the others
    // none, by name.
    assert_eq!(
        labels,
        [
            "Video",
            "Whitepaper",
            "Battlecard",
            "Case Study",
            "Deck",
            "One-Pager"
        ]
    );
    assert!(by_type.contains("1 of 1 never opened"));
    assert!(!by_type.contains("more types"));
}

#[test]
fn a_long_breakdown_shows_the_top_ten_and_how_many_more() {
    let dir = Scratch::new();
    // Thirteen owners; owner o00 has two never-opened assets, every other one.
    let mut assets = String::from("id,title,owner,created\n");
    for i in 0..13 {
        assets.push_str(&format!("N{i},Asset {i},o{i:02},2025-01-01\n"));
    }
    assets.push_str("N99,Extra,o00,2025-01-01\n");
    let assets = dir.file("assets.csv", assets);
    let events = dir.file("events.csv", "asset,user,time\nN12,dan,2026-10-01\n");
    let html = page(
        Cli::new("report")
            .assets(&assets)
            .events(&events)
            .as_of(AS_OF),
    );
    let by_owner = between(&html, "<h2>Never opened by owner</h2>", "</section>");
    assert_eq!(by_owner.matches("class=\"bar-row\"").count(), 10);
    let first = between(by_owner, "<span class=\"bar-label\">", "<");
    assert_eq!(first, "o00");
    assert!(by_owner.contains("2 of 2 never opened"));
    // o10 and o11 (never opened) and o12 (opened, 0%) are left out: 3 owners, 3 assets.
    assert!(
        by_owner.contains("… and 3 more owners (3 assets judged)."),
        "{by_owner}"
    );
    assert!(!by_owner.contains(">o12<"));
}

#[test]
fn without_created_dates_the_list_is_by_cost_then_title_and_empty_columns_go() {
    let dir = Scratch::new();
    let assets = dir.file(
        "assets.csv",
        "id,title,type,owner,created,cost\n\
         B1,Zeta,Deck,,,100\n\
         B2,Alpha,Deck,,,100\n\
         B3,Mid,Deck,,,500\n\
         B10,Beta,Deck,,,\n\
         B5,Used,Deck,,,900\n",
    );
    let events = dir.file("events.csv", "asset,user,time\nB5,dan,2026-10-01\n");
    let html = page(
        Cli::new("report")
            .assets(&assets)
            .events(&events)
            .as_of(AS_OF),
    );
    let list = between(&html, "<h2>Never opened in this window</h2>", "</section>");
    assert!(list.contains("largest cost first, then by title"), "{list}");
    let ids: Vec<&str> = list
        .split("<td class=\"id\">")
        .skip(1)
        .map(|s| &s[..s.find('<').unwrap()])
        .collect();
    // 500, then the two at 100 by title (Alpha before Zeta), then the one without a cost.
    assert_eq!(ids, ["B3", "B2", "B1", "B10"]);
    // Owner, created and age are empty on every row: left out.
    assert_eq!(
        columns_after(&html, "<h2>Never opened in this window</h2>"),
        ["ID", "Title", "Type", "Cost"]
    );
    // The table of every asset leaves out the owner too.
    assert_eq!(
        columns_after(&html, "<h2>Every asset</h2>"),
        [
            "Title",
            "Type",
            "Status",
            "Opens",
            "Reps",
            "Last open",
            "Cost"
        ]
    );
}

#[test]
fn every_asset_is_on_the_page_first_rows_as_html() {
    let html = page(core("report").as_of(AS_OF));
    let data = between(
        &html,
        "<script type=\"application/json\" id=\"asset-data\">",
        "</script>",
    );
    let data: serde_json::Value = serde_json::from_str(data).expect("the data is JSON");
    let rows = data["rows"].as_array().unwrap();
    assert_eq!(rows.len(), 8, "every asset, A1-A8");
    // A1 is the most opened: 4 opens (dan twice, eve, admin) by 3 reps.
    assert_eq!(rows[0][0], "Pricing Deck");
    assert_eq!(rows[0][4], 4);
    assert_eq!(
        data["statuses"][rows[0][3].as_u64().unwrap() as usize],
        "Active"
    );
    // Without script the same first row is plain HTML.
    let table = between(&html, "<table id=\"asset-table\">", "</table>");
    assert!(table.contains("<tr><td>Pricing Deck</td><td>Deck</td><td>ann@corp.com</td><td>Active</td><td class=\"num\">4</td><td class=\"num\">3</td><td class=\"date\">2026-10-16</td><td class=\"num\">1,000</td></tr>"), "{table}");
    assert_eq!(table.matches("<tr>").count(), 9, "header and 8 assets");
}

#[test]
fn the_page_is_self_contained() {
    let html = page(core("report").as_of(AS_OF));
    for forbidden in [
        "<script src",
        "http://",
        "https://",
        "<link",
        "<img",
        "@import",
        "url(",
    ] {
        assert!(!html.contains(forbidden), "{forbidden} in the page");
    }
    // The inline script and the data are the only script elements.
    assert_eq!(html.matches("<script").count(), 2);
    assert!(html.contains("<meta name=\"viewport\""));
    assert!(html.contains("@media print"));
}

#[test]
fn text_from_the_data_is_escaped() {
    let dir = Scratch::new();
    let assets = dir.file(
        "assets.csv",
        "id,title,type,owner,created,cost\n\
         H1,<script>window.pwned=1</script>,<b>Deck</b>,\"<img src=x onerror=alert(1)>\",2025-01-01,10\n\
         H2,\"\"\"quoted\"\" & 'apos'\",Deck,o@x.com,2025-01-01,5\n",
    );
    let events = dir.file("events.csv", "asset,user,time\nH9,<i>rep</i>,2026-10-01\n");
    let html = page(
        Cli::new("report")
            .assets(&assets)
            .events(&events)
            .as_of(AS_OF),
    );
    // The page's own two script elements, none from the data, which cannot close them.
    assert_eq!(html.matches("<script").count(), 2, "{html}");
    assert_eq!(html.matches("</script").count(), 2, "{html}");
    assert!(!html.contains("<img"), "{html}");
    assert!(!html.contains("<b>Deck"), "{html}");
    assert!(html.contains("&lt;script&gt;window.pwned=1&lt;/script&gt;"));
    assert!(html.contains("&lt;img src=x onerror=alert(1)&gt;"));
    assert!(html.contains("&quot;quoted&quot; &amp; &#39;apos&#39;"));
}

#[test]
fn rep_coverage_with_a_roster() {
    let dir = Scratch::new();
    let roster = dir.file(
        "roster.csv",
        "Email,Team\ndan@corp.com,Sales\nzoe@corp.com,Sales\n",
    );
    let html = page(core("report").as_of(AS_OF).args(["--roster", &roster]));
    assert!(html.contains("<h2>Rep coverage</h2>"));
    // dan is covered, zoe is silent: 1 of 2.
    assert!(
        html.contains("data-figure=\"coverage_pct\"><div class=\"label\">Roster reps who opened something</div><div class=\"value\">50%</div>"),
        "{html}"
    );
    assert!(html.contains("<td>zoe@corp.com</td>"));
    let shared = page(core("report").as_of(AS_OF).args([
        "--roster",
        &roster,
        "--pseudonymize-users",
        "--pseudonym-key",
        "k",
    ]));
    assert!(!shared.contains("zoe@corp.com"));
    assert!(!shared.contains("dan@corp.com"));
}

#[test]
fn without_out_the_page_goes_to_stdout() {
    let run = core("report").as_of(AS_OF).arg("-q").run().ok();
    assert!(run.stdout.starts_with("<!DOCTYPE html>"));
}
