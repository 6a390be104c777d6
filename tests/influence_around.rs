//! Deals beyond `influence`: the report's "Content on won deals" section, the snapshot's
//! `influence` object and the deltas `diff` shows of it, each figure worked out by hand.

mod common;
use common::*;
use serde_json::Value;

/// A2's title would be markup if it were not escaped; A4 is on no deal.
const ASSETS: &str = "\
Content ID,Title,Content Type,Owner,Published Date
A1,Deck one,Deck,ann@corp.com,2025-01-01
A2,Deck <two>,Deck,bob@corp.com,2025-01-01
A3,Video one,Video,ann@corp.com,2025-01-01
A4,Video two,Video,bob@corp.com,2025-01-01
";

/// D1 (won 1,000) is touched by A1, A2, A1; D2 (won 600) by A2; D3 (lost 300) by A3; D4 (won
/// 500) and D5 (lost 700) by nothing; D6 (open 200) by A1. Six touches in all.
const EVENTS: &str = "\
Asset ID,User Email,Timestamp,Opportunity ID
A1,x@corp.com,2026-03-01T00:00:00Z,D1
A2,x@corp.com,2026-03-02T00:00:00Z,D1
A1,x@corp.com,2026-03-05T00:00:00Z,D1
A2,x@corp.com,2026-04-02T00:00:00Z,D2
A3,x@corp.com,2026-04-03T00:00:00Z,D3
A1,x@corp.com,2026-10-15T00:00:00Z,D6
A3,x@corp.com,2026-06-01T00:00:00Z,D7
";

const DEALS: &str = "\
Id,AccountId,Owner Email,Amount,StageName,IsWon,IsClosed,CloseDate,CreatedDate
D1,ACC1,rep@corp.com,1000,Closed Won,true,true,2026-03-20,2026-03-10
D2,ACC1,rep@corp.com,600,Closed Won,true,true,2026-04-20,2026-04-10
D3,ACC1,rep@corp.com,300,Closed Lost,false,true,2026-04-20,2026-04-10
D4,ACC1,rep@corp.com,500,Closed Won,true,true,2026-05-20,2026-05-10
D5,ACC1,rep@corp.com,700,Closed Lost,false,true,2026-05-20,2026-05-10
D6,ACC1,rep@corp.com,200,Prospecting,false,false,,2026-10-01
";

/// A later export: D7, won 400, touched by A3 (its event is in every run's log).
const D7: &str = "D7,ACC1,rep@corp.com,400,Closed Won,true,true,2026-06-10,2026-06-05\n";

fn run(dir: &Scratch, command: &str, deals: Option<&str>, extra: &[&str]) -> Run {
    let mut cli = Cli::new(command)
        .assets(dir.file("assets.csv", ASSETS))
        .events(dir.file("events.csv", EVENTS))
        .as_of(AS_OF)
        .arg("-q");
    if let Some(deals) = deals {
        let name = format!("deals{}.csv", deals.len());
        cli = cli.args(["--opportunities", &dir.file(&name, deals)]);
    }
    cli.args(extra).run()
}

fn page(dir: &Scratch, deals: Option<&str>, extra: &[&str]) -> String {
    run(dir, "report", deals, extra).ok().stdout
}

/// The card `key` shows `value` (under its label).
fn card(html: &str, key: &str, value: &str) -> bool {
    let Some(at) = html.find(&format!("data-figure=\"{key}\">")) else {
        return false;
    };
    let card = &html[at..at + html[at..].find("</div>\n").unwrap_or(0)];
    card.contains(&format!("<div class=\"value\">{value}</div>"))
}

