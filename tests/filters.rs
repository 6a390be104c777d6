//! `--where`, `--split`, the `events.count` weight column and `check`'s lists of types and
//! teams, each figure worked out by hand on the small fixtures below.

mod common;
use common::*;
use serde_json::Value;

/// Five assets, all old enough to judge; A2's type has spaces and A5's another case.
const ASSETS: &str = "\
asset_id,title,type,owner,created,genres,cost
A1,One,Deck,ann@x.com,2025-01-01,Comedy|Drama,100
A2,Two, deck ,bob@x.com,2025-01-01,Drama,200
A3,Three,Video,ann@x.com,2025-01-01,,300
A4,Four,Datasheet,cy@x.com,2025-01-01,Comedy| |Horror,400
A5,Five,VIDEO,bob@x.com,2025-01-01,Drama|Drama,500
";

/// A1: 2 events (u1, u2), A2: 1 (u1), A3: 3 (u3, u3, u1), A4: none, A5: 1 (u2), A9: an orphan.
const EVENTS: &str = "\
asset_id,user,team,timestamp
A1,u1,Sales,2026-10-01
A1,u2,Sales,2026-10-02
A2,u1,SDR,2026-10-03
A3,u3,Sales,2026-10-04
A3,u3,Sales,2026-10-05
A3,u1,Sales,2026-10-06
A9,u1,Sales,2026-10-07
A5,u2,SDR,2026-10-08
";

fn run(command: &str, events: &str, extra: &[&str]) -> Run {
    let dir = Scratch::new();
    let assets = dir.file("assets.csv", ASSETS);
    let events = dir.file("events.csv", events);
    Cli::new(command)
        .assets(assets)
        .events(events)
        .as_of(AS_OF)
        .args(extra)
        .run()
}

fn summary(extra: &[&str]) -> Value {
    let mut args = vec!["--format", "json"];
    args.extend(extra);
    run("summary", EVENTS, &args).ok().json()
}

/// (assets_total, assets_never_opened, events_read, events_excluded, events_orphan, events_counted)
fn figures(s: &Value) -> [u64; 6] {
    [
        "assets_total",
        "assets_never_opened",
        "events_read",
        "events_excluded",
        "events_orphan",
        "events_counted",
    ]
    .map(|k| s[k].as_u64().unwrap_or_else(|| panic!("{k}: {s}")))
}

