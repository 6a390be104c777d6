//! Spreadsheets out: `--format xlsx` and `report --out audit.xlsx`, read back with calamine
//! and checked cell by cell against the same report in CSV.

mod common;
use calamine::{Data, Reader, Xlsx};
use common::*;
use std::io::Cursor;

/// The sheets of a workbook, by name, as calamine reads them.
fn sheets(bytes: &[u8]) -> Vec<(String, Vec<Vec<Data>>)> {
    let mut book: Xlsx<_> = Xlsx::new(Cursor::new(bytes.to_vec())).expect("an xlsx workbook");
    let names = book.sheet_names();
    names
        .into_iter()
        .map(|name| {
            let range = book.worksheet_range(&name).expect("a sheet");
            let rows = range.rows().map(|r| r.to_vec()).collect();
            (name, rows)
        })
        .collect()
}

/// An Excel serial date-time as the CSV writes a date (whole day) or an instant.
fn iso(serial: f64, instant: bool) -> String {
    let epoch = chrono::NaiveDate::from_ymd_opt(1899, 12, 30)
        .unwrap()
        .and_hms_opt(0, 0, 0)
        .unwrap();
    let t = epoch + chrono::Duration::milliseconds((serial * 86_400_000.0).round() as i64);
    if instant {
        t.format("%Y-%m-%dT%H:%M:%SZ").to_string()
    } else {
        t.format("%Y-%m-%d").to_string()
    }
}

fn run_bytes(cli: Cli) -> Vec<u8> {
    let output = cli.command().output().expect("the binary runs");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    output.stdout
}

/// Every cell of `command`'s workbook against its CSV: the same header, and per cell the
/// type the column calls for with the CSV's value.
fn matches_csv(command: &str) -> Vec<Vec<Data>> {
    let xlsx = run_bytes(core(command).as_of(AS_OF).args(["--format", "xlsx", "-q"]));
    let csv = core(command)
        .as_of(AS_OF)
        .args(["--format", "csv", "--raw-csv", "-q"])
        .run()
        .ok();
    let header = csv.csv_header();
    let rows = csv.csv_rows();
    let book = sheets(&xlsx);
    assert_eq!(book.len(), 1);
    let (name, cells) = &book[0];
    assert_eq!(name, "Report");
    let got_header: Vec<String> = cells[0].iter().map(|c| c.to_string()).collect();
    assert_eq!(got_header, header, "{command}: header");
    assert_eq!(cells.len() - 1, rows.len(), "{command}: rows");
    for (r, (row, expected)) in cells[1..].iter().zip(&rows).enumerate() {
        for (c, cell) in row.iter().enumerate() {
            let column = &header[c];
            let want = &expected[column];
            let at = format!("{command} row {} column {column}", r + 2);
            match cell {
                Data::Empty => assert_eq!(want, "", "{at}"),
                Data::String(s) => {
                    assert_eq!(s, want, "{at}");
                    assert!(
                        want.parse::<f64>().is_err() || column.contains("id") || column == "group",
                        "{at}: a number written as text: {s}"
                    );
                }
                Data::Float(x) if column.ends_with("_pct") => {
                    let pct: f64 = want.parse().unwrap_or_else(|_| panic!("{at}: {want}"));
                    assert!((x * 100.0 - pct).abs() < 1e-9, "{at}: {x} for {pct}%");
                }
                Data::Float(x) => {
                    let n: f64 = want.parse().unwrap_or_else(|_| panic!("{at}: {want}"));
                    assert_eq!(*x, n, "{at}");
                }
                Data::Bool(b) => assert_eq!(b.to_string(), *want, "{at}"),
                Data::DateTime(d) => {
                    let instant = want.contains('T');
                    assert_eq!(iso(d.as_f64(), instant), *want, "{at}");
                }
                other => panic!("{at}: unexpected cell {other:?}"),
            }
        }
    }
    cells.clone()
}

