//! The core audit on tests/fixtures/core, whose figures were worked out by hand.
//!
//! as-of 2026-11-01 (so --until is 2026-11-01 too), min-age 30 days (created on or after
//! 2026-10-02 is `new`), stale-after 90 days (last counted event before 2026-08-03 is `stale`).
//! The 12 event rows: A1 by dan, DAN (same user), eve and admin; A2 once in May; A3 by its own
//! owner ann; A5 (undated) a share; A6 (new) once; ZZ (orphan); two bad rows (line 10: bad
//! time, line 11: empty asset id); A8 after the window.

mod common;
use common::*;

/// `summary --format json` on the core fixture at its as-of.
fn summary_json() -> Cli {
    core("summary").as_of(AS_OF).args(["--format", "json"])
}

#[test]
fn summary_partitions_the_library_and_the_events() {
    let s = summary_json().run().ok().json();
    // A7 created after as-of; A6 twelve days old; the other six are judged.
    assert_eq!(s["assets_total"], 8);
    assert_eq!(s["assets_unpublished"], 1);
    assert_eq!(s["assets_too_new"], 1);
    assert_eq!(s["assets_judged"], 6);
    // A1 (last 2026-10-16), A3 (09-10), A5 (08-10) active; A2 (05-01) stale; A4, A8 never.
    assert_eq!(s["assets_opened"], 4);
    assert_eq!(s["assets_active"], 3);
    assert_eq!(s["assets_stale"], 1);
    assert_eq!(s["assets_never_opened"], 2);
    assert_eq!(s["never_opened_pct"], 33.33);
    // Judged costs 1000 + 500 + 250 + 2000 + 100 + 0 (A8 empty); never opened: A4 + A8.
    assert_eq!(s["cost_total"], 3850.0);
    assert_eq!(s["cost_never_opened"], 2000.0);
    assert_eq!(s["events_read"], 12);
    assert_eq!(s["rows_skipped"], 2);
    assert_eq!(s["events_excluded"], 1);
    assert_eq!(s["events_orphan"], 1);
    assert_eq!(s["events_counted"], 8);
    // dan (also spelled DAN), eve, ann, fay, admin.
    assert_eq!(s["users_active"], 5);
    assert_eq!(s["users_roster"], serde_json::Value::Null);
    assert_eq!(s["coverage_pct"], serde_json::Value::Null);
    assert_eq!(s["schema_version"], 1);
    assert_eq!(s["as_of"], "2026-11-01T00:00:00Z");
    assert_eq!(s["until"], "2026-11-01T00:00:00Z");
    assert_eq!(s["since"], serde_json::Value::Null);
}

#[test]
fn bad_rows_are_reported_with_file_line_column_and_value() {
    let run = core("summary").as_of(AS_OF).run().ok();
    assert!(
        run.stderr.contains(
            "core/events.csv:10: column \"Timestamp\", value \"not-a-date\": cannot read the time; row skipped"
        ),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr
            .contains("core/events.csv:11: column \"Asset ID\""),
        "{}",
        run.stderr
    );
    let quiet = core("summary").as_of(AS_OF).arg("-q").run().ok();
    assert_eq!(quiet.stderr, "");
}

#[test]
fn strict_makes_the_first_bad_row_an_error() {
    let run = core("summary")
        .as_of(AS_OF)
        .arg("--strict")
        .run()
        .expect_code(2);
    assert!(
        run.stderr.contains("events.csv:10: column \"Timestamp\""),
        "{}",
        run.stderr
    );
    assert_eq!(run.stdout, "");
}

#[test]
fn exclude_owners_drops_authors_opening_their_own_assets() {
    // ann's view of her own A3 is excluded: A3 becomes never opened.
    let s = summary_json().arg("--exclude-owners").run().ok().json();
    assert_eq!(s["events_counted"], 7);
    assert_eq!(s["events_excluded"], 2);
    assert_eq!(s["assets_never_opened"], 3);
    assert_eq!(s["never_opened_pct"], 50.0);
    assert_eq!(s["cost_never_opened"], 2250.0);
    assert_eq!(s["users_active"], 4);
    assert_eq!(s["exclude_owners"], true);
}

#[test]
fn exclude_user_is_case_insensitive() {
    let s = summary_json()
        .args(["--exclude-user", "ADMIN@corp.com"])
        .run()
        .ok()
        .json();
    assert_eq!(s["events_counted"], 7);
    assert_eq!(s["users_active"], 4);
    assert_eq!(s["assets_never_opened"], 2);
}

