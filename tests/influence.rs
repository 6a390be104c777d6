//! `influence`: deals read from CRM exports, the windows and link rules that find their touches,
//! the attribution models, and the figures, each worked out by hand.

mod common;
use common::*;
use serde_json::Value;

/// Four decks and videos, all old enough to judge; A4 is on no deal in any test.
const ASSETS: &str = "\
Content ID,Title,Content Type,Owner,Published Date
A1,Deck one,Deck,ann@corp.com,2025-01-01
A2,Deck two,Deck,bob@corp.com,2025-01-01
A3,Video one,Video,ann@corp.com,2025-01-01
A4,Video two,Video,bob@corp.com,2025-01-01
";

const SALESFORCE_HEADER: &str =
    "Id,AccountId,Owner Email,Amount,StageName,IsWon,IsClosed,CloseDate,CreatedDate\n";

fn influence(dir: &Scratch, events: &str, deals: &str, extra: &[&str]) -> Run {
    let assets = dir.file("assets.csv", ASSETS);
    let events = dir.file("events.csv", events);
    let deals = dir.file("deals.csv", deals);
    Cli::new("influence")
        .assets(assets)
        .events(events)
        .args(["--opportunities", &deals])
        .as_of(AS_OF)
        .args(["--format", "json", "-q"])
        .args(extra)
        .run()
}

fn json_of(dir: &Scratch, events: &str, deals: &str, extra: &[&str]) -> Value {
    influence(dir, events, deals, extra).ok().json()
}

fn asset<'a>(json: &'a Value, id: &str) -> &'a Value {
    json["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["asset_id"] == id)
        .unwrap_or_else(|| panic!("no row for {id}"))
}

fn order(json: &Value, key: &str) -> Vec<String> {
    json["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r[key].as_str().unwrap().to_string())
        .collect()
}

fn attributed(json: &Value) -> Vec<(String, f64)> {
    json["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            let id = r["asset_id"].as_str().unwrap().to_string();
            (id, r["revenue_won_attributed"].as_f64().unwrap())
        })
        .collect()
}

/// The rows' attributed revenue adds up to revenue_won_touched (to a cent per row's rounding).
fn assert_sums_add_up(json: &Value) {
    let rows = attributed(json);
    let sum: f64 = rows.iter().map(|(_, a)| a).sum();
    let total = json["summary"]["revenue_won_touched"].as_f64().unwrap();
    assert!(
        (sum - total).abs() <= 0.005 * rows.len() as f64 + 1e-9,
        "attributed {sum} against revenue_won_touched {total}"
    );
}