#[test]
fn every_table_report_is_a_sheet_of_typed_cells_with_the_csvs_values() {
    for command in ["summary", "unused", "assets", "trends", "cohorts", "users"] {
        matches_csv(command);
    }
    // Spot checks, by hand from tests/fixtures/core: A1 is the most opened asset (4 opens),
    // published 2026-01-10, first opened 2026-09-01 08:00 UTC.
    let assets = matches_csv("assets");
    let first = &assets[1];
    assert_eq!(first[0], Data::String("A1".into()));
    assert!(matches!(first[4], Data::DateTime(d) if d.as_f64() == 46_032.0));
    let summary = matches_csv("summary");
    let header: Vec<String> = summary[0].iter().map(|c| c.to_string()).collect();
    let at = |key: &str| &summary[1][header.iter().position(|h| h == key).unwrap()];
    assert_eq!(*at("never_opened_pct"), Data::Float(0.3333));
    assert_eq!(*at("assets_judged"), Data::Float(6.0));
}

#[test]
fn ids_and_titles_stay_text_never_numbers_or_formulas() {
    let dir = Scratch::new();
    let assets = dir.file(
        "assets.csv",
        "id,title,created\n007,=HYPERLINK(\"http://x\"),2025-01-01\n123,+1,2025-01-01\n",
    );
    let events = dir.file("events.csv", "asset,time\n007,2026-10-01T12:30:00Z\n");
    let out = dir.path("unused.xlsx");
    let xlsx = |format: &str, extra: &[&str]| {
        Cli::new("assets")
            .assets(&assets)
            .events(&events)
            .as_of(AS_OF)
            .args(["--format", format, "-q"])
            .args(extra)
    };
    xlsx("xlsx", &["--out", &out]).run().ok();
    let bytes = std::fs::read(&out).unwrap();
    let book = sheets(&bytes);
    let cells = &book[0].1;
    let row = |id: &str| {
        cells
            .iter()
            .find(|r| r[0] == Data::String(id.into()))
            .unwrap_or_else(|| panic!("{id} as text"))
    };
    assert_eq!(
        row("007")[1],
        Data::String("=HYPERLINK(\"http://x\")".into())
    );
    assert_eq!(row("123")[1], Data::String("+1".into()));
    // No formula anywhere in the workbook.
    let mut reader: Xlsx<_> = Xlsx::new(Cursor::new(bytes.clone())).unwrap();
    let formulas = reader.worksheet_formula("Report").unwrap();
    assert!(formulas.used_cells().all(|(_, _, f)| f.is_empty()));
    // The instant keeps its time of day, in UTC.
    let header: Vec<String> = cells[0].iter().map(|c| c.to_string()).collect();
    let last = header.iter().position(|h| h == "last_open").unwrap();
    let Data::DateTime(d) = row("007")[last] else {
        panic!("last_open is a date-time: {:?}", row("007")[last]);
    };
    assert_eq!(iso(d.as_f64(), true), "2026-10-01T12:30:00Z");
    // The same report to standard output is the same bytes, run after run.
    assert_eq!(run_bytes(xlsx("xlsx", &[])), bytes);
    assert_eq!(run_bytes(xlsx("xlsx", &[])), bytes);
}

