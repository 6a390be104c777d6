//! Reading costs as European and Swiss exports write them, and refusing the ones no audit
//! should total: the decimal separator is decided per file, never guessed per value (issue #11).

mod common;
use common::*;

/// One counted event, for A1: every other asset is never opened.
const EVENTS: &str = "asset;user;time\nA1;dan;2026-10-01\n";

/// `summary --format json` on `assets`, with the stderr it printed.
fn summary(dir: &Scratch, assets: &str, extra: &[&str]) -> (serde_json::Value, String) {
    let assets = dir.file("assets.csv", assets);
    let events = dir.file("events.csv", EVENTS);
    let run = Cli::new("summary")
        .assets(&assets)
        .events(&events)
        .as_of(AS_OF)
        .args(["--format", "json"])
        .args(extra)
        .run()
        .ok();
    (run.json(), run.stderr)
}

#[test]
fn decimal_comma_costs_of_a_semicolon_export_are_read_as_written() {
    let dir = Scratch::new();
    // As a German Excel writes it: semicolons, decimal commas, point or space thousands.
    let assets = "ID;Titel;Cost\n\
                  A1;Deck;1200\n\
                  A2;Video;1.234,56\n\
                  A3;Flyer;99,90\n\
                  A4;Guide;€1.200,50\n\
                  A5;Case;1 234,50\n\
                  A6;Sheet;1\u{202F}234,50 EUR\n";
    let (s, stderr) = summary(&dir, assets, &[]);
    // Judged: all; never opened: all but A1 (1200).
    // 1234.56 + 99.90 + 1200.50 + 1234.50 + 1234.50 = 5003.96 (the original read 1.23456,
    // 9990, 1.2005, 123450 and 123450).
    assert_eq!(s["cost_never_opened"], 5003.96);
    assert_eq!(s["cost_total"], 6203.96);
    assert_eq!(s["asset_values_invalid"], 0);
    assert!(
        stderr.contains(
            "assets.csv: costs read with a decimal comma (as \"1.234,56\" on line 3 shows); --decimal-point to override"
        ),
        "{stderr}"
    );
}

#[test]
fn apostrophe_and_space_thousands_and_lower_case_codes_are_read() {
    let dir = Scratch::new();
    let assets = "id,cost\n\
                  A1,1'234.50\n\
                  A2,usd 5\n\
                  A3,CHF 1\u{2019}000\n\
                  A4,1\u{a0}000\u{a0}000\n\
                  A5,7.25 eur\n";
    let (s, _) = summary(&dir, assets, &[]);
    // A2..A5 never opened: 5 + 1000 + 1000000 + 7.25.
    assert_eq!(s["cost_never_opened"], 1_001_012.25);
    assert_eq!(s["cost_total"], 1_002_246.75);
    assert_eq!(s["asset_values_invalid"], 0);
}

#[test]
fn a_value_contradicting_the_files_separator_is_invalid_and_reported() {
    let dir = Scratch::new();
    // Two values read only with a decimal comma, one only with a decimal point.
    let assets = "id;cost\nA1;99,90\nA2;12,5\nA3;1,234.50\n";
    let (s, stderr) = summary(&dir, assets, &[]);
    // A2 only is never opened and counted; A3 is kept with no cost.
    assert_eq!(s["cost_total"], 112.4);
    assert_eq!(s["cost_never_opened"], 12.5);
    assert_eq!(s["asset_values_invalid"], 1);
    assert!(
        stderr.contains(
            "assets.csv:4: column \"cost\", value \"1,234.50\": cannot read the cost (it reads only with a decimal point, and this file's costs are read with a decimal comma); kept empty"
        ),
        "{stderr}"
    );
    assert!(
        stderr.contains(
            "1 value written with a decimal point (as \"1,234.50\" on line 4) counted invalid"
        ),
        "{stderr}"
    );

    let check = Cli::new("check")
        .assets(dir.path("assets.csv"))
        .events(dir.path("events.csv"))
        .args(["--format", "csv"])
        .run()
        .ok();
    let rows = check.csv_rows();
    assert_eq!(
        row(&rows, "check", "cost decimal separator")["value"],
        "decimal comma (2 values such as \"99,90\" on line 2; 1 value with a decimal point such as \"1,234.50\" on line 4, counted invalid)"
    );
}

#[test]
fn as_many_comma_as_point_values_is_an_error_not_a_guess() {
    let dir = Scratch::new();
    let assets = dir.file("assets.csv", "id;cost\nA1;99,90\nA2;10.50\n");
    let events = dir.file("events.csv", EVENTS);
    let run = Cli::new("summary")
        .assets(&assets)
        .events(&events)
        .run()
        .expect_code(2);
    assert!(
        run.stderr.contains("as many values with a decimal comma (such as \"99,90\" on line 2) as with a decimal point (such as \"10.50\" on line 3); pass --decimal-comma or --decimal-point"),
        "{}",
        run.stderr
    );
    // Either flag settles it, the other value being invalid.
    let (s, _) = summary(&dir, "id;cost\nA1;99,90\nA2;10.50\n", &["--decimal-point"]);
    assert_eq!(s["cost_total"], 10.5);
    assert_eq!(s["asset_values_invalid"], 1);
}