#[test]
fn window_edges_with_the_opportunity_link_and_a_salesforce_report() {
    let dir = Scratch::new();
    // D1: created 2026-03-10, closed 2026-03-20: window [2026-02-08, 2026-03-21).
    // D2: open, created 2026-10-01: window [2026-09-01, as-of 2026-11-01).
    let deals = format!(
        "{SALESFORCE_HEADER}\
         D1,ACC1,rep@corp.com,\"1,000.00\",Closed Won,true,true,2026-03-20,2026-03-10\n\
         D2,ACC1,rep@corp.com,300,Prospecting,false,false,,2026-10-01\n"
    );
    let events = "\
Asset ID,User Email,Timestamp,Opportunity ID
A1,x@corp.com,2026-02-08T00:00:00Z,D1
A2,x@corp.com,2026-02-07T23:59:59Z,D1
A3,x@corp.com,2026-03-20T23:59:59Z, D1 
A4,x@corp.com,2026-03-21T00:00:00Z,D1
A2,x@corp.com,2026-10-31T23:59:59Z,D2
A4,x@corp.com,2026-11-01T00:00:00Z,D2
A4,x@corp.com,2026-03-01T00:00:00Z,
";
    let json = json_of(&dir, events, &deals, &[]);
    let s = &json["summary"];
    assert_eq!(s["link"], "opportunity");
    assert_eq!(s["model"], "linear");
    assert_eq!(s["lookback_days"], 30);
    assert_eq!(s["deals_read"], 2);
    assert_eq!(s["deals_in_scope"], 2);
    assert_eq!(s["deals_won"], 1);
    assert_eq!(s["deals_open"], 1);
    assert_eq!(s["deals_touched"], 2);
    assert_eq!(s["deals_won_touched"], 1);
    assert_eq!(s["deals_open_touched"], 1);
    assert_eq!(s["touches"], 3);
    assert_eq!(s["win_rate_pct"], 100.0);
    assert_eq!(s["win_rate_touched_pct"], 100.0);
    assert_eq!(s["win_rate_untouched_pct"], Value::Null);
    assert_eq!(s["revenue_won"], 1000.0);
    assert_eq!(s["revenue_won_touched"], 1000.0);
    assert_eq!(s["revenue_touched_pct"], 100.0);
    assert_eq!(s["avg_won_amount_touched"], 1000.0);
    assert_eq!(s["avg_won_amount_untouched"], Value::Null);
    assert_eq!(s["median_cycle_days_touched"], 10.0);
    assert_eq!(s["median_cycle_days_untouched"], Value::Null);
    assert_eq!(order(&json, "asset_id"), ["A1", "A3", "A2", "A4"]);
    let a1 = asset(&json, "A1");
    assert_eq!(a1["deals_touched"], 1);
    assert_eq!(a1["revenue_won_influenced"], 1000.0);
    assert_eq!(a1["revenue_won_attributed"], 500.0);
    assert_eq!(
        (a1["first_touch_won"].clone(), a1["last_touch_won"].clone()),
        (1.into(), 0.into())
    );
    let a3 = asset(&json, "A3");
    assert_eq!(
        (a3["first_touch_won"].clone(), a3["last_touch_won"].clone()),
        (0.into(), 1.into())
    );
    let a2 = asset(&json, "A2");
    assert_eq!(a2["deals_open"], 1);
    assert_eq!(a2["deals_won"], 0);
    assert_eq!(a2["win_rate_pct"], Value::Null);
    let a4 = asset(&json, "A4");
    assert_eq!(a4["deals_touched"], 0);
    assert_eq!(a4["status"], "stale");
    assert_sums_add_up(&json);
}

/// Maven-style deals (stages, no won column) with accounts and owners.
const MAVEN: &str = "\
opportunity_id,sales_agent,account,deal_stage,engage_date,close_date,close_value
O1,Ann Rep,Acme,Won,2026-06-01,2026-06-10,600
O2,Ann Rep,Globex,Lost,2026-06-01,2026-06-10,100
O3,Bob Rep,Acme,Won,,2026-06-10,900
";

/// O1, O2: window [2026-05-02, 2026-06-11). O3 has no created date: it starts 180 + 30 days
/// before its close day, on 2025-11-12.
const ACCOUNT_EVENTS: &str = "\
Asset ID,User,Timestamp,Account
A1, ANN REP ,2026-06-05T10:00:00Z,acme
A2,Bob Rep,2025-11-12T00:00:00Z,Globex
A3,bob rep,2025-11-11T23:59:59Z, ACME
A2,,2026-06-06T00:00:00Z,
";

#[test]
fn the_account_link_is_the_default_when_both_files_have_an_account() {
    let dir = Scratch::new();
    let json = json_of(&dir, ACCOUNT_EVENTS, MAVEN, &[]);
    let s = &json["summary"];
    assert_eq!(s["link"], "account");
    assert_eq!(s["deals_in_scope"], 3);
    assert_eq!(
        (s["deals_won"].clone(), s["deals_lost"].clone()),
        (2.into(), 1.into())
    );
    assert_eq!(s["deals_touched"], 2);
    assert_eq!(s["touches"], 2);
    assert_eq!(s["win_rate_pct"], 66.67);
    assert_eq!(s["win_rate_touched_pct"], 100.0);
    assert_eq!(s["win_rate_untouched_pct"], 0.0);
    assert_eq!(s["revenue_won_touched"], 1500.0);
    // O3 has no created date, so only O1's 9 days count.
    assert_eq!(s["median_cycle_days_touched"], 9.0);
    let a1 = asset(&json, "A1");
    assert_eq!(a1["deals_won"], 2);
    assert_eq!(a1["revenue_won_attributed"], 1500.0);
    assert_eq!(asset(&json, "A2")["deals_touched"], 0);
    assert_eq!(asset(&json, "A3")["deals_touched"], 0);
    assert_sums_add_up(&json);
}

