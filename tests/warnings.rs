//! Confident headlines on inputs that look like a mistake: each warning's code in the JSON of
//! `summary` and `snapshot`, its message with the values and counts behind it, its stderr
//! line (silenced by `-q`), and `check`'s listing.

mod common;
use common::*;
use serde_json::Value as Json;

const ASSETS: &str =
    "id,title,created\nA1,Deck,2025-01-01\nA2,Video,2025-01-01\nA3,Sheet,2025-01-01\n";

/// view ×5, download ×3; Sales ×5, SDR ×3; ann ×3, cy ×3, bob ×2; 2026-10-01 to 2026-10-08.
const EVENTS: &str = "asset,user,team,type,time
A1,ann,Sales,view,2026-10-01
A1,bob,Sales,view,2026-10-02
A2,ann,Sales,view,2026-10-03
A2,cy,SDR,view,2026-10-04
A3,cy,SDR,view,2026-10-05
A1,ann,Sales,download,2026-10-06
A2,bob,Sales,download,2026-10-07
A3,cy,SDR,download,2026-10-08
";

/// Runs `command` on the events files with the sample inventory, as-of 2026-11-01 unless
/// `extra` says otherwise (a later `--as-of` wins).
fn run_on(command: &str, events: &[&str], extra: &[&str]) -> Run {
    run_in(&Scratch::new(), command, events, extra)
}

/// [`run_on`] with the files written in `dir` (so messages name the same paths).
fn run_in(dir: &Scratch, command: &str, events: &[&str], extra: &[&str]) -> Run {
    let mut cli = Cli::new(command).assets(dir.file("assets.csv", ASSETS));
    for (i, text) in events.iter().enumerate() {
        cli = cli.events(dir.file(&format!("events{}.csv", i + 1), text));
    }
    if !extra.contains(&"--as-of") {
        cli = cli.as_of(AS_OF);
    }
    cli.args(extra).run()
}

/// `summary --format json` of one log, as [`run_on`].
fn summary(events: &str, extra: &[&str]) -> Run {
    run_on(
        "summary",
        &[events],
        &[&["--format", "json"], extra].concat(),
    )
}

/// The (code, message) pairs of a JSON document's `warnings` array.
fn warnings(doc: &Json) -> Vec<(String, String)> {
    doc["warnings"]
        .as_array()
        .unwrap_or_else(|| panic!("no warnings array in {doc:#}"))
        .iter()
        .map(|w| {
            let text = |key: &str| w[key].as_str().expect("a text").to_string();
            (text("code"), text("message"))
        })
        .collect()
}

fn codes(doc: &Json) -> Vec<String> {
    warnings(doc).into_iter().map(|(code, _)| code).collect()
}

/// The message of the only warning with `code`.
fn message(doc: &Json, code: &str) -> String {
    let found: Vec<String> = warnings(doc)
        .into_iter()
        .filter(|(c, _)| c == code)
        .map(|(_, m)| m)
        .collect();
    assert_eq!(found.len(), 1, "one {code} in {doc:#}");
    found[0].clone()
}

#[test]
fn a_clean_run_has_an_empty_warnings_array_and_a_quiet_stderr() {
    let run = summary(EVENTS, &[]).ok();
    assert_eq!(run.json()["warnings"], serde_json::json!([]));
    assert_eq!(run.json()["events_counted"], 8);
    assert_eq!(run.stderr, "");
    let grouped = summary(EVENTS, &["--group-by", "title"]).ok();
    assert_eq!(grouped.json()["warnings"], serde_json::json!([]));
    let snapshot = run_on("snapshot", &[EVENTS], &[]).ok();
    assert_eq!(snapshot.json()["warnings"], serde_json::json!([]));
}

#[test]
fn a_type_no_event_has_is_named_with_the_types_seen() {
    let run = summary(EVENTS, &["--types", "webinar"]).ok();
    let doc = run.json();
    assert_eq!(codes(&doc), ["filter_matched_nothing", "nothing_counted"]);
    let said = message(&doc, "filter_matched_nothing");
    assert_eq!(
        said,
        "--types \"webinar\" matches no event in the window; the types seen there: view (5), download (3)"
    );
    assert_eq!(
        message(&doc, "nothing_counted"),
        "8 events were read but none counted: 8 left out by --types"
    );
    assert!(
        run.stderr
            .contains(&format!("warning: filter_matched_nothing: {said}\n")),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("warning: nothing_counted: 8 events"));

    let quiet = summary(EVENTS, &["--types", "webinar", "-q"]).ok();
    assert_eq!(quiet.stderr, "", "-q silences the warnings");
    assert_eq!(codes(&quiet.json()), codes(&doc), "the JSON keeps them");
}

