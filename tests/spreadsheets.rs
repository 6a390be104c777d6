//! Spreadsheets in: .xlsx, .xls and .ods inputs read by cell type, a sheet chosen by
//! `FILE#Sheet`, error cells and absurd sheets told. Fixtures in tests/fixtures/sheets are
//! tests/fixtures/core typed as a spreadsheet holds it (see make.py there).

mod common;
use common::*;

fn sheet(name: &str) -> String {
    fixture(&format!("sheets/{name}"))
}

/// `COMMAND --format csv` at the fixtures' as-of, from these inputs.
fn csv_of(command: &str, assets: &str, events: &str) -> Run {
    Cli::new(command)
        .assets(assets)
        .events(events)
        .as_of(AS_OF)
        .args(["--format", "csv"])
        .run()
        .ok()
}

#[test]
fn xlsx_xls_ods_and_the_1904_system_give_the_figures_of_the_same_data_in_csv() {
    let from_csv = |command| {
        csv_of(
            command,
            &fixture("core/assets.csv"),
            &fixture("core/events.csv"),
        )
    };
    for command in ["summary", "unused", "assets", "users"] {
        let expected = from_csv(command).stdout;
        for book in ["core.xlsx", "core-1904.xlsx", "core.xls", "core.ods"] {
            // The first sheet by default; the second named after `#`.
            let assets = sheet(book);
            let events = format!("{}#Events", sheet(book));
            let run = csv_of(command, &assets, &events);
            assert_eq!(run.stdout, expected, "{command} from {book}");
        }
    }
    // Hand-checked against the CSV fixture: 6 judged, 4 opened, 12 rows read, 2 of them bad.
    let summary = &from_csv("summary").csv_rows()[0];
    assert_eq!(summary["assets_judged"], "6");
    assert_eq!(summary["assets_never_opened"], "2");
    assert_eq!(summary["rows_skipped"], "2");
    assert_eq!(summary["cost_total"], "3850");
}

#[test]
fn bad_rows_of_a_sheet_are_told_at_the_sheets_own_row() {
    let run = csv_of(
        "summary",
        &sheet("core.xlsx"),
        &format!("{}#Events", sheet("core.xls")),
    );
    // Row 10 of the sheet holds `not-a-date` (the header is row 1), row 11 an empty id.
    assert!(
        run.stderr
            .contains("core.xls#Events:10: column \"Timestamp\", value \"not-a-date\""),
        "{}",
        run.stderr
    );
    assert!(run
        .stderr
        .contains("core.xls#Events:11: column \"Asset ID\""));
}

#[test]
fn an_error_cell_in_a_column_read_is_a_bad_row_with_its_cell_reference() {
    let run = csv_of("summary", &sheet("core.xlsx"), &sheet("errors.xlsx"));
    // Two empty rows, then the header on row 3: A3's view is row 8, its timestamp E8. The
    // #N/A in the unread Notes column (F4) costs nothing.
    assert!(
        run.stderr.contains(
            "errors.xlsx#Usage:8: column \"Timestamp\", value \"#N/A\": error cell E8 in sheet \"Usage\""
        ),
        "{}",
        run.stderr
    );
    assert!(!run.stderr.contains("F4"), "{}", run.stderr);
    let s = &run.csv_rows()[0];
    assert_eq!(s["events_read"], "12");
    assert_eq!(
        s["rows_skipped"], "3",
        "not-a-date, the empty id and the error cell"
    );
    // A3 had only that view: it is never opened now (2 before, 3 now).
    assert_eq!(s["assets_never_opened"], "3");
    assert_eq!(s["events_counted"], "7");
    let strict = Cli::new("summary")
        .assets(sheet("core.xlsx"))
        .events(sheet("errors.xlsx"))
        .as_of(AS_OF)
        .arg("--strict")
        .run()
        .expect_code(2);
    assert!(strict.stderr.contains("error cell E8"), "{}", strict.stderr);
}

#[test]
fn a_sheet_declaring_absurd_dimensions_is_refused_unread() {
    let run = Cli::new("summary")
        .assets(sheet("hostile.xlsx"))
        .events(fixture("core/events.csv"))
        .as_of(AS_OF)
        .run()
        .expect_code(2);
    assert!(
        run.stderr.contains(
            "hostile.xlsx: sheet \"Sheet1\" declares the range A1:XFD1048576 (17179869184 cells), absurd for a file of"
        ),
        "{}",
        run.stderr
    );
}