#[test]
fn the_owner_link_and_a_deal_without_a_created_date() {
    let dir = Scratch::new();
    let json = json_of(&dir, ACCOUNT_EVENTS, MAVEN, &["--link", "owner"]);
    let s = &json["summary"];
    assert_eq!(s["link"], "owner");
    // A1 touches Ann's O1 and O2; A2 at O3's first instant touches it; A3 a second earlier does not.
    assert_eq!(s["touches"], 3);
    assert_eq!(s["deals_touched"], 3);
    assert_eq!(s["deals_lost_touched"], 1);
    assert_eq!(order(&json, "asset_id"), ["A2", "A1", "A3", "A4"]);
    let a1 = asset(&json, "A1");
    assert_eq!(a1["win_rate_pct"], 50.0);
    assert_eq!(a1["revenue_won_influenced"], 600.0);
    assert_eq!(asset(&json, "A2")["revenue_won_attributed"], 900.0);
    assert_eq!(asset(&json, "A3")["deals_touched"], 0);

    let reps = json_of(
        &dir,
        ACCOUNT_EVENTS,
        MAVEN,
        &["--link", "owner", "--by", "rep"],
    );
    let rows = reps["rows"].as_array().unwrap();
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[0]["rep"], "Bob Rep");
    assert_eq!(rows[0]["revenue_won"], 900.0);
    assert_eq!(rows[0]["touches_per_deal_touched"], 1.0);
    assert_eq!(rows[1]["rep"], "Ann Rep");
    assert_eq!(rows[1]["deals_in_scope"], 2);
    assert_eq!(rows[1]["win_rate_pct"], 50.0);
    assert_eq!(rows[1]["deals_touched"], 2);
    assert_eq!(rows[1]["touched_pct"], 100.0);
    assert_eq!(rows[1]["revenue_won_touched"], 600.0);
}

#[test]
fn a_link_whose_columns_are_missing_is_a_usage_error() {
    let dir = Scratch::new();
    let run = influence(&dir, ACCOUNT_EVENTS, MAVEN, &["--link", "opportunity"]).expect_code(2);
    assert!(
        run.stderr.contains("--link opportunity") && run.stderr.contains("\"Account\""),
        "{}",
        run.stderr
    );
    let no_owner =
        "opportunity_id,account,deal_stage,close_date,close_value\nO1,Acme,Won,2026-06-10,5\n";
    let events = "Asset ID,User,Timestamp\nA1,ann,2026-06-05T10:00:00Z\n";
    let run = influence(&dir, events, no_owner, &[]).expect_code(2);
    assert!(run.stderr.contains("no way to link"), "{}", run.stderr);
}

/// Five won deals, each its own window around 2026-05-05, touched in ties and repeats.
const MODEL_DEALS: &str = "\
Id,Amount,StageName,CloseDate,CreatedDate
W1,100,Won,2026-05-10,2026-05-01
W2,200,Won,2026-05-10,2026-05-01
W3,300,Won,2026-05-10,2026-05-01
W4,1000,Won,2026-05-10,2026-05-01
W5,50,Won,2026-05-10,2026-05-01
";
const MODEL_EVENTS: &str = "\
Asset ID,User,Timestamp,Opportunity
A1,u,2026-05-05T08:00:00Z,W1
A2,u,2026-05-05T10:00:00Z,W2
A1,u,2026-05-05T10:00:00Z,W2
A3,u,2026-05-05T11:00:00Z,W2
A3,u,2026-05-05T09:00:00Z,W3
A2,u,2026-05-05T10:00:00Z,W3
A1,u,2026-05-05T08:00:00Z,W4
A2,u,2026-05-05T09:00:00Z,W4
A3,u,2026-05-05T10:00:00Z,W4
A1,u,2026-05-05T11:00:00Z,W4
A3,u,2026-05-05T08:00:00Z,W5
A2,u,2026-05-05T09:00:00Z,W5
A1,u,2026-05-05T09:00:00Z,W5
";

fn model(name: &str) -> Value {
    let dir = Scratch::new();
    json_of(&dir, MODEL_EVENTS, MODEL_DEALS, &["--model", name])
}

