//! Issue 14's tables: they fit a width from 60 columns up whatever the colour, `--wide` lays
//! them out whole, `--sort` and `--top` pick the rows the same way in every format, and
//! `summary --group-by` lists the worst group first.

mod common;

use common::{fixture, Cli, Scratch, AS_OF};

/// `COMMAND` on the shipped sample in examples/data, at the fixtures' as-of.
fn example(command: &str) -> Cli {
    Cli::new(command)
        .assets(fixture("../../examples/data/assets.csv"))
        .events(fixture("../../examples/data/events.csv"))
        .as_of(AS_OF)
        .arg("-q")
}

/// The line without colour codes.
fn plain(line: &str) -> String {
    let mut out = String::new();
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' {
            for d in chars.by_ref() {
                if d.is_ascii_alphabetic() {
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

fn widest(stdout: &str) -> usize {
    stdout
        .lines()
        .map(|l| plain(l).chars().count())
        .max()
        .unwrap_or(0)
}

/// Rows of a table: the lines that start a data row with an asset id.
fn table_rows(stdout: &str) -> usize {
    stdout
        .lines()
        .filter(|l| plain(l).starts_with("│ AST-"))
        .count()
}

#[test]
fn tables_fit_60_and_100_columns_one_line_per_row() {
    for (command, args) in [("assets", &["--status", "stale"][..]), ("unused", &[][..])] {
        let rows = example(command)
            .args(args)
            .args(["--format", "csv"])
            .run()
            .ok()
            .csv_rows()
            .len();
        assert!(rows > 10, "{command}: {rows} rows");
        for width in [60, 100] {
            let run = example(command)
                .args(args)
                .env("COLUMNS", width.to_string())
                .run()
                .ok();
            assert!(
                widest(&run.stdout) <= width,
                "{command} at {width}: a line of {}\n{}",
                widest(&run.stdout),
                run.stdout
            );
            // Cut, never wrapped: one line per row, and the titles end in an ellipsis.
            assert_eq!(table_rows(&run.stdout), rows, "{command} at {width}");
            assert!(run.stdout.contains('…'), "{}", run.stdout);
            assert!(run.stdout.contains("--wide shows all"), "{}", run.stdout);
        }
    }
}

#[test]
fn fitting_does_not_depend_on_colour() {
    let at_80 = |cli: Cli| cli.env("COLUMNS", "80").run().ok().stdout;
    let base = example("assets").args(["--status", "stale"]);
    let no_color = at_80(base.clone().env("NO_COLOR", "1"));
    let never = at_80(base.clone().args(["--color", "never"]));
    let always = at_80(base.clone().args(["--color", "always"]));
    assert!(widest(&no_color) <= 80, "{no_color}");
    assert!(always.contains('\u{1b}'), "colour was asked for");
    assert_eq!(no_color, never);
    // Coloured or not, the same characters in the same places.
    let uncoloured: Vec<String> = always.lines().map(plain).collect();
    assert_eq!(uncoloured.join("\n"), never.trim_end());
}

#[test]
fn wide_tables_and_piped_tables_are_whole() {
    let csv = example("assets")
        .args(["--status", "stale", "--format", "csv"])
        .run()
        .ok();
    let longest_title = csv
        .csv_rows()
        .iter()
        .map(|r| r["title"].clone())
        .max_by_key(|t| t.chars().count())
        .unwrap();
    assert!(longest_title.chars().count() > 40, "{longest_title}");
    let wide = example("assets")
        .args(["--status", "stale", "--wide"])
        .env("COLUMNS", "60")
        .run()
        .ok();
    let piped = example("assets").args(["--status", "stale"]).run().ok();
    for stdout in [&wide.stdout, &piped.stdout] {
        assert!(stdout.contains(&longest_title), "{stdout}");
        assert!(!stdout.contains('…'), "{stdout}");
        assert!(widest(stdout) > 150, "every column, whole");
        assert!(stdout.contains("first_open") && stdout.contains("days_since_last_open"));
    }
    assert_eq!(wide.stdout, piped.stdout);
}

const ASSETS: &str = "\
asset_id,title,type,owner,created,cost
A9,beta deck,Deck,ann,2026-01-01,9
A10,Alpha deck,Deck,bob,2026-01-02,10
A2,gamma,Video,ann,2025-12-01,
A1,Delta,Video,cy,2026-02-01,100
A3,epsilon,Video,bob,2026-03-01,9
";

/// Only A3 is opened: `unused` lists A2, A9, A10, A1 (oldest first).
const EVENTS: &str = "asset_id,user,time\nA3,dan,2026-10-01T10:00:00Z\n";

fn unused(dir: &Scratch, args: &[&str]) -> Vec<String> {
    Cli::new("unused")
        .assets(dir.file("assets.csv", ASSETS))
        .events(dir.file("events.csv", EVENTS))
        .as_of(AS_OF)
        .args(args)
        .args(["--format", "csv"])
        .run()
        .ok()
        .csv_rows()
        .iter()
        .map(|r| r["asset_id"].clone())
        .collect()
}

#[test]
fn sort_compares_typed_values_with_empty_cells_last() {
    let dir = Scratch::new();
    assert_eq!(unused(&dir, &[]), ["A2", "A9", "A10", "A1"]);
    // Numbers as numbers (10 after 9), largest first by default; the empty cost last.
    assert_eq!(unused(&dir, &["--sort", "cost"]), ["A1", "A10", "A9", "A2"]);
    assert_eq!(
        unused(&dir, &["--sort", "cost:asc"]),
        ["A9", "A10", "A1", "A2"]
    );
    assert_eq!(
        unused(&dir, &["--sort", "cost:desc"]),
        ["A1", "A10", "A9", "A2"]
    );
    // Text in natural order, ascending by default: A9 before A10, case aside.
    assert_eq!(
        unused(&dir, &["--sort", "asset_id"]),
        ["A1", "A2", "A9", "A10"]
    );
    assert_eq!(
        unused(&dir, &["--sort", "asset_id:desc"]),
        ["A10", "A9", "A2", "A1"]
    );
    assert_eq!(
        unused(&dir, &["--sort", "title"]),
        ["A10", "A9", "A1", "A2"]
    );
    // Dates as dates; ties keep the report's own order (oldest first) both ways.
    assert_eq!(
        unused(&dir, &["--sort", "created"]),
        ["A2", "A9", "A10", "A1"]
    );
    assert_eq!(unused(&dir, &["--sort", "type"]), ["A9", "A10", "A2", "A1"]);
    assert_eq!(
        unused(&dir, &["--sort", "type:desc"]),
        ["A2", "A1", "A9", "A10"]
    );
}

#[test]
fn top_keeps_the_first_rows_and_says_how_many_were_left() {
    let dir = Scratch::new();
    assert_eq!(
        unused(&dir, &["--sort", "cost", "--top", "2"]),
        ["A1", "A10"]
    );
    assert_eq!(unused(&dir, &["--top", "3"]), ["A2", "A9", "A10"]);
    assert_eq!(unused(&dir, &["--top", "9"]).len(), 4);
    let cli = Cli::new("unused")
        .assets(dir.file("assets.csv", ASSETS))
        .events(dir.file("events.csv", EVENTS))
        .as_of(AS_OF)
        .args(["--sort", "cost", "--top", "2"]);
    let table = cli.clone().run().ok().stdout;
    assert!(table.contains("Showing 2 of 4 rows (--top 2)."), "{table}");
    let json = cli.clone().args(["--format", "json"]).run().ok().json();
    let ids: Vec<&str> = json["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["asset_id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["A1", "A10"]);
    let markdown = cli.args(["--format", "markdown"]).run().ok().stdout;
    let a1 = markdown.find("| A1 |").unwrap();
    let a10 = markdown.find("| A10 |").unwrap();
    assert!(a1 < a10 && !markdown.contains("| A9 |"), "{markdown}");
    assert!(markdown.contains("Showing 2 of 4 rows"), "{markdown}");
}

#[test]
fn a_streamed_report_sorts_and_cuts_the_same_in_every_format() {
    let ids = |format: &str| -> Vec<String> {
        let run = example("assets")
            .args(["--sort", "last_open:asc", "--top", "5", "--format", format])
            .run()
            .ok();
        match format {
            "csv" => run
                .csv_rows()
                .iter()
                .map(|r| r["asset_id"].clone())
                .collect(),
            _ => run.json()["rows"]
                .as_array()
                .unwrap()
                .iter()
                .map(|r| r["asset_id"].as_str().unwrap().to_string())
                .collect(),
        }
    };
    let csv = ids("csv");
    assert_eq!(csv.len(), 5);
    assert_eq!(csv, ids("json"));
    let all = example("assets")
        .args(["--format", "csv"])
        .run()
        .ok()
        .csv_rows();
    let mut opened: Vec<(&str, &str)> = all
        .iter()
        .filter(|r| !r["last_open"].is_empty())
        .map(|r| (r["last_open"].as_str(), r["asset_id"].as_str()))
        .collect();
    opened.sort_by_key(|(last, _)| *last);
    let expected: Vec<&str> = opened.iter().take(5).map(|(_, id)| *id).collect();
    assert_eq!(csv, expected);
}

#[test]
fn an_unknown_sort_column_is_a_usage_error_naming_the_columns() {
    let dir = Scratch::new();
    let run = Cli::new("unused")
        .assets(dir.file("assets.csv", ASSETS))
        .events(dir.file("events.csv", EVENTS))
        .as_of(AS_OF)
        .args(["--sort", "price"])
        .run()
        .expect_code(2);
    assert!(
        run.stderr
            .contains("asset_id, title, type, owner, created, age_days, cost"),
        "{}",
        run.stderr
    );
    assert!(run.stdout.is_empty(), "{}", run.stdout);
    let run = Cli::new("unused")
        .assets(dir.file("assets.csv", ASSETS))
        .events(dir.file("events.csv", EVENTS))
        .args(["--sort", "cost:up"])
        .run()
        .expect_code(2);
    assert!(run.stderr.contains("COLUMN:desc"), "{}", run.stderr);
    let run = Cli::new("summary")
        .assets(dir.file("assets.csv", ASSETS))
        .events(dir.file("events.csv", EVENTS))
        .args(["--top", "3"])
        .run()
        .expect_code(2);
    assert!(run.stderr.contains("--group-by"), "{}", run.stderr);
}

/// Groups by type: Z 1 of 1 never (100%), Y 2 of 4 and V 1 of 2 and X 1 of 2 (50%), W 0 of 2.
const GROUPS: &str = "\
asset_id,title,type,created
z1,z,Z,2025-01-01
y1,y,Y,2025-01-01
y2,y,Y,2025-01-01
y3,y,Y,2025-01-01
y4,y,Y,2025-01-01
v1,v,V,2025-01-01
v2,v,V,2025-01-01
x1,x,X,2025-01-01
x2,x,X,2025-01-01
w1,w,W,2025-01-01
w2,w,W,2025-01-01
";

const GROUP_EVENTS: &str = "\
asset_id,user,time
y1,ann,2026-10-01T10:00:00Z
y2,ann,2026-10-01T10:00:00Z
v1,ann,2026-10-01T10:00:00Z
x1,ann,2026-10-01T10:00:00Z
w1,ann,2026-10-01T10:00:00Z
w2,ann,2026-10-01T10:00:00Z
";

#[test]
fn summary_groups_come_worst_first_unless_sorted() {
    let dir = Scratch::new();
    let groups = |args: &[&str]| -> Vec<String> {
        Cli::new("summary")
            .assets(dir.file("assets.csv", GROUPS))
            .events(dir.file("events.csv", GROUP_EVENTS))
            .as_of(AS_OF)
            .args(["--group-by", "type", "--format", "csv"])
            .args(args)
            .run()
            .ok()
            .csv_rows()
            .iter()
            .map(|r| format!("{} {}", r["group"], r["never_opened_pct"]))
            .collect()
    };
    // The highest share, then the most never opened (Y's 2 before V's and X's 1), then name.
    assert_eq!(groups(&[]), ["Z 100", "Y 50", "V 50", "X 50", "W 0"]);
    assert_eq!(
        groups(&["--sort", "group"]),
        ["V 50", "W 0", "X 50", "Y 50", "Z 100"]
    );
    // Ties keep the worst-first order.
    assert_eq!(
        groups(&["--sort", "never_opened_pct:asc"]),
        ["W 0", "Y 50", "V 50", "X 50", "Z 100"]
    );
    assert_eq!(groups(&["--top", "2"]), ["Z 100", "Y 50"]);
}

#[test]
fn the_summary_table_shows_results_then_settings_in_words() {
    let run = example("summary").run().ok();
    let result = run.stdout.find("Result").expect("a Result block");
    let settings = run.stdout.find("Settings").expect("a Settings block");
    assert!(result < settings, "{}", run.stdout);
    let (figures, params) = run.stdout.split_at(settings);
    assert!(figures.contains("Never opened (% of judged)"), "{figures}");
    assert!(params.contains("Counted from") && params.contains("the first event"));
    assert!(!run.stdout.contains("never_opened_pct"), "{}", run.stdout);
    assert!(!run.stdout.contains("as_of"), "{}", run.stdout);
    // The machine formats keep their keys.
    let csv = example("summary").args(["--format", "csv"]).run().ok();
    assert!(csv.csv_header().contains(&"never_opened_pct".to_string()));
}

#[test]
fn check_names_each_file_once_and_a_failed_check_prints_no_empty_table() {
    let assets = fixture("core/assets.csv");
    let events = fixture("core/events.csv");
    let run = Cli::new("check")
        .assets(&assets)
        .events(&events)
        .as_of(AS_OF)
        .run()
        .ok();
    // Once in its block's first row (problems name their line, not the path again).
    assert_eq!(run.stdout.matches(&assets).count(), 1, "{}", run.stdout);
    assert_eq!(run.stdout.matches(&events).count(), 1, "{}", run.stdout);
    assert!(run.stdout.contains("line 10: column"), "{}", run.stdout);
    // CSV still names the file on every row.
    let csv = Cli::new("check")
        .assets(&assets)
        .events(&events)
        .args(["--format", "csv"])
        .run()
        .ok()
        .csv_rows();
    assert!(csv.iter().all(|r| !r["file"].is_empty()));

    let dir = Scratch::new();
    let failed = Cli::new("check")
        .assets(dir.path("missing.csv"))
        .events(&events)
        .run()
        .expect_code(2);
    assert!(!failed.stdout.contains("(no rows)"), "{}", failed.stdout);
    assert!(failed.stdout.contains("NOT usable"), "{}", failed.stdout);
    for line in failed.stdout.lines().chain(failed.stderr.lines()) {
        assert!(!line.trim_end().ends_with(':'), "{line}");
    }
}