#[test]
fn only_the_values_that_match_nothing_are_named() {
    let doc = summary(EVENTS, &["--types", "view,Webinar"]).ok().json();
    assert_eq!(codes(&doc), ["filter_matched_nothing"]);
    assert!(message(&doc, "filter_matched_nothing").starts_with("--types \"webinar\" matches"));
    assert_eq!(doc["events_counted"], 5);
}

#[test]
fn a_team_no_event_has_is_named_with_the_teams_seen() {
    let doc = summary(EVENTS, &["--team", "Marketing", "--team", "sdr"])
        .ok()
        .json();
    assert_eq!(codes(&doc), ["filter_matched_nothing"]);
    assert_eq!(
        message(&doc, "filter_matched_nothing"),
        "--team \"marketing\" matches no event in the window; the teams seen there: Sales (5), SDR (3)"
    );
    assert_eq!(doc["events_counted"], 3);
    // A filter sees the rows that passed the ones before it: of the downloads, Sales ×2, SDR ×1.
    let extra = ["--types", "download", "--team", "Marketing"];
    let doc = summary(EVENTS, &extra).ok().json();
    assert_eq!(
        message(&doc, "filter_matched_nothing"),
        "--team \"marketing\" matches no event in the window that passed --types; the teams seen there: Sales (2), SDR (1)"
    );
}

#[test]
fn an_excluded_user_no_event_has_is_named_with_the_users_seen_in_the_window() {
    let doc = summary(EVENTS, &["--exclude-user", "dan", "--exclude-user", "ann"])
        .ok()
        .json();
    assert_eq!(
        message(&doc, "filter_matched_nothing"),
        "--exclude-user \"dan\" matches no event in the window; the users seen there: ann (3), cy (3), bob (2)"
    );
    // From 2026-10-04 the window holds cy ×3, ann ×1, bob ×1.
    let doc = summary(EVENTS, &["--exclude-user", "dan", "--since", "2026-10-04"])
        .ok()
        .json();
    assert!(
        message(&doc, "filter_matched_nothing")
            .ends_with("the users seen there: cy (3), ann (1), bob (1)"),
        "{doc:#}"
    );
}

#[test]
fn nothing_counted_says_which_step_removed_the_events() {
    let events = format!(
        "{EVENTS}A1,dan,SDR,share,2026-10-09\nZ9,dan,SDR,view,2026-10-09\nA1,dan,SDR,view,\n"
    );
    let extra = [
        "--since",
        "2026-10-03",
        "--types",
        "view,download",
        "--team",
        "SDR",
        "--exclude-user",
        "cy",
    ];
    let doc = summary(&events, &extra).ok().json();
    assert_eq!(doc["events_counted"], 0);
    assert_eq!(codes(&doc), ["nothing_counted"]);
    assert_eq!(
        message(&doc, "nothing_counted"),
        "11 events were read but none counted: 1 skipped as bad rows, 2 outside the window, 1 left out by --types, 3 left out by --team, 3 left out by --exclude-user or --exclude-owners, 1 orphans (asset id not in the inventory)"
    );
}

#[test]
fn a_window_beside_the_events_shows_both_ranges_and_the_options_to_pass() {
    let extra = ["--since", "2025-01-01", "--until", "2025-06-01"];
    let doc = summary(EVENTS, &extra).ok().json();
    assert_eq!(codes(&doc), ["window_outside_events", "nothing_counted"]);
    assert_eq!(
        message(&doc, "window_outside_events"),
        "the window (2025-01-01T00:00:00Z to 2025-06-01T00:00:00Z) and the events' times (2026-10-01T00:00:00Z to 2026-10-08T00:00:00Z) do not overlap, so no event can count; to audit the log, pass --since 2026-10-01 --until 2026-10-09 --as-of 2026-10-09"
    );
    assert_eq!(
        message(&doc, "nothing_counted"),
        "8 events were read but none counted: 8 outside the window"
    );
}