#[test]
fn titles_that_look_like_rich_text_xml_come_back_as_written() {
    // rust_xlsxwriter writes a shared string that starts with <r> and ends with </r> as raw
    // rich-text XML: these titles would be a broken workbook, or another text.
    let titles = [
        "<r>plain</r>",
        "<r><t>shown instead</t></r>",
        "<r>a & b < c</r>",
        "<r></r>",
    ];
    let dir = Scratch::new();
    let mut inventory = String::from("id,title,created\n");
    for (i, title) in titles.iter().enumerate() {
        inventory.push_str(&format!(
            "A{i},\"{}\",2025-01-01\n",
            title.replace('"', "\"\"")
        ));
    }
    let assets = dir.file("assets.csv", &inventory);
    let events = dir.file("events.csv", "asset,time\nA0,2026-10-01T12:30:00Z\n");
    for command in ["assets", "unused"] {
        let xlsx = run_bytes(
            Cli::new(command)
                .assets(&assets)
                .events(&events)
                .as_of(AS_OF)
                .args(["--format", "xlsx", "-q"]),
        );
        let book = sheets(&xlsx);
        let cells = &book[0].1;
        let title = cells[0]
            .iter()
            .position(|h| h == &Data::String("title".into()))
            .unwrap();
        let mut got: Vec<String> = cells[1..].iter().map(|r| r[title].to_string()).collect();
        got.sort();
        let mut want: Vec<String> = titles.iter().map(|t| t.to_string()).collect();
        if command == "unused" {
            want.retain(|t| t != "<r>plain</r>");
        }
        want.sort();
        assert_eq!(got, want, "{command}");
    }
    // The page's workbook too, whose sheets are written whole.
    let out = dir.path("audit.xlsx");
    Cli::new("report")
        .assets(&assets)
        .events(&events)
        .as_of(AS_OF)
        .args(["-q", "--out", &out])
        .run()
        .ok();
    let book = sheets(&std::fs::read(&out).unwrap());
    let found: Vec<String> = book
        .iter()
        .flat_map(|(_, rows)| rows.iter().flatten().map(|c| c.to_string()))
        .filter(|c| c.starts_with("<r>"))
        .collect();
    for title in titles {
        assert!(found.iter().any(|c| c == title), "{title}: {found:?}");
    }
}

#[test]
fn report_writes_the_whole_audit_as_one_workbook() {
    let dir = Scratch::new();
    let out = dir.path("audit.xlsx");
    let data = |name: &str| {
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("examples/data")
            .join(name)
            .to_string_lossy()
            .into_owned()
    };
    let report = |out: &str| {
        Cli::new("report")
            .assets(data("assets.csv"))
            .events(data("events.csv"))
            .as_of(AS_OF)
            .args(["--opportunities", &data("opportunities.csv"), "-q"])
            .args(["--out", out])
            .run()
            .ok()
    };
    report(&out);
    let bytes = std::fs::read(&out).unwrap();
    let book = sheets(&bytes);
    let names: Vec<&str> = book.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(
        names,
        [
            "Summary",
            "Never opened",
            "Assets",
            "Trends",
            "Cohorts",
            "Users",
            "Influence"
        ]
    );
    // Summary: the figures under plain labels, with the CSV's values.
    let summary = Cli::new("summary")
        .assets(data("assets.csv"))
        .events(data("events.csv"))
        .as_of(AS_OF)
        .args(["--format", "csv", "-q"])
        .run()
        .ok()
        .csv_rows();
    let figures = &book[0].1;
    let figure = |key: &str| {
        figures
            .iter()
            .find(|r| r.get(2) == Some(&Data::String(key.into())))
            .unwrap_or_else(|| panic!("{key} on the Summary sheet"))
    };
    let pct: f64 = summary[0]["never_opened_pct"].parse().unwrap();
    assert_eq!(
        figure("never_opened_pct")[0],
        Data::String("Never opened (%)".into())
    );
    assert_eq!(figure("never_opened_pct")[1], Data::Float(pct / 100.0));
    let judged: f64 = summary[0]["assets_judged"].parse().unwrap();
    assert_eq!(figure("assets_judged")[1], Data::Float(judged));
    assert_eq!(figure("as_of")[0], Data::String("Parameter: as of".into()));
    // Never opened: as many rows as `unused` prints.
    let unused = Cli::new("unused")
        .assets(data("assets.csv"))
        .events(data("events.csv"))
        .as_of(AS_OF)
        .args(["--format", "csv", "-q"])
        .run()
        .ok()
        .csv_rows();
    assert_eq!(book[1].1.len(), unused.len() + 1);
    // Trends carries a native chart (its part is named in the zip's directory).
    let text = String::from_utf8_lossy(&bytes);
    assert!(text.contains("xl/charts/chart1.xml"));
    assert_eq!(book[3].1[0][0], Data::String("period".into()));
    // The same inputs give the same bytes; --format xlsx on stdout too.
    let again = dir.path("again.xlsx");
    report(&again);
    assert_eq!(std::fs::read(&again).unwrap(), bytes);
}