#[test]
fn decimal_comma_forces_a_comma_where_no_value_decides() {
    let dir = Scratch::new();
    // `1,234` and `2,500` read either way: by default with a decimal point, and said so.
    let assets = "id;cost\nA1;1000\nA2;1,234\nA3;2,500\n";
    let (s, stderr) = summary(&dir, assets, &[]);
    assert_eq!(s["cost_never_opened"], 3734.0);
    assert!(
        stderr.contains("costs read with a decimal point, as no value decides: \"1,234\" on line 3 is read with a thousands separator; --decimal-comma if it meant a fraction"),
        "{stderr}"
    );
    let (s, stderr) = summary(&dir, assets, &["--decimal-comma"]);
    assert_eq!(s["cost_never_opened"], 3.73, "1.234 + 2.5");
    assert_eq!(s["cost_total"], 1003.73);
    assert!(
        !stderr.contains("costs read with"),
        "a forced separator needs no note"
    );
}

#[test]
fn decimal_point_forces_a_point_against_the_files_values() {
    let dir = Scratch::new();
    // `99,90` would decide a decimal comma, `1.500` then reading 1500.
    let assets = "id;cost\nA1;1\nA2;1.500\nA3;99,90\n";
    let (s, _) = summary(&dir, assets, &[]);
    assert_eq!(s["cost_never_opened"], 1599.9);
    let (s, stderr) = summary(&dir, assets, &["--decimal-point"]);
    assert_eq!(s["cost_never_opened"], 1.5);
    assert_eq!(s["asset_values_invalid"], 1);
    assert!(
        stderr
            .contains("value \"99,90\": cannot read the cost (it reads only with a decimal comma"),
        "{stderr}"
    );
}

#[test]
fn negatives_exponents_non_finite_and_huge_costs_are_invalid_so_no_total_is_inf() {
    let dir = Scratch::new();
    let huge = format!("9{}", "0".repeat(400));
    let assets = format!(
        "id,cost\nA1,1\nA2,-5\nA3,1e308\nA4,1e308\nA5,inf\nA6,NaN\nA7,{huge}\nA8,($20)\n\
         A9,999999999999\nA10,999999999999\nA11,999999999999\nA12,10\n"
    );
    let (s, stderr) = summary(&dir, &assets, &[]);
    // Originally -5 and both 1e308 were read, and the total printed "inf" (null in JSON).
    assert_eq!(
        s["asset_values_invalid"], 7,
        "-5, 1e308 twice, inf, NaN, 9e400, ($20)"
    );
    assert_eq!(s["cost_never_opened"], 3_000_000_000_007.0);
    assert_eq!(s["cost_total"], 3_000_000_000_008.0);
    assert!(
        stderr.contains("value \"-5\": cannot read the cost (a negative cost)"),
        "{stderr}"
    );
    assert!(
        stderr.contains("value \"1e308\": cannot read the cost (an exponent"),
        "{stderr}"
    );
    assert!(
        stderr.contains("value \"inf\": cannot read the cost (not a finite number)"),
        "{stderr}"
    );
    assert!(
        stderr.contains("cannot read the cost (above the limit of 1,000,000,000,000)"),
        "{stderr}"
    );

    let assets = dir.path("assets.csv");
    let events = dir.path("events.csv");
    let table = Cli::new("summary")
        .assets(&assets)
        .events(&events)
        .arg("-q")
        .run()
        .ok();
    assert!(!table.stdout.contains("inf"), "{}", table.stdout);
}

#[test]
fn a_snapshot_records_a_forced_separator() {
    let dir = Scratch::new();
    let assets = dir.file("assets.csv", "id;cost\nA1;1.500\nA2;2\n");
    let events = dir.file("events.csv", EVENTS);
    let snapshot = |extra: &[&str]| {
        Cli::new("snapshot")
            .assets(&assets)
            .events(&events)
            .as_of(AS_OF)
            .args(extra)
            .run()
            .ok()
            .json()
    };
    let forced = snapshot(&["--decimal-comma"]);
    assert_eq!(forced["options"]["decimal"], "comma");
    assert_eq!(forced["summary"]["cost_total"], 1502.0);
    let decided = snapshot(&[]);
    assert_eq!(decided["options"]["decimal"], serde_json::Value::Null);
    assert_eq!(decided["summary"]["cost_total"], 3.5);
}