fn warning_codes(s: &Value) -> Vec<String> {
    s["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w["code"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn without_where_every_asset_is_kept() {
    let s = summary(&[]);
    assert_eq!(figures(&s), [5, 1, 8, 0, 1, 7]);
    assert!(s.get("where").is_none(), "no --where, no key: {s}");
}

#[test]
fn where_keeps_one_value_trimmed_and_in_any_case_and_excludes_the_others_events() {
    // type=deck keeps A1 ("Deck") and A2 (" deck "): 2 + 1 events counted; A3's 3 and A5's 1
    // are excluded, not orphans; A9 stays the one orphan.
    let s = summary(&["--where", "type=deck"]);
    assert_eq!(figures(&s), [2, 0, 8, 4, 1, 3]);
    assert_eq!(s["events_excluded"], 4);
    assert_eq!(s["events_orphan"], 1);
    assert_eq!(s["where"], serde_json::json!(["type=deck"]));
    assert_eq!(s["cost_total"], 300.0);
    assert!(warning_codes(&s).is_empty(), "{s}");
    // The column name is matched like --group-by's and the value folded: A3 and A5.
    let s = summary(&["--where", " TYPE = VIDEO "]);
    assert_eq!(figures(&s), [2, 0, 8, 3, 1, 4]);
}

#[test]
fn several_values_of_one_column_mean_any_of_them() {
    // Deck or Datasheet: A1, A2, A4 (never opened).
    let s = summary(&["--where", "type=Deck", "--where", "type=datasheet"]);
    assert_eq!(figures(&s), [3, 1, 8, 4, 1, 3]);
}

#[test]
fn several_columns_mean_all_of_them() {
    // Video and ann's: A3 only; A1's 2, A2's 1 and A5's 1 are excluded.
    let s = summary(&["--where", "type=video", "--where", "owner=ANN@x.com"]);
    assert_eq!(figures(&s), [1, 0, 8, 4, 1, 3]);
    assert_eq!(s["users_active"], 2);
}

#[test]
fn not_equal_leaves_assets_out_whatever_the_equal_values_say() {
    let s = summary(&["--where", "type!=VIDEO"]);
    assert_eq!(figures(&s), [3, 1, 8, 4, 1, 3]);
    // Deck or Video, but not bob's: A1 and A3 (2 + 3 counted; A2's 1 and A5's 1 excluded).
    let s = summary(&[
        "--where",
        "type=Deck",
        "--where",
        "type=Video",
        "--where",
        "owner!=bob@x.com",
    ]);
    assert_eq!(figures(&s), [2, 0, 8, 2, 1, 5]);
    // The same value both ways keeps nothing, and says so.
    let s = summary(&["--where", "type=Video", "--where", "type!=video"]);
    assert_eq!(figures(&s), [0, 0, 8, 7, 1, 0]);
    let codes = warning_codes(&s);
    assert!(codes.contains(&"filter_matched_nothing".to_string()), "{s}");
    let text = s["warnings"].to_string();
    assert!(text.contains("together keep no asset of the 5"), "{text}");
}

#[test]
fn a_where_matching_no_asset_warns_with_the_columns_values() {
    let run = run(
        "summary",
        EVENTS,
        &["--where", "type=Dekc", "--format", "json"],
    )
    .ok();
    let s = run.json();
    assert_eq!(figures(&s), [0, 0, 8, 7, 1, 0]);
    let first = &s["warnings"][0];
    assert_eq!(first["code"], "filter_matched_nothing");
    assert_eq!(
        first["message"],
        "--where \"type=Dekc\" matches no asset of the 5 in the inventory; the values of column \"type\" there: Deck (2), Video (2), Datasheet (1)"
    );
    assert!(run
        .stderr
        .contains("warning: filter_matched_nothing: --where \"type=Dekc\""));
    // A `!=` that matches nothing leaves everything in, and warns too.
    let s = summary(&["--where", "owner!=dan@x.com"]);
    assert_eq!(figures(&s), [5, 1, 8, 0, 1, 7]);
    assert!(s["warnings"][0]["message"]
        .as_str()
        .unwrap()
        .contains("so it leaves out nothing"));
}

#[test]
fn a_where_on_an_unknown_column_is_a_usage_error_naming_the_columns() {
    let run = run("summary", EVENTS, &["--where", "colour=red"]).expect_code(2);
    assert!(run.stderr.contains("--where \"colour=red\": no such asset column; the inventory's columns: \"asset_id\", \"title\", \"type\", \"owner\", \"created\", \"genres\", \"cost\""), "{}", run.stderr);
    let run = run_bad_spec();
    assert!(
        run.stderr.contains("expected COLUMN=VALUE"),
        "{}",
        run.stderr
    );
}

fn run_bad_spec() -> Run {
    run("summary", EVENTS, &["--where", "type"]).expect_code(2)
}

#[test]
fn where_applies_to_the_other_reports() {
    let args = ["--where", "type=deck", "--format", "csv"];
    let assets = run("assets", EVENTS, &args).ok().csv_rows();
    let ids: Vec<&str> = assets.iter().map(|r| r["asset_id"].as_str()).collect();
    assert_eq!(ids, ["A1", "A2"]);
    let unused = run(
        "unused",
        EVENTS,
        &["--where", "type!=deck", "--format", "csv"],
    )
    .ok()
    .csv_rows();
    assert_eq!(unused.len(), 1);
    assert_eq!(unused[0]["asset_id"], "A4");
    // Users count only the events on kept assets: u1 1 + 1, u2 1.
    let users = run("users", EVENTS, &args).ok().csv_rows();
    assert_eq!(row(&users, "user", "u1")["events"], "2");
    assert_eq!(row(&users, "user", "u2")["events"], "1");
    assert!(users.iter().all(|r| r["user"] != "u3"));
    let trends = run("trends", EVENTS, &args).ok().csv_rows();
    let october = row(&trends, "period", "2026-10");
    assert_eq!(
        (
            october["events"].as_str(),
            october["library_size"].as_str(),
            october["assets_used"].as_str()
        ),
        ("3", "2", "2")
    );
    let cohorts = run(
        "cohorts",
        EVENTS,
        &["--where", "type=video", "--format", "csv"],
    )
    .ok()
    .csv_rows();
    assert_eq!(row(&cohorts, "cohort", "2025-01")["assets"], "2");
    let dir = Scratch::new();
    let snapshot = Cli::new("snapshot")
        .assets(dir.file("assets.csv", ASSETS))
        .events(dir.file("events.csv", EVENTS))
        .as_of(AS_OF)
        .args(["--where", "type=deck", "--split", "genres=|"])
        .run()
        .ok()
        .json();
    assert_eq!(
        snapshot["options"]["where"],
        serde_json::json!(["type=deck"])
    );
    assert_eq!(
        snapshot["options"]["split"],
        serde_json::json!(["genres=|"])
    );
    assert_eq!(snapshot["summary"]["events_excluded"], 4);
    assert_eq!(snapshot["summary"]["events_orphan"], 1);
    let check = run(
        "check",
        EVENTS,
        &["--where", "type=deck", "--format", "csv"],
    )
    .ok()
    .csv_rows();
    let value = |name: &str| {
        check
            .iter()
            .find(|r| r["check"] == name)
            .unwrap_or_else(|| panic!("no {name} row"))["value"]
            .clone()
    };
    assert_eq!(value("assets left out by --where"), "3");
    assert_eq!(value("events excluded by window or filters"), "4");
    assert_eq!(value("orphan events (asset not in inventory)"), "1");
}

#[test]
fn split_puts_an_asset_in_each_group_it_lists() {
    let rows = run(
        "summary",
        EVENTS,
        &[
            "--group-by",
            "genres",
            "--split",
            "genres=|",
            "--format",
            "csv",
        ],
    )
    .ok()
    .csv_rows();
    let mut groups: Vec<&str> = rows.iter().map(|r| r["group"].as_str()).collect();
    groups.sort();
    assert_eq!(groups, ["", "Comedy", "Drama", "Horror"]);
    let get = |group: &str, key: &str| row(&rows, "group", group)[key].clone();
    // Comedy: A1 (2 events, u1 u2) and A4 (never). Drama: A1, A2 (u1), A5 (u2) once each.
    assert_eq!(get("Comedy", "assets_total"), "2");
    assert_eq!(get("Comedy", "assets_never_opened"), "1");
    assert_eq!(get("Comedy", "events_counted"), "2");
    assert_eq!(get("Comedy", "cost_total"), "500");
    assert_eq!(get("Drama", "assets_total"), "3");
    assert_eq!(get("Drama", "events_counted"), "4");
    assert_eq!(get("Drama", "users_active"), "2");
    assert_eq!(get("", "assets_total"), "1");
    assert_eq!(get("", "events_counted"), "3");
    assert_eq!(get("Horror", "assets_never_opened"), "1");
    // The groups hold 7 assets of a library of 5.
    let total: u64 = rows
        .iter()
        .map(|r| r["assets_total"].parse::<u64>().unwrap())
        .sum();
    assert_eq!(total, 7);
    // Without --split the whole cell is the group.
    let plain = run(
        "summary",
        EVENTS,
        &["--group-by", "genres", "--format", "csv"],
    )
    .ok()
    .csv_rows();
    assert_eq!(plain.len(), 5);
}

#[test]
fn split_applies_to_trends_by_and_to_where() {
    let rows = run(
        "trends",
        EVENTS,
        &["--by", "genres", "--split", "genres=|", "--format", "csv"],
    )
    .ok()
    .csv_rows();
    let at = |group: &str| {
        rows.iter()
            .find(|r| r["period"] == "2026-10" && r["group"] == group)
            .unwrap_or_else(|| panic!("no 2026-10 row for {group:?}"))
    };
    let drama = at("Drama");
    assert_eq!(
        [
            &drama["events"],
            &drama["users"],
            &drama["assets_used"],
            &drama["library_size"]
        ],
        ["4", "2", "3", "3"]
    );
    let comedy = at("Comedy");
    assert_eq!(
        [
            &comedy["events"],
            &comedy["assets_used"],
            &comedy["library_size"]
        ],
        ["2", "1", "2"]
    );
    // --where on a split column compares each part: Comedy is A1 and A4.
    let s = summary(&["--where", "genres=comedy", "--split", "genres=|"]);
    assert_eq!(figures(&s), [2, 1, 8, 5, 1, 2]);
    let bad = run("summary", EVENTS, &["--split", "genre=|"]).expect_code(2);
    assert!(
        bad.stderr
            .contains("--split \"genre\": no such asset column"),
        "{}",
        bad.stderr
    );
}

/// A count per row: A2's row stands for no event, three counts are bad, A3's 2025 row is
/// outside `--since 2026-01-01`, A9's is an orphan.
const WEIGHTED: &str = "\
asset_id,user,team,event type,timestamp,count
A1,u1,Sales,view,2026-10-01,3
A1,u2,Sales,view,2026-10-02,2
A2,u1,SDR,view,2026-09-03,0
A3,u3,Sales,download,2026-10-04,4
A9,u1,Sales,view,2026-10-07,5
A5,u2,SDR,view,2026-08-08,1
A4,u1,Sales,view,2026-10-09,1.5
A4,u1,Sales,view,2026-10-10,-1
A4,u1,Sales,view,2026-10-11,abc
A3,u1,Sales,view,2025-01-05,7
";

#[test]
fn a_count_column_weights_every_event_figure() {
    let run = run(
        "summary",
        WEIGHTED,
        &["--since", "2026-01-01", "--format", "json"],
    )
    .ok();
    let s = run.json();
    // read = 3 + 2 + 0 + 4 + 5 + 1 + 7 + three bad rows as one each = 25.
    assert_eq!(figures(&s), [5, 2, 25, 7, 5, 10]);
    assert_eq!(s["rows_skipped"], 3);
    // u1 (3 on A1), u2 (2 + 1), u3 (4): A2's zero row makes no user and no open.
    assert_eq!(s["users_active"], 3);
    for (line, value) in [(8, "1.5"), (9, "-1"), (10, "abc")] {
        let told = format!("events.csv:{line}: column \"count\", value \"{value}\": the count is not a whole number");
        assert!(run.stderr.contains(&told), "{told}\n{}", run.stderr);
    }
}

#[test]
fn a_count_weights_opens_users_and_trends_and_zero_is_no_open() {
    let since = ["--since", "2026-01-01", "--format", "csv"];
    let assets = run("assets", WEIGHTED, &since).ok().csv_rows();
    let a = |id: &str, key: &str| row(&assets, "asset_id", id)[key].clone();
    assert_eq!(
        (a("A1", "opens"), a("A1", "users")),
        ("5".into(), "2".into())
    );
    assert_eq!(a("A3", "opens"), "4");
    assert_eq!(
        (a("A2", "opens"), a("A2", "status")),
        ("0".into(), "never".into())
    );
    assert_eq!(a("A2", "last_open"), "");
    let users = run("users", WEIGHTED, &since).ok().csv_rows();
    let u = |user: &str| row(&users, "user", user)["events"].clone();
    assert_eq!(
        (u("u1"), u("u2"), u("u3")),
        ("3".into(), "3".into(), "4".into())
    );
    assert_eq!(row(&users, "user", "u1")["assets"], "1");
    let trends = run(
        "trends",
        WEIGHTED,
        &["--since", "2026-08-01", "--format", "csv"],
    )
    .ok()
    .csv_rows();
    let t = |period: &str, key: &str| row(&trends, "period", period)[key].clone();
    assert_eq!(
        (t("2026-08", "events"), t("2026-08", "users")),
        ("1".into(), "1".into())
    );
    assert_eq!(
        (t("2026-09", "events"), t("2026-09", "assets_used")),
        ("0".into(), "0".into())
    );
    assert_eq!(
        (
            t("2026-10", "events"),
            t("2026-10", "users"),
            t("2026-10", "assets_used")
        ),
        ("9".into(), "3".into(), "2".into())
    );
}

#[test]
fn a_count_column_is_mapped_by_hand_and_check_shows_rows_and_events() {
    let renamed = WEIGHTED.replacen(",count\n", ",sum_click\n", 1);
    // Unmapped, sum_click is just another column: one event a row.
    let s = run("summary", &renamed, &["--format", "json"]).ok().json();
    assert_eq!(s["events_read"], 10);
    assert_eq!(s["rows_skipped"], 0);
    let s = run(
        "summary",
        &renamed,
        &["--col", "events.count=sum_click", "--format", "json"],
    )
    .ok()
    .json();
    assert_eq!(s["events_read"], 25);
    assert_eq!(s["events_counted"], 17);
    let check = run("check", WEIGHTED, &["--format", "csv"]).ok().csv_rows();
    let value = |file: &str, name: &str| {
        check
            .iter()
            .find(|r| r["file"].ends_with(file) && r["check"] == name)
            .unwrap_or_else(|| panic!("no {name} row"))["value"]
            .clone()
    };
    assert_eq!(value("(events)", "rows read"), "10");
    assert_eq!(value("(events)", "events read"), "25");
    assert_eq!(value("events.csv", "events.count"), "\"count\"");
}

#[test]
fn check_lists_the_ten_most_frequent_types_and_teams_with_counts() {
    // Type tNN appears 13 - NN times (t01 12 times ... t12 once); teams Sales 3, SDR 1.
    let mut events = String::from("asset_id,user,team,event type,timestamp\n");
    for n in 1..=12 {
        for i in 0..(13 - n) {
            let team = if i % 4 == 3 { "SDR" } else { "Sales" };
            events.push_str(&format!("A1,u1,{team},t{n:02},2026-10-01\n"));
        }
    }
    let rows = run("check", &events, &["--format", "csv"]).ok().csv_rows();
    let value = |name: &str| {
        rows.iter()
            .find(|r| r["file"].ends_with("events.csv") && r["check"] == name)
            .unwrap()["value"]
            .clone()
    };
    assert_eq!(
        value("types"),
        "t01 (12), t02 (11), t03 (10), t04 (9), t05 (8), t06 (7), t07 (6), t08 (5), t09 (4), t10 (3), … and 2 more"
    );
    // 78 rows; SDR is every fourth row of each type: 3 of t01's 12, 2 of each of t02-t05's,
    // 1 of each of t06-t09's, none of t10-t12's: 3 + 8 + 4 = 15.
    assert_eq!(value("teams"), "Sales (63), SDR (15)");
}

#[test]
fn influence_by_a_split_column_and_where() {
    let events = "\
asset_id,user,timestamp,opportunity_id
A1,u1,2026-10-01,O1
A4,u1,2026-10-02,O1
A2,u2,2026-10-03,O2
";
    let deals = "\
opportunity_id,account,deal_stage,close_date,close_value
O1,Acme,Won,2026-10-20,100
O2,Beta,Lost,2026-10-20,50
";
    let dir = Scratch::new();
    let deals = dir.file("deals.csv", deals);
    let by_genre = |extra: &[&str]| {
        let mut args = vec![
            "--opportunities",
            deals.as_str(),
            "--by",
            "genres",
            "--split",
            "genres=|",
            "--format",
            "csv",
        ];
        args.extend(extra);
        run("influence", events, &args).ok().csv_rows()
    };
    // Linear: O1 (won, 100) gives A1 and A4 50 each; O2 is lost, on A2.
    let rows = by_genre(&[]);
    let get = |rows: &[std::collections::BTreeMap<String, String>], group: &str| {
        let r = row(rows, "group", group);
        [
            r["assets"].clone(),
            r["deals_touched"].clone(),
            r["deals_won"].clone(),
            r["deals_lost"].clone(),
            r["revenue_won_influenced"].clone(),
            r["revenue_won_attributed"].clone(),
        ]
    };
    assert_eq!(get(&rows, "Comedy"), ["2", "1", "1", "0", "100", "100"]);
    assert_eq!(get(&rows, "Drama"), ["3", "2", "1", "1", "100", "50"]);
    assert_eq!(get(&rows, "Horror"), ["1", "1", "1", "0", "100", "50"]);
    // Without A4 (the datasheet), O1 is A1's alone.
    let rows = by_genre(&["--where", "type!=datasheet"]);
    assert_eq!(get(&rows, "Comedy"), ["1", "1", "1", "0", "100", "100"]);
    assert_eq!(get(&rows, "Drama"), ["3", "2", "1", "1", "100", "100"]);
    assert!(rows.iter().all(|r| r["group"] != "Horror"));
}

#[test]
fn counts_and_where_give_the_same_figures_on_any_number_of_threads() {
    let mut events = String::from(WEIGHTED);
    for i in 0..200 {
        events.push_str(&format!(
            "A{},u{},Sales,view,2026-10-{:02},{}\n",
            i % 6 + 1,
            i % 7,
            i % 28 + 1,
            i % 4
        ));
    }
    let figures_on = |threads: &str| {
        let mut s = run(
            "summary",
            &events,
            &[
                "--where",
                "type!=video",
                "--threads",
                threads,
                "--chunk-bytes",
                "256",
                "--format",
                "json",
                "-q",
            ],
        )
        .ok()
        .json();
        s.as_object_mut().unwrap().remove("warnings");
        s
    };
    let one = figures_on("1");
    assert_eq!(one, figures_on("4"));
    // 200 rows of counts 0, 1, 2, 3 in turn: 300 events, and the 25 of the fixture.
    assert_eq!(one["events_read"], 325);
}

#[test]
fn the_report_says_which_part_of_the_inventory_it_audits() {
    let page = run(
        "report",
        EVENTS,
        &["--where", "type=video", "--split", "genres=|"],
    )
    .ok()
    .stdout;
    // Videos: A3 (3 events) and A5 (1 event): none of the 2 never opened.
    assert!(
        page.contains("sales opened all 2 assets old enough to judge"),
        "{page}"
    );
    assert!(page.contains("the assets matching type=video (--where"));
    assert!(page.contains("every group its column lists (genres=|)"));
    let plain = run("report", EVENTS, &[]).ok().stdout;
    assert!(!plain.contains("--where"));
}
