//! Day-first or month-first: the order of slash dates decided per file and column from its
//! values, forced by `--day-first` / `--month-first`, and refused when a file contradicts it.

mod common;
use common::*;

/// One asset, old enough to be judged; created in ISO so only the log's dates are in play.
const ASSETS: &str = "id,created\nA1,2025-01-01\nA2,2025-01-01\n";

/// A day-first log whose first day above 12 is on line 7; read day-first, by month:
/// 2026-01: 1 (01/01), 2026-02: 1 (11/02), 2026-03: 2 (03/03, 15/03), 2026-04: 2 (02/04,
/// 05/04), 2026-05: 1 (04/05).
const DAY_FIRST_LOG: &str = "\
asset,timestamp
A1,02/04/2026 10:00
A1,03/03/2026
A2,05/04/2026
A2,01/01/2026
A1,11/02/2026
A1,15/03/2026 09:00
A2,04/05/2026
";

/// `(period, events)` of the months that have events, from `trends --period month`.
fn monthly(run: Run) -> Vec<(String, u64)> {
    run.ok()
        .csv_rows()
        .iter()
        .map(|r| (r["period"].clone(), r["events"].parse().unwrap()))
        .filter(|(_, n)| *n > 0)
        .collect()
}

fn months(pairs: &[(&str, u64)]) -> Vec<(String, u64)> {
    pairs.iter().map(|(p, n)| (p.to_string(), *n)).collect()
}

/// `trends --period month --format csv` at the fixtures' as-of.
fn trends(assets: &str, events: &str) -> Cli {
    Cli::new("trends")
        .assets(assets)
        .events(events)
        .as_of(AS_OF)
        .args(["--period", "month", "--format", "csv"])
}

#[test]
fn a_day_first_log_is_read_day_first_from_its_first_row() {
    let dir = Scratch::new();
    let assets = dir.file("assets.csv", ASSETS);
    let events = dir.file("events.csv", DAY_FIRST_LOG);
    let expected = months(&[
        ("2026-01", 1),
        ("2026-02", 1),
        ("2026-03", 2),
        ("2026-04", 2),
        ("2026-05", 1),
    ]);
    let run = trends(&assets, &events).run();
    assert!(
        run.stderr.contains(
            "events.csv: column \"timestamp\": slash dates read day-first (15/03/2026 09:00 on line 7 decides); --month-first to override"
        ),
        "{}",
        run.stderr
    );
    assert_eq!(monthly(run), expected);
    // Standard input is read by another reader, with the same sample.
    let stdin = trends(&assets, "-").stdin(DAY_FIRST_LOG).run();
    assert_eq!(monthly(stdin), expected);
    // Nothing skipped, and `check` lists the decision under the file.
    let summary = Cli::new("summary")
        .assets(&assets)
        .events(&events)
        .as_of(AS_OF)
        .args(["--format", "json", "-q"])
        .run()
        .ok()
        .json();
    assert_eq!(summary["rows_skipped"], 0);
    assert_eq!(summary["events_counted"], 7);
    let check = Cli::new("check")
        .assets(&assets)
        .events(&events)
        .as_of(AS_OF)
        .args(["--format", "csv", "-q"])
        .run()
        .ok();
    let rows = check.csv_rows();
    let note = rows
        .iter()
        .find(|r| r["check"] == "note" && r["file"].ends_with("events.csv"))
        .unwrap_or_else(|| panic!("no note in {}", check.stdout));
    assert!(note["value"].contains("slash dates read day-first (15/03/2026 09:00 on line 7"));
}

#[test]
fn inventory_created_dates_are_decided_on_their_own() {
    let dir = Scratch::new();
    // Day-first created dates (20/01 decides); the log is ISO.
    let assets = dir.file(
        "assets.csv",
        "id,created\nA1,02/04/2026\nA2,20/01/2026\nA3,11/03/2026\n",
    );
    let events = dir.file("events.csv", "asset,time\nA1,2026-06-01T10:00:00Z\n");
    let run = Cli::new("assets")
        .assets(&assets)
        .events(&events)
        .as_of(AS_OF)
        .args(["--format", "csv"])
        .run()
        .ok();
    assert!(
        run.stderr.contains(
            "assets.csv: column \"created\": slash dates read day-first (20/01/2026 on line 3 decides)"
        ),
        "{}",
        run.stderr
    );
    let rows = run.csv_rows();
    assert_eq!(row(&rows, "asset_id", "A1")["created"], "2026-04-02");
    assert_eq!(row(&rows, "asset_id", "A2")["created"], "2026-01-20");
    assert_eq!(row(&rows, "asset_id", "A3")["created"], "2026-03-11");
    let summary = Cli::new("summary")
        .assets(&assets)
        .events(&events)
        .as_of(AS_OF)
        .args(["--format", "json", "-q"])
        .run()
        .ok()
        .json();
    assert_eq!(summary["asset_values_invalid"], 0);
}