#[test]
fn team_filter_keeps_orphans_that_pass_it() {
    // Sales: dan's two A1 events, fay's A5 share, dan's A6 view; ZZ (Sales) is still an orphan.
    let s = summary_json().args(["--team", "sales"]).run().ok().json();
    assert_eq!(s["events_counted"], 4);
    assert_eq!(s["events_orphan"], 1);
    assert_eq!(s["events_excluded"], 5);
    assert_eq!(s["rows_skipped"], 2);
    assert_eq!(s["assets_never_opened"], 4);
    assert_eq!(s["never_opened_pct"], 66.67);
    let two_teams = summary_json()
        .args(["--team", "sales", "--team", "SDR"])
        .run()
        .ok()
        .json();
    assert_eq!(two_teams["events_counted"], 6);
}

#[test]
fn types_filter() {
    // Only A5's share is left out: A5 becomes never opened.
    let s = summary_json()
        .args(["--types", "VIEW,download"])
        .run()
        .ok()
        .json();
    assert_eq!(s["events_counted"], 7);
    assert_eq!(s["assets_never_opened"], 3);
    assert_eq!(s["types"], serde_json::json!(["view", "download"]));
}

#[test]
fn since_is_inclusive_and_until_exclusive_and_as_of_follows_until() {
    // [2026-09-01, 2026-10-16): A1 eve 09-01T08, A1 dan 10-15, A3 09-10, A1 admin 10-01.
    // A1 DAN 2026-10-16T10 is at/after until. ZZ is outside the window: excluded, not orphan.
    // as-of = until = 2026-10-16, so A6 (created 10-20) is unpublished too.
    let s = core("summary")
        .args([
            "--since",
            "2026-09-01",
            "--until",
            "2026-10-16",
            "--format",
            "json",
        ])
        .run()
        .ok()
        .json();
    assert_eq!(s["as_of"], "2026-10-16T00:00:00Z");
    assert_eq!(s["events_counted"], 4);
    assert_eq!(s["events_orphan"], 0);
    assert_eq!(s["events_excluded"], 6);
    assert_eq!(s["assets_unpublished"], 2);
    assert_eq!(s["assets_too_new"], 0);
    assert_eq!(s["assets_judged"], 6);
    assert_eq!(s["assets_never_opened"], 4);
    assert_eq!(s["never_opened_pct"], 66.67);
    let exact = core("summary")
        .args([
            "--since",
            "2026-09-01T08:00:01Z",
            "--until",
            "2026-10-16",
            "--format",
            "json",
        ])
        .run()
        .ok()
        .json();
    assert_eq!(
        exact["events_counted"], 3,
        "eve's 08:00:00 view is before since"
    );
}

#[test]
fn min_age_and_stale_after_move_the_boundaries() {
    // min-age 5: A6 (12 days old) is judged and active. stale-after 60 (before 2026-09-02):
    // A5 (08-10) becomes stale as well as A2.
    let s = summary_json()
        .args(["--min-age", "5", "--stale-after", "60"])
        .run()
        .ok()
        .json();
    assert_eq!(s["assets_too_new"], 0);
    assert_eq!(s["assets_judged"], 7);
    assert_eq!(s["assets_stale"], 2);
    assert_eq!(s["assets_active"], 3);
    assert_eq!(s["never_opened_pct"], 28.57);
}

#[test]
fn assets_report_lists_every_asset_with_its_usage() {
    let run = core("assets")
        .as_of(AS_OF)
        .args(["--format", "csv", "-q"])
        .run()
        .ok();
    assert_eq!(
        run.csv_header(),
        [
            "asset_id",
            "title",
            "type",
            "owner",
            "created",
            "status",
            "opens",
            "users",
            "first_open",
            "last_open",
            "days_since_last_open"
        ]
    );
    let rows = run.csv_rows();
    assert_eq!(rows.len(), 8);
    assert_eq!(rows[0]["asset_id"], "A1", "most opened first");
    let a1 = row(&rows, "asset_id", "A1");
    assert_eq!(a1["title"], "Pricing Deck");
    assert_eq!(a1["status"], "active");
    assert_eq!(a1["opens"], "4");
    assert_eq!(a1["users"], "3");
    assert_eq!(a1["first_open"], "2026-09-01T08:00:00Z");
    assert_eq!(a1["last_open"], "2026-10-16T10:00:00Z");
    assert_eq!(a1["days_since_last_open"], "15");
    let a2 = row(&rows, "asset_id", "A2");
    assert_eq!(
        (a2["status"].as_str(), a2["days_since_last_open"].as_str()),
        ("stale", "183")
    );
    let a5 = row(&rows, "asset_id", "A5");
    assert_eq!(
        (a5["created"].as_str(), a5["status"].as_str()),
        ("", "active")
    );
    let a6 = row(&rows, "asset_id", "A6");
    assert_eq!((a6["status"].as_str(), a6["opens"].as_str()), ("new", "1"));
    assert_eq!(row(&rows, "asset_id", "A7")["status"], "unpublished");
    let a8 = row(&rows, "asset_id", "A8");
    assert_eq!(
        (a8["status"].as_str(), a8["opens"].as_str()),
        ("never", "0")
    );
    assert_eq!(a8["last_open"], "");
}