#[test]
fn a_log_that_ends_long_before_as_of_is_stale() {
    let doc = summary(EVENTS, &["--as-of", "2027-06-01"]).ok().json();
    assert_eq!(codes(&doc), ["events_stale"]);
    assert_eq!(doc["assets_stale"], 3, "the headline it warns about");
    let said = message(&doc, "events_stale");
    for part in [
        "the last counted event (2026-10-08T00:00:00Z) is 236 days before as-of 2027-06-01T00:00:00Z, more than --stale-after 90",
        "The window is everything before 2027-06-01T00:00:00Z; the events' times run from 2026-10-01T00:00:00Z to 2026-10-08T00:00:00Z",
        "pass --until 2026-10-09 --as-of 2026-10-09",
    ] {
        assert!(said.contains(part), "{part:?} in {said}");
    }
    let later = ["--as-of", "2027-06-01", "--stale-after", "236"];
    assert_eq!(
        codes(&summary(EVENTS, &later).ok().json()),
        Vec::<String>::new()
    );
}

#[test]
fn a_relative_day_column_read_as_epoch_seconds_is_implausible() {
    let events = "asset,user,day\nA1,ann,-3\nA1,ann,12\nA2,bob,5\nA3,cy,40\n";
    let run = summary(events, &["--col", "events.time=day"]).ok();
    let doc = run.json();
    // The window and staleness advice would be about 1970: only the cause is said.
    assert_eq!(codes(&doc), ["times_implausible"]);
    let said = message(&doc, "times_implausible");
    assert!(said.contains("events1.csv: every readable time in column \"day\" is a small whole number read as seconds since 1970 (e.g. \"12\" read as 1970-01-01T00:00:12Z; 3 times, 1970-01-01T00:00:05Z to 1970-01-01T00:00:40Z)"), "{said}");
    assert!(
        said.ends_with("; 1 more rows of the file could not be read at all"),
        "{said}"
    );
    assert!(
        run.stderr.contains("warning: times_implausible: "),
        "{}",
        run.stderr
    );
}

#[test]
fn times_before_1990_or_past_a_year_after_as_of_are_implausible_per_file() {
    let old = "asset,time\nA1,1985-03-01\nA2,1986-07-04\n";
    let future = "asset,time\nA1,2099-01-01\nA2,2028-01-02\n";
    let fine = "asset,time\nA3,2026-10-01\n";
    let run = run_on("summary", &[old, future, fine], &["--format", "json"]).ok();
    let doc = run.json();
    assert_eq!(codes(&doc), ["times_implausible", "times_implausible"]);
    let said = warnings(&doc);
    assert!(said[0].1.contains("events1.csv: every readable time in column \"time\" is before 1990 (e.g. \"1985-03-01\" read as 1985-03-01T00:00:00Z; 2 times, 1985-03-01T00:00:00Z to 1986-07-04T00:00:00Z)"), "{}", said[0].1);
    assert!(said[1].1.contains("events2.csv: every readable time in column \"time\" is more than a year after as-of 2026-11-01T00:00:00Z (e.g. \"2099-01-01\" read as 2099-01-01T00:00:00Z; 2 times, 2028-01-02T00:00:00Z to 2099-01-01T00:00:00Z)"), "{}", said[1].1);
    // One plausible time is enough.
    let near = "asset,time\nA1,2099-01-01\nA2,2026-10-01\n";
    let doc = run_on("summary", &[near], &["--format", "json"])
        .ok()
        .json();
    assert_eq!(codes(&doc), Vec::<String>::new());
}

#[test]
fn mostly_orphans_shows_ids_of_both_sides_and_the_col_to_map() {
    let events = "asset,time\nx1,2026-10-01\nx1,2026-10-02\nx2,2026-10-03\nA1,2026-10-04\n";
    let doc = summary(events, &[]).ok().json();
    assert_eq!(codes(&doc), ["mostly_orphans"]);
    assert_eq!(
        message(&doc, "mostly_orphans"),
        "3 of 4 readable events (75.0%) are orphans, their asset id not in the inventory: orphan ids \"x1\" (2), \"x2\" (1) beside inventory ids \"A1\", \"A2\", \"A3\". If the ids sit in another column, map it with --col events.asset=HEADER (now \"asset\") or --col assets.id=HEADER (now \"id\")"
    );
    // Half is not more than half.
    let half = "asset,time\nx1,2026-10-01\nx2,2026-10-02\nA1,2026-10-03\nA2,2026-10-04\n";
    assert_eq!(codes(&summary(half, &[]).ok().json()), Vec::<String>::new());
}

#[test]
fn snapshot_carries_the_warnings() {
    let doc = run_on("snapshot", &[EVENTS], &["--types", "webinar", "-q"])
        .ok()
        .json();
    assert_eq!(codes(&doc), ["filter_matched_nothing", "nothing_counted"]);
    assert!(message(&doc, "filter_matched_nothing").ends_with("view (5), download (3)"));
}

