//! The monthly CI workflow: snapshots, diffs between them, gates and their exit codes, and CSV
//! that spreadsheets open safely. Fixtures in tests/fixtures/months, worked out by hand:
//!
//! October (as-of 2026-10-01, assets-oct): M1 (09-15), M2 (07-20), M5 (09-01) active, M3 never,
//! M4 new (created 09-20); X9 is an orphan. Judged 4, never 1: 25%. Orphans 1. Users dan, eve.
//! November (as-of 2026-11-01, assets-nov): M5 removed (its event is now an orphan), M6 added
//! (new). M1 active, M2 stale (07-20 is before 08-03), M3 active (first use 10-10), M4 never
//! (aged out of new). Judged 4, never 1: 25%. Orphans 3 (M5, X9 twice).

mod common;
use common::*;
use sha2::{Digest, Sha256};

/// `snapshot` of October or November at its as-of into `dir/name`, with `extra` options.
fn snapshot(dir: &Scratch, name: &str, month: &str, extra: &[&str]) -> (String, Run) {
    let (assets, as_of) = match month {
        "oct" => (fixture("months/assets-oct.csv"), "2026-10-01"),
        _ => (fixture("months/assets-nov.csv"), "2026-11-01"),
    };
    let out = dir.path(name);
    let run = Cli::new("snapshot")
        .assets(assets)
        .events(fixture("months/events.csv"))
        .as_of(as_of)
        .args(["--out", &out])
        .args(extra)
        .run();
    (out, run)
}

fn read_json(path: &str) -> serde_json::Value {
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn figure<'a>(rows: &'a [serde_json::Value], name: &str) -> &'a serde_json::Value {
    rows.iter()
        .find(|r| r["figure"] == name)
        .unwrap_or_else(|| panic!("no figure {name}"))
}