#[test]
fn linear_shares_equally_and_the_sums_add_up() {
    let json = model("linear");
    assert_eq!(json["summary"]["revenue_won_touched"], 1650.0);
    assert_eq!(
        attributed(&json),
        [
            ("A2".to_string(), 566.67),
            ("A3".to_string(), 566.67),
            ("A1".to_string(), 516.67),
            ("A4".to_string(), 0.0)
        ]
    );
    assert_sums_add_up(&json);
}

#[test]
fn first_touch_breaks_time_ties_by_the_smaller_id() {
    let json = model("first");
    let got = attributed(&json);
    assert_eq!(got[0], ("A1".to_string(), 1300.0));
    assert_eq!(got[1], ("A3".to_string(), 350.0));
    assert_eq!(asset(&json, "A1")["first_touch_won"], 3);
    assert_eq!(asset(&json, "A3")["first_touch_won"], 2);
    assert_eq!(asset(&json, "A2")["revenue_won_attributed"], 0.0);
    assert_sums_add_up(&json);
}

#[test]
fn last_touch_breaks_time_ties_by_the_smaller_id() {
    let json = model("last");
    let got = attributed(&json);
    assert_eq!(got[0], ("A1".to_string(), 1150.0));
    assert_eq!(got[1], ("A2".to_string(), 300.0));
    assert_eq!(got[2], ("A3".to_string(), 200.0));
    assert_eq!(asset(&json, "A1")["last_touch_won"], 3);
    assert_sums_add_up(&json);
}

#[test]
fn u_shaped_gives_forty_forty_twenty() {
    let json = model("u-shaped");
    assert_eq!(json["summary"]["model"], "u-shaped");
    // W1 100 to A1; W2 A1 80, A2 40, A3 80; W3 A3 150, A2 150; W4 A1 800, A2 100, A3 100;
    // W5 A3 20, A1 20, A2 10.
    let got = attributed(&json);
    assert_eq!(got[0], ("A1".to_string(), 1000.0));
    assert_eq!(got[1], ("A3".to_string(), 350.0));
    assert_eq!(got[2], ("A2".to_string(), 300.0));
    assert_sums_add_up(&json);
}

#[test]
fn groups_count_a_deal_once() {
    let dir = Scratch::new();
    let json = json_of(&dir, MODEL_EVENTS, MODEL_DEALS, &["--by", "Content Type"]);
    let rows = json["rows"].as_array().unwrap();
    assert_eq!(rows[0]["group"], "Deck");
    assert_eq!(rows[0]["assets"], 2);
    assert_eq!(rows[0]["deals_won"], 5);
    assert_eq!(rows[0]["revenue_won_influenced"], 1650.0);
    assert_eq!(rows[0]["revenue_won_attributed"], 1083.33);
    assert_eq!(rows[1]["group"], "Video");
    assert_eq!(rows[1]["deals_touched"], 4);
    assert_eq!(rows[1]["revenue_won_influenced"], 1550.0);
    assert_eq!(rows[1]["revenue_won_attributed"], 566.67);
}

#[test]
fn skipped_duplicate_and_invalid_deals_are_counted() {
    let dir = Scratch::new();
    let deals = format!(
        "{SALESFORCE_HEADER}\
         D1,,,500,,true,true,2026-03-20,2026-03-10\n\
         D1,,,999,,true,true,2026-03-20,2026-03-10\n\
         ,,,5,,true,true,2026-03-20,2026-03-10\n\
         D3,,,100,,true,true,,2026-03-10\n\
         D4,,,100,,false,true,not a date,2026-03-10\n\
         D5,,,abc,,true,true,2026-03-20,2026-03-10\n\
         D6,,,,,true,true,2026-03-20,2026-03-10\n\
         D7,,,,,false,false,,2026-03-10\n\
         D8,,,200,,true,true,2026-03-20,garbage\n\
         D9,,,300,,true,true,2026-03-20,2026-03-25\n\
         D3,,,100,,true,true,2026-03-20,2026-03-10\n"
    );
    let events = "Asset ID,User,Timestamp,Opportunity\nA1,u,2026-03-15T00:00:00Z,D9\n";
    let json = json_of(&dir, events, &deals, &[]);
    let s = &json["summary"];
    assert_eq!(s["deals_read"], 11);
    assert_eq!(s["deals_skipped"], 3);
    assert_eq!(s["deals_duplicate"], 1);
    assert_eq!(s["deal_values_invalid"], 4);
    assert_eq!(s["deals_in_scope"], 7);
    assert_eq!(
        (s["deals_won"].clone(), s["deals_open"].clone()),
        (6.into(), 1.into())
    );
    assert_eq!(s["revenue_won"], 1100.0);
    // D9's created day became its close day, so its cycle is 0 and it is the touched one.
    assert_eq!(s["median_cycle_days_touched"], 0.0);
    assert_eq!(s["median_cycle_days_untouched"], 10.0);
    assert_eq!(s["revenue_won_touched"], 300.0);
    let run = influence(&dir, events, &deals, &[]);
    assert!(
        run.stderr.is_empty(),
        "-q keeps stderr quiet: {}",
        run.stderr
    );
}