#[test]
fn the_same_warnings_on_any_number_of_threads() {
    let mut events = String::from("asset,user,team,type,time\n");
    for i in 0..300 {
        let (asset, team, kind) = match i % 3 {
            0 => ("A1", "Sales", "view"),
            1 => ("x9", "SDR", "view"),
            _ => ("x8", "Sales", "download"),
        };
        events.push_str(&format!(
            "{asset},u{},{team},{kind},{}\n",
            i % 7,
            i % 30 + 1000
        ));
    }
    let second = "asset,user,team,type,time\nx9,u1,SDR,view,1500\n";
    let base = ["--format", "json", "--types", "view,download,webinar"];
    let dir = Scratch::new();
    let run_with = |extra: &[&str]| {
        let args = [&base[..], extra].concat();
        run_in(&dir, "summary", &[&events, second], &args)
            .ok()
            .json()
    };
    let one = run_with(&["--threads", "1"]);
    let two = run_with(&["--threads", "2", "--chunk-bytes", "64"]);
    assert_eq!(
        warnings(&one),
        warnings(&two),
        "a file split across threads"
    );
    let both = run_with(&["--threads", "2"]);
    assert_eq!(warnings(&one), warnings(&both), "files read side by side");
    assert_eq!(
        codes(&one),
        [
            "times_implausible",
            "times_implausible",
            "filter_matched_nothing",
            "mostly_orphans"
        ]
    );
    assert!(message(&one, "filter_matched_nothing").ends_with("view (201), download (100)"));
    assert!(warnings(&one)[0].1.contains("(e.g. \"1000\" read as 1970-01-01T00:16:40Z; 300 times, 1970-01-01T00:16:40Z to 1970-01-01T00:17:09Z)"));
}

#[test]
fn check_lists_each_files_types_and_teams_over_all_its_rows_and_the_warnings() {
    let run = run_on(
        "check",
        &[EVENTS],
        &[
            "--format",
            "csv",
            "--since",
            "2026-10-04",
            "--types",
            "webinar",
        ],
    )
    .ok();
    let rows = run.csv_rows();
    let value = |file_suffix: &str, check: &str| -> Vec<String> {
        rows.iter()
            .filter(|r| r["file"].ends_with(file_suffix) && r["check"] == check)
            .map(|r| r["value"].clone())
            .collect()
    };
    assert_eq!(value("events1.csv", "types"), ["view (5), download (3)"]);
    assert_eq!(value("events1.csv", "teams"), ["Sales (5), SDR (3)"]);
    assert_eq!(value("events1.csv", "usable rows"), ["8"]);
    let listed = value("(events)", "warning");
    assert_eq!(listed.len(), 2, "{listed:?}");
    assert!(listed[0].starts_with("filter_matched_nothing: --types \"webinar\" matches no event;"));
    assert!(listed[0].ends_with("view (5), download (3)"), "{listed:?}");
    assert!(listed[1].starts_with("nothing_counted: 8 events were read but none counted: 3 outside the window, 5 left out by --types"));
}

#[test]
fn check_fails_on_a_file_without_one_usable_row() {
    let bad = "asset,time\nA1,\nA2,not a date\nA3\n";
    let run = run_on("check", &[EVENTS, bad], &["--format", "json"]).expect_code(2);
    let doc = run.json();
    assert_eq!(doc["usable"], false);
    let error = doc["error"].as_str().unwrap();
    assert!(
        error.ends_with(
            "events2.csv: no usable row: all 3 data rows were skipped (see the problems listed)"
        ),
        "{error}"
    );
    assert!(run.stderr.contains("no usable row"), "{}", run.stderr);

    let empty = "asset,time\n";
    let run = run_on("check", &[empty], &["--format", "json"]).expect_code(2);
    let error = run.json()["error"].as_str().unwrap().to_string();
    assert!(
        error.ends_with("events1.csv: no data rows after the header"),
        "{error}"
    );

    run_on("check", &[EVENTS], &["--format", "json"]).ok();

    let dir = Scratch::new();
    let events = dir.file("events.csv", EVENTS);
    for (inventory, why) in [
        ("id,title\n", "assets.csv: no data rows after the header"),
        (
            "id,title\n,Deck\n",
            "assets.csv: no usable asset row: all 1 data rows were skipped (see the problems listed)",
        ),
    ] {
        let assets = dir.file("assets.csv", inventory);
        let failed = Cli::new("check")
            .assets(&assets)
            .events(&events)
            .args(["--format", "json"])
            .run()
            .expect_code(2);
        let error = failed.json()["error"].as_str().unwrap().to_string();
        assert!(error.ends_with(why), "{error}");
    }
}