#[test]
fn a_shared_strings_count_beyond_the_files_bytes_is_refused_not_an_abort() {
    let run = Cli::new("check")
        .assets(sheet("hostile-strings.xlsx"))
        .events(fixture("core/events.csv"))
        .run()
        .expect_code(2);
    assert!(
        run.stderr.contains(
            "hostile-strings.xlsx: its shared-strings part declares 100000000000 strings, more than its bytes can hold"
        ),
        "{}",
        run.stderr
    );
}

#[test]
fn check_shows_the_sheet_and_a_missing_sheet_names_those_there_are() {
    let run = Cli::new("check")
        .assets(sheet("core.xlsx"))
        .events(format!("{}#events", sheet("core.ods")))
        .as_of(AS_OF)
        .args(["--format", "csv"])
        .run()
        .ok();
    let rows = run.csv_rows();
    let spreadsheet: Vec<_> = rows
        .iter()
        .filter(|r| r["check"] == "spreadsheet")
        .collect();
    assert_eq!(spreadsheet.len(), 2);
    assert!(spreadsheet[0]["file"].ends_with("core.xlsx#Assets"));
    assert_eq!(spreadsheet[0]["value"], "xlsx, sheet \"Assets\"");
    assert_eq!(
        spreadsheet[1]["value"], "ods, sheet \"Events\"",
        "found ignoring case"
    );
    let missing = Cli::new("check")
        .assets(format!("{}#Deals", sheet("core.xlsx")))
        .events(fixture("core/events.csv"))
        .run()
        .expect_code(2);
    assert!(
        missing
            .stderr
            .contains("core.xlsx: no sheet named \"Deals\"; its sheets are \"Assets\", \"Events\""),
        "{}",
        missing.stderr
    );
}

#[test]
fn a_workbook_on_standard_input_is_recognised_by_its_bytes() {
    let run = Cli::new("summary")
        .assets(sheet("core.xlsx"))
        // `--events -#Events` would read as an option: the `=` form keeps it a value.
        .arg("--events=-#Events")
        .as_of(AS_OF)
        .args(["--format", "csv"])
        .stdin(std::fs::read(sheet("core.xls")).unwrap())
        .run()
        .ok();
    let expected = csv_of(
        "summary",
        &fixture("core/assets.csv"),
        &fixture("core/events.csv"),
    );
    assert_eq!(run.stdout, expected.stdout);
}

#[test]
fn ids_keep_their_text_and_whole_numbers_lose_the_point_zero() {
    let dir = Scratch::new();
    let path = dir.path("inventory.xlsx");
    let mut book = rust_xlsxwriter::Workbook::new();
    let ws = book.add_worksheet();
    for (c, h) in ["Content ID", "Title", "Published Date", "Production Cost"]
        .iter()
        .enumerate()
    {
        ws.write_string(0, c as u16, *h).unwrap();
    }
    let date = rust_xlsxwriter::Format::new().set_num_format("yyyy-mm-dd");
    let day = rust_xlsxwriter::ExcelDateTime::from_ymd(2025, 1, 1).unwrap();
    // A text id with leading zeros, a number id, a title that looks like a formula.
    ws.write_string(1, 0, "00123").unwrap();
    ws.write_string(1, 1, "=SUM(A1:A2)").unwrap();
    ws.write_number(2, 0, 12345.0).unwrap();
    ws.write_string(2, 1, "Deck").unwrap();
    for r in 1..=2 {
        ws.write_datetime_with_format(r, 2, &day, &date).unwrap();
        ws.write_number(r, 3, 250.0).unwrap();
    }
    book.save(&path).unwrap();
    let events = dir.file("events.csv", "asset,time\n12345,2026-10-01\n");
    let run = Cli::new("assets")
        .assets(&path)
        .events(&events)
        .as_of(AS_OF)
        .args(["--format", "json"])
        .run()
        .ok();
    let json = run.json();
    let rows = json["rows"].as_array().expect("a list of assets");
    let by_id = |id: &str| rows.iter().find(|r| r["asset_id"] == id).expect(id);
    assert_eq!(by_id("00123")["title"], "=SUM(A1:A2)");
    assert_eq!(by_id("00123")["opens"], 0);
    let number = by_id("12345");
    assert_eq!(
        number["opens"], 1,
        "the event's 12345 is the sheet's 12345.0"
    );
    assert_eq!(number["created"], "2025-01-01");
}