#[test]
fn outcomes_from_won_and_closed_columns_stages_and_custom_stages() {
    let dir = Scratch::new();
    let events = "Asset ID,User,Timestamp,Opportunity\nA1,u,2026-03-15T00:00:00Z,X\n";
    let columns = format!(
        "{SALESFORCE_HEADER}\
         C1,,,10,Closed Won,false,false,,2026-03-10\n\
         C2,,,20,,Y,,2026-03-20,2026-03-10\n\
         C3,,,30,Closed Won,no,1,2026-03-20,2026-03-10\n"
    );
    let s = json_of(&dir, events, &columns, &[])["summary"].clone();
    assert_eq!(
        (
            s["deals_won"].clone(),
            s["deals_lost"].clone(),
            s["deals_open"].clone()
        ),
        (1.into(), 1.into(), 1.into())
    );
    assert_eq!(s["revenue_won"], 20.0);
    let stages = "Id,Amount,Stage,Close Date\nS1,1,closed won ,2026-03-20\nS2,2,Closed Lost,2026-03-20\nS3,4,Negotiation,\nS4,8,Signed,2026-03-20\n";
    let s = json_of(&dir, events, stages, &[])["summary"].clone();
    assert_eq!(
        (
            s["deals_won"].clone(),
            s["deals_lost"].clone(),
            s["deals_open"].clone()
        ),
        (1.into(), 1.into(), 2.into())
    );
    let custom = ["--won-stage", "signed", "--lost-stage", "Negotiation"];
    let s = json_of(&dir, events, stages, &custom)["summary"].clone();
    // S1 and S2 are open now ("Won" and "Lost" are no longer meant); S3 is lost without a
    // close date, so it is skipped.
    assert_eq!(s["deals_skipped"], 1);
    assert_eq!(
        (
            s["deals_won"].clone(),
            s["deals_lost"].clone(),
            s["deals_open"].clone()
        ),
        (1.into(), 0.into(), 2.into())
    );
    assert_eq!(s["revenue_won"], 8.0);
    let neither = "Id,Amount,Close Date\nS1,1,2026-03-20\n";
    let run = influence(&dir, events, neither, &[]).expect_code(2);
    assert!(run.stderr.contains("won column"), "{}", run.stderr);
}

#[test]
fn tables_end_with_the_caution_line() {
    let dir = Scratch::new();
    let assets = dir.file("assets.csv", ASSETS);
    let events = dir.file("events.csv", MODEL_EVENTS);
    let deals = dir.file("deals.csv", MODEL_DEALS);
    for format in ["table", "markdown"] {
        let run = Cli::new("influence")
            .assets(&assets)
            .events(&events)
            .args(["--opportunities", &deals, "--format", format])
            .as_of(AS_OF)
            .run()
            .ok();
        let last = run.stdout.trim_end().lines().last().unwrap().trim_end();
        assert_eq!(
            last, "Deals that saw content are not proof that content won them.",
            "{format}"
        );
    }
}