#[test]
fn the_report_shows_content_on_won_deals_with_the_influence_figures() {
    let dir = Scratch::new();
    let html = page(&dir, Some(DEALS), &[]);
    let section = &html[html
        .find("<h2 id=\"influence\">Content on won deals</h2>")
        .expect("the section")..];
    // Closed: D1, D2, D4 won, D3, D5 lost; touched D1, D2 won, D3 lost: 2 of 3 with, 1 of 2 without.
    assert!(
        section.contains("Won deals that saw content: 2 of 3, 1,600.00 of 2,100.00 won revenue; win rate 66.67% with content, 50% without (link: opportunity, model: linear)"),
        "{section}"
    );
    // Cards show shares whole: 66.67% as 67%.
    assert!(card(section, "win_rate_touched_pct", "67%"), "{section}");
    assert!(card(section, "win_rate_untouched_pct", "50%"));
    assert!(card(section, "win_rate_pct", "60%"));
    assert!(card(section, "revenue_won_touched", "1,600"));
    // 1,600 / 2,100 = 76.19%.
    assert!(section.contains("76.19% of 2,100 won"));
    assert!(card(section, "deals_won_touched", "2"));
    // Linear: D1's 1,000 half to A1, half to A2; D2's 600 to A2. A3 (only on a lost deal)
    // and A4 (on none) are on no won deal, so not listed.
    let a2 = section.find("<td class=\"id\">A2</td><td>Deck &lt;two&gt;</td><td>Deck</td><td class=\"num\">2</td><td class=\"num\">100</td><td class=\"num\">1,100</td><td class=\"num\">1,600</td>").expect("A2's row, its title escaped");
    let a1 = section.find("<td class=\"id\">A1</td><td>Deck one</td><td>Deck</td><td class=\"num\">1</td><td class=\"num\">100</td><td class=\"num\">500</td><td class=\"num\">1,000</td>").expect("A1's row");
    assert!(a2 < a1, "most attributed revenue first");
    assert!(!section.contains(">A3</td>") && !section.contains(">A4</td>"));
    assert!(section.contains("Model linear: each won deal&#39;s amount is shared equally"));
    assert!(section.contains("Deals that saw content are not proof that content won them."));
    assert!(!html.contains("Deck <two>"));
}

#[test]
fn the_report_names_the_model_it_credits_by() {
    let dir = Scratch::new();
    // First touch: D1's 1,000 all to A1 (its first event), D2's 600 to A2.
    let html = page(&dir, Some(DEALS), &["--model", "first"]);
    assert!(html.contains("(link: opportunity, model: first)"));
    assert!(html.contains(
        "Model first: each won deal&#39;s whole amount goes to the asset of its first touch."
    ));
    let a1 = html.find("<td class=\"id\">A1</td><td>Deck one</td><td>Deck</td><td class=\"num\">1</td><td class=\"num\">100</td><td class=\"num\">1,000</td>").expect("A1's row");
    let a2 = html.find("<td class=\"id\">A2</td><td>Deck &lt;two&gt;</td><td>Deck</td><td class=\"num\">2</td><td class=\"num\">100</td><td class=\"num\">600</td>").expect("A2's row");
    assert!(a1 < a2);
}

#[test]
fn without_opportunities_the_report_has_no_deal_section_and_deal_options_are_refused() {
    let dir = Scratch::new();
    let html = page(&dir, None, &[]);
    assert!(!html.contains("Content on won deals"));
    assert!(!html.contains("won deals"));
    let refused = run(&dir, "report", None, &["--model", "first"]).expect_code(2);
    assert!(
        refused.stderr.contains("--opportunities"),
        "{}",
        refused.stderr
    );
}

fn snapshot(dir: &Scratch, deals: Option<&str>, extra: &[&str]) -> Value {
    run(dir, "snapshot", deals, extra).ok().json()
}