use std::path::Path;

#[test]
fn out_on_a_table_command_is_written_whole_and_never_over_an_input() {
    let dir = Scratch::new();
    let events = dir.file("events.csv", "asset,time\nA1,2026-10-01\n");
    let assets = dir.file("assets.csv", "id,created\nA1,2025-01-01\nA2,2025-01-01\n");
    let refused = Cli::new("unused")
        .assets(&assets)
        .events(&events)
        .args(["--format", "xlsx", "--out", &events])
        .run()
        .expect_code(2);
    assert!(
        refused.stderr.contains("is also an input"),
        "{}",
        refused.stderr
    );
    assert_eq!(
        std::fs::read_to_string(&events).unwrap(),
        "asset,time\nA1,2026-10-01\n"
    );
    let out = dir.path("unused.csv");
    let run = Cli::new("unused")
        .assets(&assets)
        .events(&events)
        .as_of(AS_OF)
        .args(["--format", "csv", "--out", &out])
        .run()
        .ok();
    assert!(run.stdout.is_empty(), "the report went to the file");
    let written = std::fs::read_to_string(&out).unwrap();
    assert!(written.starts_with("asset_id,"), "{written}");
    assert!(written.contains("\nA2,"), "A2 was never opened: {written}");
}

/// A workbook is binary: to a terminal it is refused, under a pseudo-terminal from util-linux
/// `script` (the test says so and stops where `script` is missing).
#[test]
#[cfg(target_os = "linux")]
fn a_workbook_is_never_written_to_a_terminal() {
    if !Path::new("/usr/bin/script").exists() {
        eprintln!("no /usr/bin/script: terminal refusal not exercised");
        return;
    }
    for command in ["unused", "report"] {
        let line = format!(
            "{} {command} --assets {} --events {} --as-of {AS_OF} --format xlsx -q",
            env!("CARGO_BIN_EXE_collateral-audit"),
            fixture("core/assets.csv"),
            fixture("core/events.csv"),
        );
        let out = std::process::Command::new("/usr/bin/script")
            .args(["-qec", &line, "/dev/null"])
            .output()
            .unwrap();
        let text = String::from_utf8_lossy(&out.stdout);
        assert_eq!(out.status.code(), Some(2), "{command}: {text}");
        assert!(
            text.contains("--format xlsx writes a binary workbook: give --out FILE"),
            "{text}"
        );
        assert!(
            !text.contains("PK"),
            "{command}: no workbook bytes on the terminal"
        );
    }
}

/// A streamed sheet keeps its rows in the temporary directory: one that cannot be written is
/// an error naming it (rust_xlsxwriter would panic), and no workbook is left behind.
#[test]
fn an_unwritable_temporary_directory_is_an_error_not_a_panic() {
    let dir = Scratch::new();
    let events = dir.file("events.csv", "asset,time\nA1,2026-10-01\n");
    let assets = dir.file("assets.csv", "id,created\nA1,2025-01-01\nA2,2025-01-01\n");
    let out = dir.path("unused.xlsx");
    let missing = dir.path("no-such-directory");
    let run = Cli::new("unused")
        .assets(&assets)
        .events(&events)
        .as_of(AS_OF)
        .env("TMPDIR", &missing)
        .args(["--format", "xlsx", "--out", &out])
        .run()
        .expect_code(2);
    assert!(
        run.stderr.contains("temporary directory") && run.stderr.contains(&missing),
        "{}",
        run.stderr
    );
    assert!(!run.stderr.contains("panicked"), "{}", run.stderr);
    assert!(!Path::new(&out).exists(), "a workbook was written");
}