#[test]
fn every_filter_applies_but_the_window() {
    let dir = Scratch::new();
    // Every event is before --since, so none is counted, yet all touch their deals (which
    // closed after --since); W1's event by an excluded user and W2's first event by another
    // team touch nothing.
    let events = "\
Asset ID,User,Team,Timestamp,Opportunity
A1,admin,Sales,2026-05-05T08:00:00Z,W1
A2,u,Marketing,2026-05-05T10:00:00Z,W2
A1,u,Sales,2026-05-05T11:00:00Z,W2
A3,u,Sales,2026-05-05T09:00:00Z,W3
";
    let extra = [
        "--since",
        "2026-05-06",
        "--team",
        "Sales",
        "--exclude-user",
        "ADMIN",
    ];
    let json = json_of(&dir, events, MODEL_DEALS, &extra);
    let s = &json["summary"];
    assert_eq!(s["deals_in_scope"], 5);
    assert_eq!(s["deals_touched"], 2);
    assert_eq!(s["touches"], 2);
    assert_eq!(s["revenue_won_touched"], 500.0);
    assert_eq!(asset(&json, "A1")["revenue_won_attributed"], 200.0);
    assert_eq!(asset(&json, "A2")["deals_touched"], 0);
    assert_eq!(asset(&json, "A3")["revenue_won_attributed"], 300.0);
    assert_eq!(asset(&json, "A1")["status"], "never");
    // A deal that closed before --since is out of scope.
    let json = json_of(&dir, events, MODEL_DEALS, &["--since", "2026-05-11"]);
    assert_eq!(json["summary"]["deals_in_scope"], 0);
    assert_eq!(json["summary"]["win_rate_pct"], Value::Null);
}

#[test]
fn opportunities_from_stdin_globs_and_several_threads_agree() {
    let dir = Scratch::new();
    let assets = dir.file("assets.csv", ASSETS);
    let events = dir.file("events.csv", MODEL_EVENTS);
    let (first, rest) = MODEL_DEALS.split_at(MODEL_DEALS.find("W3").unwrap());
    let header = MODEL_DEALS.lines().next().unwrap();
    dir.file("deals-1.csv", first);
    dir.file("deals-2.csv", format!("{header}\n{rest}"));
    let pattern = dir.path("deals-*.csv");
    let base = || {
        Cli::new("influence")
            .assets(&assets)
            .events(&events)
            .as_of(AS_OF)
    };
    let globbed = base()
        .args(["--opportunities", &pattern, "--format", "json", "-q"])
        .run()
        .ok()
        .json();
    let piped = base()
        .args(["--opportunities", "-", "--format", "json", "-q"])
        .stdin(MODEL_DEALS)
        .run()
        .ok()
        .json();
    let threaded = base()
        .args(["--opportunities", "-", "--format", "json", "-q"])
        .args(["--threads", "3", "--chunk-bytes", "64"])
        .stdin(MODEL_DEALS)
        .run()
        .ok()
        .json();
    assert_eq!(globbed["summary"]["deals_read"], 5);
    assert_eq!(globbed["summary"]["revenue_won_touched"], 1650.0);
    assert_eq!(globbed["rows"], piped["rows"]);
    assert_eq!(globbed["summary"], piped["summary"]);
    assert_eq!(threaded["rows"], piped["rows"]);
    assert_eq!(threaded["summary"], piped["summary"]);
}

#[test]
fn check_shows_the_opportunities_mapping() {
    let dir = Scratch::new();
    let assets = dir.file("assets.csv", ASSETS);
    let events = dir.file("events.csv", MODEL_EVENTS);
    let deals = dir.file(
        "deals.csv",
        format!("{SALESFORCE_HEADER}D1,A,o,5,,1,1,2026-03-20,\n"),
    );
    let run = Cli::new("check")
        .assets(&assets)
        .events(&events)
        .args(["--opportunities", &deals, "--format", "csv"])
        .as_of(AS_OF)
        .run()
        .ok();
    let rows = run.csv_rows();
    let value = |check: &str| row(&rows, "check", check)["value"].clone();
    assert_eq!(value("opportunities.id"), "\"Id\"");
    assert_eq!(value("opportunities.won"), "\"IsWon\"");
    assert_eq!(value("opportunities.created"), "\"CreatedDate\"");
    assert_eq!(value("deals read"), "1");
}