#[test]
fn the_snapshot_holds_the_influence_summary_and_each_assets_columns() {
    let dir = Scratch::new();
    let doc = snapshot(&dir, Some(DEALS), &[]);
    let s = &doc["influence"]["summary"];
    assert_eq!(s["link"], "opportunity");
    assert_eq!(s["model"], "linear");
    assert_eq!(s["deals_in_scope"], 6);
    assert_eq!(s["deals_won"], 3);
    assert_eq!(s["deals_lost"], 2);
    assert_eq!(s["deals_open"], 1);
    assert_eq!(s["deals_touched"], 4);
    assert_eq!(s["touches"], 6);
    assert_eq!(s["win_rate_pct"], 60.0);
    assert_eq!(s["win_rate_touched_pct"], 66.67);
    assert_eq!(s["win_rate_untouched_pct"], 50.0);
    assert_eq!(s["revenue_won"], 2100.0);
    assert_eq!(s["revenue_won_touched"], 1600.0);
    assert_eq!(s["revenue_touched_pct"], 76.19);
    let assets = doc["influence"]["assets"].as_array().unwrap();
    let ids: Vec<&str> = assets
        .iter()
        .map(|a| a["asset_id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["A1", "A2", "A3", "A4"], "every asset, by id");
    // A1: D1 (won) and D6 (open, so its win rate is 1 of 1); half of D1.
    let a1 = &assets[0];
    assert_eq!(a1["deals_touched"], 2);
    assert_eq!(a1["deals_won"], 1);
    assert_eq!(a1["deals_open"], 1);
    assert_eq!(a1["revenue_won_influenced"], 1000.0);
    assert_eq!(a1["revenue_won_attributed"], 500.0);
    assert_eq!(
        (a1["first_touch_won"].clone(), a1["last_touch_won"].clone()),
        (1.into(), 1.into())
    );
    assert!(
        a1.get("title").is_none(),
        "the asset's own fields stay in `assets`"
    );
    assert_eq!(assets[1]["revenue_won_attributed"], 1100.0);
    assert_eq!(assets[2]["deals_lost"], 1);
    assert_eq!(assets[2]["win_rate_pct"], 0.0);
    assert_eq!(assets[3]["deals_touched"], 0);
    assert_eq!(assets[3]["win_rate_pct"], Value::Null);
    // The rest of the document is the snapshot without deals.
    let mut plain = snapshot(&dir, None, &[]);
    assert!(plain.get("influence").is_none());
    let mut with = doc.clone();
    with.as_object_mut().unwrap().remove("influence");
    for d in [&mut with, &mut plain] {
        d.as_object_mut().unwrap().remove("inputs");
    }
    let options = with["options"].as_object_mut().unwrap();
    for key in DEAL_OPTIONS {
        options.remove(key).expect("a deal option");
    }
    assert_eq!(with, plain);
}

/// What `--opportunities` adds to a snapshot's `options`.
const DEAL_OPTIONS: [&str; 6] = [
    "link",
    "model",
    "lookback_days",
    "cycle_days",
    "won_stages",
    "lost_stages",
];

fn sha256(bytes: &[u8]) -> String {
    use sha2::{Digest, Sha256};
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[test]
fn the_snapshot_lists_the_opportunities_among_its_inputs_and_the_deal_options() {
    let dir = Scratch::new();
    // Two files: the six deals, then D7 under the same header (so 1 row).
    let later = format!("{}{D7}", DEALS.lines().next().unwrap().to_owned() + "\n");
    let first = dir.file("deals-a.csv", DEALS);
    let second = dir.file("deals-b.csv", &later);
    let doc = run(
        &dir,
        "snapshot",
        None,
        &[
            "--opportunities",
            &first,
            "--opportunities",
            &second,
            "--model",
            "u-shaped",
            "--lookback",
            "7",
            "--cycle-days",
            "90",
            "--lost-stage",
            "Closed Lost",
            "--lost-stage",
            "Dead",
        ],
    )
    .ok()
    .json();
    let inputs = doc["inputs"].as_array().unwrap();
    let roles: Vec<&str> = inputs.iter().map(|i| i["role"].as_str().unwrap()).collect();
    assert_eq!(
        roles,
        ["assets", "events", "opportunities", "opportunities"]
    );
    assert_eq!(inputs[2]["path"], first.as_str());
    assert_eq!(inputs[2]["rows"], 6);
    assert_eq!(inputs[2]["sha256"], sha256(DEALS.as_bytes()));
    assert_eq!(inputs[3]["path"], second.as_str());
    assert_eq!(inputs[3]["rows"], 1);
    assert_eq!(inputs[3]["sha256"], sha256(later.as_bytes()));
    let options = &doc["options"];
    // No --link: the events' opportunity column decided it.
    assert_eq!(options["link"], "opportunity");
    assert_eq!(options["model"], "u-shaped");
    assert_eq!(options["lookback_days"], 7);
    assert_eq!(options["cycle_days"], 90);
    // Not given: the defaults; given: as typed.
    assert_eq!(
        options["won_stages"],
        serde_json::json!(["Won", "Closed Won"])
    );
    assert_eq!(
        options["lost_stages"],
        serde_json::json!(["Closed Lost", "Dead"])
    );
    // Without deals, none of it.
    let plain = snapshot(&dir, None, &[]);
    let roles: Vec<&str> = (plain["inputs"].as_array().unwrap().iter())
        .map(|i| i["role"].as_str().unwrap())
        .collect();
    assert_eq!(roles, ["assets", "events"]);
    for key in DEAL_OPTIONS {
        assert!(plain["options"].get(key).is_none(), "{key}");
    }
}

fn diff_rows(dir: &Scratch, old: &Value, new: &Value) -> Vec<Value> {
    let old = dir.file("old.json", old.to_string());
    let new = dir.file("new.json", new.to_string());
    let run = Cli::new("diff")
        .args([&old, &new, "--format", "json"])
        .run()
        .ok();
    run.json()["rows"].as_array().unwrap().clone()
}

fn figure<'a>(rows: &'a [Value], name: &str) -> &'a Value {
    rows.iter()
        .find(|r| r["figure"] == name)
        .unwrap_or_else(|| panic!("no figure {name}"))
}

#[test]
fn diff_shows_the_influence_figures_deltas() {
    let dir = Scratch::new();
    let old = snapshot(&dir, Some(DEALS), &[]);
    let new = snapshot(&dir, Some(&format!("{DEALS}{D7}")), &[]);
    let rows = diff_rows(&dir, &old, &new);
    // D7 adds a touched won deal of 400: won 4 of 6 closed, 3 of 4 touched.
    let won = figure(&rows, "influence.deals_won");
    assert_eq!(
        (won["old"].clone(), won["new"].clone(), won["delta"].clone()),
        (3.into(), 4.into(), 1.into())
    );
    assert_eq!(
        figure(&rows, "influence.revenue_won_touched")["delta"],
        400.0
    );
    assert_eq!(figure(&rows, "influence.win_rate_pct")["delta"], 6.67);
    assert_eq!(figure(&rows, "influence.win_rate_touched_pct")["new"], 75.0);
    assert_eq!(
        figure(&rows, "influence.win_rate_touched_pct")["delta"],
        8.33
    );
    assert_eq!(figure(&rows, "influence.model")["delta"], Value::Null);
    // They come after the audit's own figures.
    let first = rows
        .iter()
        .position(|r| r["figure"].as_str().unwrap().starts_with("influence."))
        .unwrap();
    assert!(rows[first..]
        .iter()
        .all(|r| r["figure"].as_str().unwrap().starts_with("influence.")));
    // Against a snapshot without deals, the old side is empty; two without show none.
    let plain = snapshot(&dir, None, &[]);
    let rows = diff_rows(&dir, &plain, &new);
    assert_eq!(figure(&rows, "influence.deals_won")["old"], Value::Null);
    assert_eq!(figure(&rows, "influence.deals_won")["delta"], Value::Null);
    let rows = diff_rows(&dir, &plain, &plain);
    assert!(rows
        .iter()
        .all(|r| !r["figure"].as_str().unwrap().starts_with("influence")));
}

#[test]
fn diff_refuses_a_snapshot_whose_influence_object_is_broken() {
    let dir = Scratch::new();
    let good = snapshot(&dir, Some(DEALS), &[]);
    let old = dir.file("old.json", good.to_string());
    for (influence, said) in [
        (serde_json::json!("x"), "influence is not an object"),
        (
            serde_json::json!({"assets": []}),
            "an influence object without its summary",
        ),
        (
            serde_json::json!({"summary": {"deals_won": [3]}}),
            "influence figure \"deals_won\" is [3], not a number",
        ),
    ] {
        let mut broken = good.clone();
        broken["influence"] = influence;
        let new = dir.file("new.json", broken.to_string());
        let run = Cli::new("diff").args([&old, &new]).run().expect_code(2);
        assert!(
            run.stderr
                .contains(&format!("new.json: malformed snapshot: {said}")),
            "{}",
            run.stderr
        );
    }
}

/// The deals are read beside the inventory: with both unreadable, the error is still the
/// deals', as when they were read first, and a warning about a deal comes before any about the
/// events; with only the inventory unreadable, the deals' warnings come before its error.
#[test]
fn deals_read_beside_the_inventory_keep_their_order_of_messages() {
    let dir = Scratch::new();
    let bad_deals = format!("{DEALS},ACC1,rep@corp.com,100,Closed Won,true,true,2026-03-20,\n");
    let events = format!("{EVENTS}A9,x@corp.com,not a time,D1\n");
    for command in ["influence", "report"] {
        let both = Cli::new(command)
            .assets(dir.path("missing-assets.csv"))
            .events(dir.file("events.csv", &events))
            .as_of(AS_OF)
            .args(["--opportunities", &dir.path("missing-deals.csv")])
            .run()
            .expect_code(2);
        assert!(
            both.stderr.contains("missing-deals.csv: no such file"),
            "{}",
            both.stderr
        );
        assert!(!both.stderr.contains("missing-assets"), "{}", both.stderr);
        let assets_only = Cli::new(command)
            .assets(dir.path("missing-assets.csv"))
            .events(dir.file("events.csv", &events))
            .as_of(AS_OF)
            .args(["--opportunities", &dir.file("bad-deals.csv", &bad_deals)])
            .run()
            .expect_code(2);
        let warned = assets_only.stderr.find("empty opportunity id");
        let failed = assets_only.stderr.find("missing-assets.csv: no such file");
        assert!(
            warned.is_some() && warned < failed,
            "{}",
            assets_only.stderr
        );
        let fine = Cli::new(command)
            .assets(dir.file("assets.csv", ASSETS))
            .events(dir.file("events.csv", &events))
            .as_of(AS_OF)
            .args(["--opportunities", &dir.file("bad-deals.csv", &bad_deals)])
            .run()
            .ok();
        let deal = fine.stderr.find("empty opportunity id");
        let event = fine.stderr.find("cannot read the time");
        assert!(deal.is_some() && deal < event, "{}", fine.stderr);
    }
}