#[test]
fn a_snapshot_describes_its_inputs_options_and_findings() {
    let dir = Scratch::new();
    let (path, run) = snapshot(
        &dir,
        "nov.json",
        "nov",
        &["--exclude-user", "ADMIN@corp.com"],
    );
    run.ok();
    let s = read_json(&path);
    assert_eq!(s["kind"], "collateral-audit snapshot");
    assert_eq!(s["schema_version"], 1);
    assert_eq!(s["tool"]["name"], "collateral-audit");
    assert_eq!(s["tool"]["version"], env!("CARGO_PKG_VERSION"));
    assert_eq!(s["as_of"], "2026-11-01T00:00:00Z");
    assert_eq!(s["window"]["until"], "2026-11-01T00:00:00Z");
    assert_eq!(s["window"]["since"], serde_json::Value::Null);
    assert_eq!(
        s["options"]["exclude_users"],
        serde_json::json!(["admin@corp.com"])
    );
    assert_eq!(s["options"]["min_age_days"], 30);
    assert_eq!(s["options"]["preset"], serde_json::Value::Null);
    let inputs = s["inputs"].as_array().unwrap();
    assert_eq!(inputs.len(), 2);
    assert_eq!(inputs[0]["role"], "assets");
    assert_eq!(inputs[0]["rows"], 5);
    assert_eq!(inputs[1]["role"], "events");
    assert_eq!(inputs[1]["rows"], 7);
    let bytes = std::fs::read(fixture("months/events.csv")).unwrap();
    let expected: String = Sha256::digest(&bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    assert_eq!(inputs[1]["sha256"], expected.as_str());
    assert_eq!(s["summary"]["never_opened_pct"], 25.0);
    assert_eq!(s["summary"]["events_orphan"], 3);
    let assets = s["assets"].as_array().unwrap();
    let ids: Vec<_> = assets
        .iter()
        .map(|a| a["asset_id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["M1", "M2", "M3", "M4", "M6"]);
    assert_eq!(assets[0]["opens"], 2);
    assert_eq!(assets[0]["cost"], 100.0);
    assert_eq!(assets[1]["status"], "stale");
}

#[test]
fn snapshots_are_byte_identical_run_to_run() {
    let dir = Scratch::new();
    let (first, _) = snapshot(&dir, "a.json", "nov", &[]);
    let (second, _) = snapshot(
        &dir,
        "b.json",
        "nov",
        &["--threads", "2", "--chunk-bytes", "16"],
    );
    assert_eq!(
        std::fs::read(first).unwrap(),
        std::fs::read(second).unwrap()
    );
    let assets = fixture("months/assets-nov.csv");
    let events = fixture("months/events.csv");
    let to_stdout = Cli::new("snapshot")
        .assets(&assets)
        .events(&events)
        .as_of(AS_OF)
        .run()
        .ok();
    assert_eq!(
        to_stdout.stdout.as_bytes(),
        std::fs::read(dir.path("a.json")).unwrap()
    );
}

#[test]
fn diff_finds_every_kind_of_change() {
    let dir = Scratch::new();
    let (oct, _) = snapshot(&dir, "oct.json", "oct", &[]);
    let (nov, _) = snapshot(&dir, "nov.json", "nov", &[]);
    let d = Cli::new("diff")
        .args([&oct, &nov])
        .args(["--format", "json"])
        .run()
        .ok()
        .json();
    let changes: Vec<(String, String)> = d["changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["change"].as_str().unwrap().into(),
                c["asset_id"].as_str().unwrap().into(),
            )
        })
        .collect();
    let expected = [
        ("added", "M6"),
        ("removed", "M5"),
        ("became_never", "M4"),
        ("first_use", "M3"),
        ("went_stale", "M2"),
    ];
    let expected: Vec<(String, String)> = expected
        .iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect();
    assert_eq!(changes, expected);
    let m2 = &d["changes"][4];
    assert_eq!(
        (m2["old_status"].as_str(), m2["new_status"].as_str()),
        (Some("active"), Some("stale"))
    );
    assert_eq!(d["assets_added"], 1);
    assert_eq!(d["assets_went_stale"], 1);
    let figures = d["rows"].as_array().unwrap();
    let orphans = figure(figures, "events_orphan");
    assert_eq!(
        (
            orphans["old"].clone(),
            orphans["new"].clone(),
            orphans["delta"].clone()
        ),
        (1.into(), 3.into(), 2.into())
    );
    let pct = figure(figures, "never_opened_pct");
    assert_eq!(pct["delta"], 0.0);
    assert_eq!(
        figures[0]["figure"], "assets_total",
        "figures in summary order"
    );
}

#[test]
fn diff_in_every_format() {
    let dir = Scratch::new();
    let (oct, _) = snapshot(&dir, "oct.json", "oct", &[]);
    let (nov, _) = snapshot(&dir, "nov.json", "nov", &[]);
    let table = Cli::new("diff").args([&oct, &nov]).run().ok();
    assert!(table.stdout.contains("went_stale"), "{}", table.stdout);
    assert!(table
        .stdout
        .contains("1 added, 1 removed, 1 became never, 1 first use, 1 went stale"));
    let markdown = Cli::new("diff")
        .args([&oct, &nov])
        .args(["--format", "markdown"])
        .run()
        .ok();
    assert!(
        markdown.stdout.contains("### changes"),
        "{}",
        markdown.stdout
    );
    assert!(
        markdown.stdout.contains("| became\\_never | M4 |"),
        "{}",
        markdown.stdout
    );
    let figures = Cli::new("diff")
        .args([&oct, &nov])
        .args(["--format", "csv"])
        .run()
        .ok();
    assert_eq!(figures.csv_header(), ["figure", "old", "new", "delta"]);
    let rows = figures.csv_rows();
    // Negative deltas are numbers, never neutralised as formulas.
    assert_eq!(row(&rows, "figure", "assets_total")["delta"], "0");
    let removed = Cli::new("diff")
        .args([&nov, &oct])
        .args(["--format", "csv"])
        .run()
        .ok()
        .csv_rows();
    assert_eq!(row(&removed, "figure", "events_orphan")["delta"], "-2");
    let changes = Cli::new("diff")
        .args([&oct, &nov])
        .args(["--format", "csv", "--changes"])
        .run()
        .ok();
    assert_eq!(
        changes.csv_header(),
        [
            "change",
            "asset_id",
            "title",
            "type",
            "owner",
            "old_status",
            "new_status",
            "old_opens",
            "new_opens"
        ]
    );
    assert_eq!(changes.csv_rows().len(), 5);
}

#[test]
fn diff_refuses_what_is_not_a_snapshot() {
    let dir = Scratch::new();
    let (nov, _) = snapshot(&dir, "nov.json", "nov", &[]);
    let events = fixture("months/events.csv");
    let run1 = Cli::new("diff").args([&events, &nov]).run().expect_code(2);
    assert!(
        run1.stderr.contains("not a collateral-audit snapshot"),
        "{}",
        run1.stderr
    );
    let summary = dir.file(
        "summary.json",
        "{\"schema_version\": 1, \"assets_total\": 3}",
    );
    let run2 = Cli::new("diff").args([&summary, &nov]).run().expect_code(2);
    assert!(
        run2.stderr
            .contains("summary.json: not a collateral-audit snapshot"),
        "{}",
        run2.stderr
    );
    let mut future = read_json(&nov);
    future["schema_version"] = 99.into();
    let future = dir.file("future.json", future.to_string());
    let run3 = Cli::new("diff").args([&nov, &future]).run().expect_code(2);
    assert!(run3.stderr.contains("schema_version 99"), "{}", run3.stderr);
    // Figures that are not numbers (hand-edited, or written by another tool) are refused,
    // not compared as "no change".
    let edits: [(&str, serde_json::Value); 3] = [
        ("never_opened_pct", "58.9".into()),
        ("assets_total", serde_json::Value::Null),
        ("events_counted", true.into()),
    ];
    for (key, value) in edits {
        let mut edited = read_json(&nov);
        edited["summary"][key] = value.clone();
        let edited = dir.file("edited.json", edited.to_string());
        let refused = Cli::new("diff").args([&nov, &edited]).run().expect_code(2);
        assert!(
            refused
                .stderr
                .contains(&format!("malformed snapshot: summary figure \"{key}\"")),
            "{key}: {}",
            refused.stderr
        );
    }
    let mut edited = read_json(&nov);
    edited["assets"][0]["opens"] = "12".into();
    let edited = dir.file("edited.json", edited.to_string());
    let refused = Cli::new("diff").args([&edited, &nov]).run().expect_code(2);
    assert!(
        refused.stderr.contains("has opens \"12\""),
        "{}",
        refused.stderr
    );
}

#[test]
fn gates_exit_1_after_writing_the_report() {
    let assets = fixture("months/assets-nov.csv");
    let events = fixture("months/events.csv");
    let summary = Cli::new("summary")
        .assets(&assets)
        .events(&events)
        .as_of(AS_OF)
        .args(["--format", "json"]);
    let gated = |extra: &[&str]| summary.clone().args(extra).run();
    let ok = gated(&[
        "--fail-if-never-opened-above",
        "25",
        "--fail-if-orphans-above",
        "3",
    ])
    .ok();
    assert_eq!(ok.json()["never_opened_pct"], 25.0);
    let breached = gated(&["--fail-if-never-opened-above", "20"]).expect_code(1);
    assert_eq!(
        breached.json()["never_opened_pct"],
        25.0,
        "the report is still written"
    );
    assert!(
        breached.stderr.contains("gate breached: never_opened_pct is 25%, above --fail-if-never-opened-above 20 by 5 points"),
        "{}",
        breached.stderr
    );
    for (option, value) in [
        ("--fail-if-never-opened-above", "150"),
        ("--fail-if-never-opened-above", "-1"),
        ("--fail-if-never-opened-above", "nan"),
    ] {
        let refused = gated(&[&format!("{option}={value}")]).expect_code(2);
        assert!(
            refused.stderr.contains("expected a number from 0 to 100") && refused.stdout.is_empty(),
            "{option} {value}: {}",
            refused.stderr
        );
    }
    let orphans = gated(&["--fail-if-orphans-above", "2"]).expect_code(1);
    assert!(
        orphans
            .stderr
            .contains("events_orphan is 3, above --fail-if-orphans-above 2 by 1"),
        "{}",
        orphans.stderr
    );

    let dir = Scratch::new();
    let (path, snap) = snapshot(&dir, "nov.json", "nov", &["--fail-if-orphans-above", "0"]);
    snap.expect_code(1);
    assert_eq!(
        read_json(&path)["summary"]["events_orphan"],
        3,
        "the snapshot is still written"
    );
}

#[test]
fn diff_gates_look_at_the_new_figures_and_the_rise() {
    let dir = Scratch::new();
    let (oct, _) = snapshot(&dir, "oct.json", "oct", &[]);
    // Without eve, M2 and M3 are never opened too: 3 of 4, 75%, a rise of 50 points.
    let (nov, _) = snapshot(&dir, "nov.json", "nov", &["--exclude-user", "eve@corp.com"]);
    Cli::new("diff")
        .args([&oct, &nov])
        .args(["--fail-if-never-opened-rises-by", "50"])
        .run()
        .ok();
    // A fall cannot be asked for as a rise.
    let negative = Cli::new("diff")
        .args([&oct, &nov])
        .arg("--fail-if-never-opened-rises-by=-5")
        .run()
        .expect_code(2);
    assert!(
        negative
            .stderr
            .contains("rises-by -5: expected a number from 0 to 100"),
        "{}",
        negative.stderr
    );
    let rise = Cli::new("diff")
        .args([&oct, &nov])
        .args(["--fail-if-never-opened-rises-by", "10"])
        .run()
        .expect_code(1);
    assert!(
        rise.stdout.contains("never_opened_pct"),
        "the diff is still written"
    );
    assert!(
        rise.stderr.contains("never_opened_pct rose by 50 points (25% to 75%), more than --fail-if-never-opened-rises-by 10 (by 40 points)"),
        "{}",
        rise.stderr
    );
    let above = Cli::new("diff")
        .args([&oct, &nov])
        .args([
            "--fail-if-never-opened-above",
            "70",
            "--fail-if-orphans-above",
            "2",
        ])
        .run()
        .expect_code(1);
    assert_eq!(above.stderr.lines().count(), 2, "{}", above.stderr);
}

#[test]
fn csv_neutralises_formulas_from_the_data_unless_raw() {
    let dir = Scratch::new();
    let assets = dir.file(
        "assets.csv",
        "id,title,type,owner,created,cost\n\
         =1+1,=HYPERLINK(\"http://evil\"),Deck,@admin,2025-01-01,-5\n\
         H2,+SUM(A1:A9),-Deck,\"\tbob\",2025-01-01,10\n\
         H4,\"\tTabbed\",Deck,x@corp.com,2025-01-01,1\n\
         H3,\"\rcarriage\",Deck,plain@corp.com,2025-01-01,20\n",
    );
    let events = dir.file("events.csv", "asset,time\nH9,2026-10-01\n");
    let unused = Cli::new("unused")
        .assets(&assets)
        .events(&events)
        .as_of(AS_OF)
        .args(["--format", "csv", "-q"]);
    let rows = unused.run().ok().csv_rows();
    let first = row(&rows, "asset_id", "'=1+1");
    assert_eq!(first["title"], "'=HYPERLINK(\"http://evil\")");
    assert_eq!(first["owner"], "'@admin");
    let second = row(&rows, "asset_id", "H2");
    assert_eq!(second["title"], "'+SUM(A1:A9)");
    assert_eq!(second["type"], "'-Deck");
    assert_eq!(second["owner"], "bob", "user values are trimmed on input");
    assert_eq!(
        row(&rows, "asset_id", "H4")["title"],
        "Tabbed",
        "trimmed on input, so harmless"
    );
    assert_eq!(row(&rows, "asset_id", "H3")["title"], "carriage");
    assert_eq!(row(&rows, "asset_id", "H3")["owner"], "plain@corp.com");
    assert_eq!(second["age_days"], "669", "computed numbers stay plain");

    let raw = unused.arg("--raw-csv").run().ok().csv_rows();
    assert_eq!(
        row(&raw, "asset_id", "=1+1")["title"],
        "=HYPERLINK(\"http://evil\")"
    );
}

#[test]
fn pseudonymized_users_are_stable_and_name_nobody() {
    let dir = Scratch::new();
    let roster = dir.file(
        "roster.csv",
        "Email,Team\nDAN@corp.com,Sales\nzoe@corp.com,Sales\n",
    );
    let assets = fixture("core/assets.csv");
    let events = fixture("core/events.csv");
    let users = |key: &str| {
        Cli::new("users")
            .assets(&assets)
            .events(&events)
            .args(["--roster", &roster])
            .as_of(AS_OF)
            .args(["--exclude-user", "Admin@corp.com"])
            .args(["--pseudonymize-users", "--pseudonym-key", key])
            .args(["--format", "json", "-q"])
            .run()
            .ok()
    };
    let first = users("k1");
    assert!(!first.stdout.contains("@corp.com"), "{}", first.stdout);
    let doc = first.json();
    let names: Vec<&str> = doc["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["user"].as_str().unwrap())
        .collect();
    // dan (3 events, any case) first, then eve (2), ann and fay (1 each), then silent zoe.
    assert_eq!(names.len(), 5);
    assert!(
        names
            .iter()
            .all(|n| n.starts_with("user-") && n.len() == 17),
        "{names:?}"
    );
    assert_eq!(doc["rows"][0]["events"], 3);
    assert_eq!(doc["exclude_users"][0].as_str().unwrap().len(), 17);
    assert_eq!(
        users("k1").stdout,
        first.stdout,
        "same key, same pseudonyms"
    );
    assert_ne!(users("k2").stdout, first.stdout);

    let no_key = Cli::new("users")
        .assets(&assets)
        .events(&events)
        .as_of(AS_OF)
        .arg("--pseudonymize-users")
        .env_remove("COLLATERAL_AUDIT_PSEUDONYM_KEY")
        .run()
        .expect_code(2);
    assert!(
        no_key.stderr.contains("--pseudonym-key"),
        "{}",
        no_key.stderr
    );
}