#[test]
fn assets_status_filter() {
    let run = core("assets")
        .as_of(AS_OF)
        .args(["--status", "never,stale", "--format", "csv", "-q"])
        .run();
    let rows = run.ok().csv_rows();
    let ids: Vec<_> = rows.iter().map(|r| r["asset_id"].as_str()).collect();
    assert_eq!(ids, ["A2", "A4", "A8"]);
}

#[test]
fn unused_lists_never_opened_oldest_first() {
    let run = core("unused")
        .as_of(AS_OF)
        .args(["--format", "csv", "-q"])
        .run()
        .ok();
    assert_eq!(
        run.csv_header(),
        ["asset_id", "title", "type", "owner", "created", "age_days", "cost"]
    );
    let rows = run.csv_rows();
    let ids: Vec<_> = rows.iter().map(|r| r["asset_id"].as_str()).collect();
    assert_eq!(ids, ["A8", "A4"]);
    // 2025-01-15 → 2026-11-01 is 655 days; 2025-06-01 → 2026-11-01 is 518.
    assert_eq!(rows[0]["age_days"], "655");
    assert_eq!(rows[1]["age_days"], "518");
    assert_eq!(rows[1]["cost"], "2000");
}

#[test]
fn group_by_an_inventory_column() {
    let run = core("summary")
        .as_of(AS_OF)
        .args(["--group-by", "Region", "--format", "csv", "-q"])
        .run();
    let rows = run.ok().csv_rows();
    assert_eq!(rows.len(), 2);
    // EMEA: A1 active, A4 never, A6 new, A8 never; events on A1 (4), A6 (1), A8 (1 excluded).
    let emea = row(&rows, "group", "EMEA");
    assert_eq!(emea["assets_total"], "4");
    assert_eq!(emea["assets_judged"], "3");
    assert_eq!(emea["assets_never_opened"], "2");
    assert_eq!(emea["never_opened_pct"], "66.67");
    assert_eq!(emea["cost_never_opened"], "2000");
    assert_eq!(emea["events_read"], "6");
    assert_eq!(emea["events_counted"], "5");
    assert_eq!(emea["events_excluded"], "1");
    // NA: A2 stale, A3 and A5 active, A7 unpublished.
    let na = row(&rows, "group", "NA");
    assert_eq!(na["assets_unpublished"], "1");
    assert_eq!(na["assets_never_opened"], "0");
    assert_eq!(na["assets_stale"], "1");
    assert_eq!(na["events_counted"], "3");
}

#[test]
fn group_by_a_field_name() {
    let rows = core("summary")
        .as_of(AS_OF)
        .args(["--group-by", "type", "--format", "csv", "-q"])
        .run()
        .ok()
        .csv_rows();
    // Deck: A1 active, A6 new, A7 unpublished.
    let deck = row(&rows, "group", "Deck");
    assert_eq!(deck["assets_total"], "3");
    assert_eq!(deck["assets_judged"], "1");
    assert_eq!(row(&rows, "group", "Video")["never_opened_pct"], "100");
}

#[test]
fn unknown_group_column_is_a_usage_error() {
    let run = core("summary")
        .as_of(AS_OF)
        .args(["--group-by", "Colour"])
        .run()
        .expect_code(2);
    assert!(run.stderr.contains("Colour"), "{}", run.stderr);
}

#[test]
fn every_format_carries_the_same_figures() {
    let table = core("summary").as_of(AS_OF).arg("-q").run().ok();
    assert!(table.stdout.contains("33.33"), "{}", table.stdout);
    let markdown = core("summary")
        .as_of(AS_OF)
        .args(["--format", "markdown", "-q"])
        .run()
        .ok();
    assert!(
        markdown.stdout.contains("| --- | --- |"),
        "{}",
        markdown.stdout
    );
    assert!(
        markdown.stdout.contains("| assets\\_never\\_opened | 2 |"),
        "{}",
        markdown.stdout
    );
    let csv = core("summary")
        .as_of(AS_OF)
        .args(["--format", "csv", "-q"])
        .run()
        .ok();
    let rows = csv.csv_rows();
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0]["never_opened_pct"], "33.33");
    assert_eq!(rows[0]["cost_total"], "3850");
}

#[test]
fn check_reports_the_mapping_and_the_counts() {
    let run = core("check")
        .as_of(AS_OF)
        .args(["--format", "csv", "-q"])
        .run()
        .ok();
    let rows = run.csv_rows();
    let value = |check: &str| {
        rows.iter()
            .find(|r| r["check"] == check)
            .unwrap_or_else(|| panic!("no check {check}"))["value"]
            .clone()
    };
    assert_eq!(value("assets.created"), "\"Published Date\"");
    assert_eq!(value("events.user"), "\"User Email\"");
    assert_eq!(value("rows skipped"), "2");
    assert_eq!(value("events counted"), "8");
    assert_eq!(value("most frequent orphan ids"), "ZZ (1)");
}
