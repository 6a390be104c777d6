//! The workbook writer's tests: serials, labels, and streamed sheets against the workbook
//! written with every sheet in memory.

use super::*;

#[test]
fn serials_are_excels() {
    // 2026-11-01 is Excel's day 46327; noon adds half a day.
    let day = 1_793_491_200_000;
    assert_eq!(serial(day), 46_327.0);
    assert_eq!(serial(day + MS_PER_DAY / 2), 46_327.5);
}

/// A workbook of every kind of cell: a front sheet, a streamed sheet, three sheets of whole
/// reports (one with a chart), and, when `streamed_last`, a streamed sheet after them with
/// texts of its own; every sheet in memory when `all_in_memory` (as before streaming).
fn every_kind_of_cell(all_in_memory: bool, streamed_last: bool) -> Vec<u8> {
    let day = 1_793_491_200_000;
    let long = "x".repeat(CELL_CHARS + 10);
    let row = |i: i64| {
        vec![
            Value::text(format!("00{i}")),
            // (A text like `<r>a</r>` is written as a rich string, shared in a whole sheet and
            // inline in a streamed one: tests/workbooks.rs reads both back.)
            Value::text(["=1+1", " padded ", "two\nlines", "é ü 中", "<b>a</b>"][i as usize % 5]),
            Value::text(if i == 3 { long.clone() } else { "Deck".into() }),
            Value::List(vec!["a".into(), "b".into()]),
            Value::Null,
            Value::Int(i * 7),
            Value::Num(i as f64 * 12.345),
            Value::Int(5895 + i),
            Value::Num(58.95 + i as f64),
            Value::Date(day + i * MS_PER_DAY),
            Value::Instant(day + i * 3_600_001),
            Value::Bool(i % 2 == 0),
        ]
    };
    let columns = [
        "asset_id",
        "title",
        "type",
        "tags",
        "owner",
        "opens",
        "cost",
        "share_pct",
        "adoption_pct",
        "last_day",
        "last_open",
        "stale",
    ];
    let rows = Report::rows(Vec::new(), &columns, (0..6).map(row).collect());
    let params = vec![("as_of".to_string(), Value::Date(day))];
    let record = Report::record(params, vec![("assets".into(), Value::Int(3))]);
    let empty = Report::rows(Vec::new(), &columns, Vec::new());
    let lines = vec!["A headline".to_string()];
    let mut book = Book::with(day, all_in_memory).unwrap();
    book.front(Labelled {
        name: "Summary",
        lines: &lines,
        rows: vec![
            ("Assets".into(), Value::Int(3), "assets".into()),
            ("Share (%)".into(), Value::Num(12.5), "share_pct".into()),
        ],
    })
    .unwrap();
    let stream = RowStream::new(Vec::new(), &columns, (0..6).rev().map(row));
    book.add(Sheet::new("Streamed", Table::stream(stream)))
        .unwrap();
    book.add(Sheet {
        name: "Charted",
        table: Table::of(&rows),
        chart: Some(ColumnChart {
            title: "Adoption",
            categories: "asset_id",
            values: "adoption_pct",
        }),
    })
    .unwrap();
    book.add(Sheet::new("Record", Table::of(&record))).unwrap();
    book.add(Sheet::new("Empty", Table::of(&empty))).unwrap();
    if streamed_last {
        let own = |i: i64| vec![Value::text(format!("own {i}")), Value::text("Deck")];
        let stream = RowStream::new(Vec::new(), &["label", "type"], (0..3).map(own));
        book.add(Sheet::new("Last", Table::stream(stream))).unwrap();
    }
    book.bytes()
}

/// Every part of a workbook, by name, in the order it is zipped.
fn parts(bytes: &[u8]) -> Vec<(String, String)> {
    use std::io::Read;
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    (0..zip.len())
        .map(|i| {
            let mut part = zip.by_index(i).unwrap();
            let mut text = String::new();
            part.read_to_string(&mut text).unwrap();
            (part.name().to_string(), text)
        })
        .collect()
}

/// `xml` without the `name="..."` attributes.
fn without(xml: &str, name: &str) -> String {
    let attribute = format!(" {name}=\"");
    let mut out = String::with_capacity(xml.len());
    let mut rest = xml;
    while let Some(at) = rest.find(&attribute) {
        out.push_str(&rest[..at]);
        let after = &rest[at + attribute.len()..];
        rest = &after[after.find('"').unwrap() + 1..];
    }
    out.push_str(rest);
    out
}

/// The `<si>` items of a shared-strings part.
fn shared(sst: &str) -> Vec<&str> {
    sst.split("<si>")
        .skip(1)
        .map(|s| &s[..s.find("</si>").unwrap()])
        .collect()
}

/// A sheet's XML with each shared-string index `<c .. t="s"><v>N</v>` replaced by the text
/// it points to.
fn resolved(xml: &str, strings: &[&str]) -> String {
    let mut out = String::with_capacity(xml.len());
    let mut rest = xml;
    while let Some(at) = rest.find(" t=\"s\"><v>") {
        let start = at + " t=\"s\"><v>".len();
        out.push_str(&rest[..start]);
        let end = start + rest[start..].find('<').unwrap();
        out.push_str(strings[rest[start..end].parse::<usize>().unwrap()]);
        rest = &rest[end..];
    }
    out.push_str(rest);
    out
}

#[test]
fn streamed_sheets_give_the_same_workbook_but_for_spans() {
    let before = parts(&every_kind_of_cell(true, false));
    let after = parts(&every_kind_of_cell(false, false));
    let names = |parts: &[(String, String)]| -> Vec<String> {
        parts.iter().map(|(name, _)| name.clone()).collect()
    };
    assert_eq!(names(&before), names(&after));
    let mut dropped = 0;
    for ((name, before), (_, after)) in before.iter().zip(&after) {
        if before != after {
            dropped += before.matches(" spans=\"").count();
            assert_eq!(without(before, "spans"), *after, "{name}");
        }
    }
    // The front sheet's and the streamed sheet's rows (the chart's sheet keeps them).
    assert_eq!(dropped, 4 + 7, "spans left out");
}

#[test]
fn a_streamed_sheet_after_whole_ones_gives_the_same_cells_in_another_string_order() {
    let before = parts(&every_kind_of_cell(true, true));
    let after = parts(&every_kind_of_cell(false, true));
    let sst = |parts: &[(String, String)]| {
        let part = parts
            .iter()
            .find(|(name, _)| name == "xl/sharedStrings.xml");
        part.unwrap().1.clone()
    };
    let (sst_before, sst_after) = (sst(&before), sst(&after));
    let (strings_before, strings_after) = (shared(&sst_before), shared(&sst_after));
    assert_ne!(strings_before, strings_after, "the order is the same");
    let mut sorted = (strings_before.clone(), strings_after.clone());
    sorted.0.sort_unstable();
    sorted.1.sort_unstable();
    assert_eq!(sorted.0, sorted.1);
    for ((name, before), (_, after)) in before.iter().zip(&after) {
        if name == "xl/sharedStrings.xml" {
            let head = |xml: &str| xml[..xml.find("<si>").unwrap()].to_string();
            assert_eq!(head(before), head(after));
        } else {
            let before = without(&resolved(before, &strings_before), "spans");
            let after = without(&resolved(after, &strings_after), "spans");
            assert_eq!(before, after, "{name}");
        }
    }
}

#[test]
fn keys_read_as_labels() {
    assert_eq!(label("assets_never_opened"), "Assets never opened");
    assert_eq!(label("never_opened_pct"), "Never opened (%)");
    assert_eq!(label("as_of"), "As of");
}