#[test]
fn an_undecided_column_is_read_month_first_and_says_so() {
    let dir = Scratch::new();
    let assets = dir.file("assets.csv", ASSETS);
    let events = dir.file("events.csv", "asset,time\nA1,02/04/2026\nA2,03/03/2026\n");
    let run = trends(&assets, &events).run();
    assert!(
        run.stderr.contains(
            "events.csv: column \"time\": slash dates read month-first: no value decides the order; pass --day-first if 02/04/2026 means 2 April"
        ),
        "{}",
        run.stderr
    );
    assert_eq!(monthly(run), months(&[("2026-02", 1), ("2026-03", 1)]));
}

#[test]
fn a_date_against_the_decided_order_is_an_input_error() {
    let dir = Scratch::new();
    let assets = dir.file("assets.csv", ASSETS);
    let events = dir.file(
        "events.csv",
        "asset,time\nA1,03/15/2026\nA1,03/03/2026\nA1,15/03/2026\n",
    );
    let run = Cli::new("summary")
        .assets(&assets)
        .events(&events)
        .as_of(AS_OF)
        .run()
        .expect_code(2);
    assert!(
        run.stderr.contains("events.csv:4: column \"time\", value \"15/03/2026\": this date reads only day-first, but 03/15/2026 on line 2 decided month-first"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("pass --day-first or --month-first"));
    // The created dates too.
    let mixed = dir.file("mixed.csv", "id,created\nA1,20/01/2026\nA2,01/20/2026\n");
    let forced = Cli::new("summary")
        .assets(&mixed)
        .events(&events)
        .as_of(AS_OF)
        .args(["--month-first", "--format", "json", "-q"])
        .run();
    assert_eq!(forced.ok().json()["asset_values_invalid"], 1);
    let run = Cli::new("summary")
        .assets(&mixed)
        .events(&events)
        .as_of(AS_OF)
        .run()
        .expect_code(2);
    assert!(
        run.stderr
            .contains("mixed.csv:3: column \"created\", value \"01/20/2026\""),
        "{}",
        run.stderr
    );
}

/// `rows` data rows of `A1,<value>` (14 bytes each with `02/04/2026`).
fn rows_of(value: &str, rows: usize) -> String {
    format!("A1,{value}\n").repeat(rows)
}

#[test]
fn a_day_first_date_after_ambiguous_ones_beyond_the_sample_is_an_input_error() {
    let dir = Scratch::new();
    let assets = dir.file("assets.csv", ASSETS);
    // 6000 ambiguous rows (84 KB, past the 64 KiB sample) read month-first, then a day-first
    // date on line 6002: the earlier rows were misread, on one thread or several.
    let log = format!(
        "asset,time\n{}A1,15/03/2026\n{}",
        rows_of("02/04/2026", 6000),
        rows_of("01/01/2026", 100)
    );
    let events = dir.file("events.csv", log);
    for extra in [
        &["--threads", "1"][..],
        &["--threads", "2", "--chunk-bytes", "4096"],
    ] {
        let run = Cli::new("summary")
            .assets(&assets)
            .events(&events)
            .as_of(AS_OF)
            .args(extra)
            .run()
            .expect_code(2);
        assert!(
            run.stderr.contains("events.csv:6002: column \"time\", value \"15/03/2026\": this date reads only day-first, but 02/04/2026 on line 2 was already read month-first"),
            "{extra:?}: {}",
            run.stderr
        );
        assert!(run.stderr.contains("pass --day-first"));
    }
    // Forced, the same file reads without a word about the order.
    let forced = trends(&assets, &events)
        .args(["--day-first", "--threads", "1"])
        .run();
    assert!(!forced.stderr.contains("slash dates"), "{}", forced.stderr);
    assert_eq!(
        monthly(forced),
        months(&[("2026-01", 100), ("2026-03", 1), ("2026-04", 6000)])
    );
}

#[test]
fn the_flags_force_the_order_and_turn_detection_off() {
    let dir = Scratch::new();
    let assets = dir.file("assets.csv", ASSETS);
    let events = dir.file("events.csv", DAY_FIRST_LOG);
    // Month-first: 15/03 is a bad row, 11/02 is 2 November (after as-of), the rest move.
    let run = trends(&assets, &events).arg("--month-first").run();
    assert!(!run.stderr.contains("slash dates read"), "{}", run.stderr);
    assert!(run.stderr.contains("events.csv:7:"), "{}", run.stderr);
    assert_eq!(
        monthly(run),
        months(&[
            ("2026-01", 1),
            ("2026-02", 1),
            ("2026-03", 1),
            ("2026-04", 1),
            ("2026-05", 1),
        ])
    );
    let summary = Cli::new("summary")
        .assets(&assets)
        .events(&events)
        .as_of(AS_OF)
        .args(["--month-first", "--format", "json", "-q"])
        .run()
        .ok()
        .json();
    assert_eq!(summary["rows_skipped"], 1);
    assert_eq!(summary["events_excluded"], 1);
    // Day-first on a US log: 03/15/2026 is a bad row, 02/04/2026 is 2 April.
    let us = dir.file("us.csv", "asset,time\nA1,03/15/2026\nA1,02/04/2026\n");
    let run = trends(&assets, &us).arg("--day-first").run();
    assert!(run.stderr.contains("us.csv:2:"), "{}", run.stderr);
    assert_eq!(monthly(run), months(&[("2026-04", 1)]));
    let both = Cli::new("summary")
        .assets(&assets)
        .events(&us)
        .as_of(AS_OF)
        .args(["--day-first", "--month-first"])
        .run();
    assert!(both.expect_code(2).stderr.contains("cannot be used with"));
}

#[test]
fn a_date_format_that_cannot_read_a_date_is_refused_before_reading() {
    let dir = Scratch::new();
    let assets = dir.file("assets.csv", ASSETS);
    // The log does not exist: the option is refused before any file is opened.
    let missing = dir.path("missing.csv");
    for format in ["%Q", "%H:%M"] {
        let run = Cli::new("summary")
            .assets(&assets)
            .events(&missing)
            .as_of(AS_OF)
            .args(["--date-format", format])
            .run()
            .expect_code(2);
        assert!(
            run.stderr.contains(&format!("--date-format {format:?}:")),
            "{}",
            run.stderr
        );
    }
    let events = dir.file("events.csv", "asset,time\nA1,15.03.2026\n");
    let run = trends(&assets, &events)
        .args(["--date-format", "%d.%m.%Y"])
        .run();
    assert_eq!(monthly(run), months(&[("2026-03", 1)]));
}

#[test]
fn ranges_read_in_parallel_count_like_one_thread() {
    let dir = Scratch::new();
    let assets = dir.file("assets.csv", ASSETS);
    // Decided day-first by line 2, in the sample; the later ranges read 02/04 as 2 April.
    let day_first = format!(
        "asset,time\nA1,15/03/2026\n{}A1,01/05/2026\n",
        rows_of("02/04/2026", 6000)
    );
    let day_first = dir.file("day_first.csv", day_first);
    // Undecided by the sample; 03/15/2026 on line 6002, in the second range, decides
    // month-first, which the ranges read anyway.
    let month_first = format!(
        "asset,time\n{}A1,03/15/2026\n{}",
        rows_of("02/04/2026", 6000),
        rows_of("04/02/2026", 10)
    );
    let month_first = dir.file("month_first.csv", month_first);
    for (events, expected, note) in [
        (
            &day_first,
            months(&[("2026-03", 1), ("2026-04", 6000), ("2026-05", 1)]),
            "slash dates read day-first (15/03/2026 on line 2 decides)",
        ),
        (
            &month_first,
            months(&[("2026-02", 6000), ("2026-03", 1), ("2026-04", 10)]),
            "slash dates read month-first (03/15/2026 on line 6002 decides)",
        ),
    ] {
        for extra in [
            &["--threads", "1"][..],
            &["--threads", "2", "--chunk-bytes", "4096"],
        ] {
            let run = trends(&assets, events).args(extra).run();
            assert!(run.stderr.contains(note), "{extra:?}: {}", run.stderr);
            assert_eq!(monthly(run), expected, "{events} {extra:?}");
        }
    }
}

#[test]
fn the_settings_file_can_force_the_order_and_the_command_line_wins() {
    let dir = Scratch::new();
    let assets = dir.file("assets.csv", ASSETS);
    let events = dir.file("events.csv", DAY_FIRST_LOG);
    let config = dir.file("audit.toml", "date_order = \"month-first\"\n");
    let summary = |extra: &[&str]| {
        Cli::new("summary")
            .assets(&assets)
            .events(&events)
            .as_of(AS_OF)
            .args(["--config", &config, "--format", "json", "-q"])
            .args(extra)
            .run()
            .ok()
            .json()
    };
    // Month-first from the file: 15/03 is a bad row and 11/02 (2 November) is past as-of.
    let from_file = summary(&[]);
    assert_eq!(from_file["rows_skipped"], 1);
    assert_eq!(from_file["events_excluded"], 1);
    let day_first = summary(&["--day-first"]);
    assert_eq!(day_first["rows_skipped"], 0);
    assert_eq!(day_first["events_counted"], 7);
}
