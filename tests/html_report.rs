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

#[test]
fn the_page_carries_the_headline_figures_and_charts() {
    let html = page(core("report").as_of(AS_OF).args(["--since", "2026-01-01"]));
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert!(
        html.contains("Never opened: 2 of 6 judged assets (33.33%), costing 2,000.00 of 3,850.00"),
        "{html}"
    );
    assert!(html.contains("data-figure=\"never_opened_pct\"><div class=\"value\">33.33%</div>"));
    assert!(html.contains("data-figure=\"cost_never_opened\"><div class=\"value\">2,000</div>"));
    // Ten months from January to October, one bar each.
    assert_eq!(html.matches("% of the library used").count(), 10);
    // October: A1 (dan twice, admin) and A6 used, of a library of 7 (A7 comes in December).
    assert!(
        html.contains("<title>2026-10: 28.57% of the library used, 4 events</title>"),
        "{html}"
    );
    assert!(html.contains("<title>2026-05: 16.67% of the library used, 1 events</title>"));
    assert!(html.contains("<h2>Never-opened share by type</h2>"));
    // Video (A4) and Whitepaper (A8) are never opened: 100% each.
    assert!(html.contains("<title>Video: 1 of 1 never opened</title>"));
    // The never-opened list, largest cost first: A4 (2000) before A8 (no cost).
    let a4 = html.find("<td>A4</td>").expect("A4 listed");
    let a8 = html.find("<td>A8</td>").expect("A8 listed");
    assert!(a4 < a8);
    assert!(html.contains("<h2>Stale: opened, but not in the last 90 days</h2>"));
    assert!(html.contains("<td>A2</td>"), "A2 is stale");
}

#[test]
fn the_page_is_self_contained() {
    let html = page(core("report").as_of(AS_OF));
    for forbidden in [
        "<script", "http://", "https://", "<link", "<img", "@import", "url(",
    ] {
        assert!(!html.contains(forbidden), "{forbidden} in the page");
    }
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
    assert!(!html.contains("<script"), "{html}");
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
        html.contains("data-figure=\"coverage_pct\"><div class=\"value\">50%</div>"),
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
