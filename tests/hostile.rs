//! Bad and hostile input: each case gets a clear message and exit 2, or a counted skip with
//! the right figures; never a panic.

mod common;
use common::*;

const ASSETS: &str = "id,title,created\nA1,Deck,2025-01-01\nA2,Video,2025-01-01\n";

/// `summary --format json` of `events` beside a two-asset inventory, with `extra` options.
fn summary_of(events: impl AsRef<[u8]>, extra: &[&str]) -> Run {
    let dir = Scratch::new();
    let assets = dir.file("assets.csv", ASSETS);
    let events = dir.file("events.csv", events);
    Cli::new("summary")
        .assets(&assets)
        .events(&events)
        .as_of(AS_OF)
        .args(["--format", "json"])
        .args(extra)
        .run()
}

fn error_of(events: impl AsRef<[u8]>) -> String {
    let run = summary_of(events, &[]).expect_code(2);
    assert_eq!(run.stdout, "");
    assert_eq!(run.stderr.lines().count(), 1, "one line: {}", run.stderr);
    assert!(!run.stderr.contains("panicked"), "{}", run.stderr);
    run.stderr
}

#[test]
fn empty_files_and_blank_files() {
    assert!(error_of("").contains("events.csv: the file is empty"));
    assert!(error_of("\n\n  \n").contains("the file is empty"));
}

#[test]
fn a_header_without_rows_is_an_empty_log_with_a_warning() {
    let run = summary_of("asset,time\n", &[]).ok();
    assert!(
        run.stderr
            .contains("events.csv: no data rows after the header"),
        "{}",
        run.stderr
    );
    let s = run.json();
    assert_eq!(
        (s["events_read"].clone(), s["assets_never_opened"].clone()),
        (0.into(), 2.into())
    );
}

#[test]
fn a_missing_header_row_is_named() {
    let message = error_of("A1,2026-01-01\nA2,2026-01-02\n");
    assert!(
        message.contains("headers found: \"A1\", \"2026-01-01\""),
        "{message}"
    );
    assert!(
        message.contains("does the file lack its header row?"),
        "{message}"
    );
}

#[test]
fn duplicate_and_competing_headers_are_explained() {
    let run = summary_of("asset,time,time\nA1,2026-01-01,2026-12-31\n", &[]).ok();
    assert!(
        run.stderr
            .contains("header \"time\" appears in columns 2, 3; the first is used"),
        "{}",
        run.stderr
    );
    assert_eq!(
        run.json()["events_counted"],
        1,
        "the first time column (January) was used"
    );

    let run = summary_of("asset_id,id,time\nA1,A2,2026-01-01\n", &[]).ok();
    assert!(
        run.stderr.contains("events.asset could be \"asset_id\" (used) or \"id\"; to use another, pass --col events.asset=\"id\""),
        "{}",
        run.stderr
    );
    let chosen = summary_of(
        "asset_id,id,time\nA1,A2,2026-01-01\n",
        &["--col", "events.asset=id"],
    )
    .ok();
    assert!(
        !chosen.stderr.contains("could be"),
        "an explicit choice is not questioned: {}",
        chosen.stderr
    );
}

#[test]
fn ragged_rows_are_counted_skips_with_their_line() {
    let run = summary_of(
        "asset,time\nA1,2026-01-01\nA1\nA2,2026-01-01,extra,more\nA2,2026-01-02\n",
        &[],
    )
    .ok();
    assert!(
        run.stderr
            .contains("events.csv:3: expected 2 fields, found 1; row skipped"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr
            .contains("events.csv:4: expected 2 fields, found 4; row skipped"),
        "{}",
        run.stderr
    );
    let s = run.json();
    assert_eq!(
        (
            s["events_read"].clone(),
            s["rows_skipped"].clone(),
            s["events_counted"].clone()
        ),
        (4.into(), 2.into(), 2.into())
    );
}

#[test]
fn huge_fields_and_long_lines_are_read_and_messages_stay_short() {
    let big = "x".repeat(8 << 20);
    let events = format!("asset,user,time\nA1,{big},2026-01-01\nA2,u,{big}\n");
    // --stale-after: the log ends ten months before as-of, which would add an events_stale warning.
    let run = summary_of(events, &["--stale-after", "400"]).ok();
    let s = run.json();
    assert_eq!(
        (s["events_counted"].clone(), s["rows_skipped"].clone()),
        (1.into(), 1.into())
    );
    assert!(
        run.stderr.len() < 500,
        "the bad value is cut in the message: {} bytes",
        run.stderr.len()
    );
    assert!(run.stderr.contains("xxx…"), "{}", run.stderr);
}

#[test]
fn nul_bytes_in_a_text_file_are_values_like_any_other() {
    // A NUL inside the time makes it unreadable (skipped); inside an id it is another id (orphan).
    let run = summary_of(
        b"asset,time\nA1,2026-01-01\x00\nA1\x00,2026-01-02\nA2,2026-01-03\n",
        &[],
    )
    .ok();
    assert!(
        run.stderr.contains("events.csv:2: column \"time\""),
        "{}",
        run.stderr
    );
    let s = run.json();
    assert_eq!(s["rows_skipped"], 1);
    assert_eq!(s["events_orphan"], 1);
    assert_eq!(s["events_counted"], 1);
}

#[test]
fn binary_garbage_and_broken_spreadsheets_are_refused_by_name() {
    let mut state = 0x2545_f491_u32;
    let garbage: Vec<u8> = (0..4000)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 17;
            state ^= state << 5;
            state as u8
        })
        .collect();
    assert!(error_of(garbage).contains("events.csv: this is not CSV text"));
    let mut xlsx = b"PK\x03\x04\x14\x00\x06\x00\x08\x00".to_vec();
    xlsx.extend_from_slice(&[0x8f; 200]);
    // Spreadsheets are read (tests/spreadsheets.rs); a zip or OLE file that is not one is told.
    let message = error_of(xlsx);
    assert!(
        message.contains("events.csv: a zip archive that is not a workbook"),
        "{message}"
    );
    assert!(
        message.contains("reads CSV, .xlsx, .xlsm, .xls and .ods"),
        "{message}"
    );
    let xls = b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1rest".to_vec();
    assert!(error_of(xls).contains("an OLE document that is not a readable .xls workbook"));
}

#[test]
fn invalid_utf8_is_reported_with_its_line_and_encodings_decode_it() {
    // A file mixing UTF-8 (ü) with a stray Latin-1 byte stays UTF-8, its bad row told.
    let mixed = b"asset,user,time\nA1,j\xc3\xbcrgen,2026-01-01\nA1,j\xe9r\xf4me,2026-01-02\nA2,ann,2026-01-03\n".to_vec();
    let run = summary_of(mixed, &[]).ok();
    assert!(
        run.stderr.contains("events.csv:3: column \"user\""),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("not valid UTF-8"), "{}", run.stderr);
    assert!(
        run.stderr.contains("--encoding windows-1252"),
        "{}",
        run.stderr
    );
    assert_eq!(run.json()["events_counted"], 3, "the rows still count");

    let latin1 = b"asset,user,time\nA1,ann,2026-01-01\nA1,j\xe9r\xf4me,2026-01-02\nA2,J\xc9R\xd4ME,2026-01-03\n".to_vec();
    let dir = Scratch::new();
    let assets = dir.file("assets.csv", ASSETS);
    let events = dir.file("latin1.csv", latin1);
    // Detected without --encoding, and said so.
    let detected = users_csv(&assets, &events).run().ok();
    assert!(
        detected
            .stderr
            .contains("latin1.csv: not UTF-8 text; read as windows-1252"),
        "{}",
        detected.stderr
    );
    let rows = detected.csv_rows();
    assert_eq!(row(&rows, "user", "jérôme")["events"], "2");
    assert_eq!(rows.len(), 2);
    for encoding in ["latin1", "windows-1252"] {
        let extra = ["--encoding", encoding, "--stale-after", "400"];
        let users = users_csv(&assets, &events).args(extra).run().ok();
        assert!(users.stderr.is_empty(), "{}", users.stderr);
        let rows = users.csv_rows();
        // jérôme and JÉRÔME are one user once decoded: é/É fold together.
        assert_eq!(row(&rows, "user", "jérôme")["events"], "2");
        assert_eq!(rows.len(), 2);
    }
}

/// `users --format csv` at the fixtures' as-of.
fn users_csv(assets: &str, events: &str) -> Cli {
    Cli::new("users")
        .assets(assets)
        .events(events)
        .as_of(AS_OF)
        .args(["--format", "csv"])
}

#[test]
fn utf16_is_detected_by_its_byte_order_mark_or_asked_for() {
    let text = "asset,user,time\nA1,jérôme,2026-01-01\nA2,ann,2026-01-02\n";
    let dir = Scratch::new();
    let assets = dir.file("assets.csv", ASSETS);
    let mut le = vec![0xFF, 0xFE];
    le.extend(text.encode_utf16().flat_map(|u| u.to_le_bytes()));
    let mut be = vec![0xFE, 0xFF];
    be.extend(text.encode_utf16().flat_map(|u| u.to_be_bytes()));
    for (name, bytes) in [("le.csv", le), ("be.csv", be)] {
        let events = dir.file(name, bytes);
        let rows = users_csv(&assets, &events).run().ok().csv_rows();
        assert_eq!(row(&rows, "user", "jérôme")["events"], "1", "{name}");
    }
    // Without a byte-order mark, UTF-16 is told by its NULs, file by file: the UTF-8
    // inventory beside it reads as UTF-8.
    let bare: Vec<u8> = text.encode_utf16().flat_map(|u| u.to_le_bytes()).collect();
    let events = dir.file("bare.csv", bare);
    let detected = users_csv(&assets, &events).run().ok();
    assert!(
        detected
            .stderr
            .contains("bare.csv: not UTF-8 text; read as utf-16le"),
        "{}",
        detected.stderr
    );
    assert_eq!(row(&detected.csv_rows(), "user", "jérôme")["events"], "1");
    // --encoding applies to every input, so the inventory is UTF-16 too here.
    let assets16: Vec<u8> = ASSETS
        .encode_utf16()
        .flat_map(|u| u.to_le_bytes())
        .collect();
    let assets16 = dir.file("assets16.csv", assets16);
    let rows = users_csv(&assets16, &events)
        .args(["--encoding", "utf-16"])
        .run()
        .ok()
        .csv_rows();
    assert_eq!(rows.len(), 2);
}

#[test]
fn impossible_and_extreme_times_are_skipped_not_rolled_over() {
    let events = "asset,time\n\
        A1,2026-02-30\n\
        A1,2026-03-15T24:00:00Z\n\
        A1,2026-03-15T23:59:60Z\n\
        A1,10000-01-01\n\
        A1,0000-01-01\n\
        A1,99999999999999999\n\
        A1,2026-03-15T10:00:00+14:00\n\
        A1,2026-03-15T10:00:00-12:00\n\
        A1,253402300800\n";
    let skipped = summary_of(events, &["--since", "2000-01-01"]).ok();
    let s = skipped.json();
    // Only the two offsets are real instants; 253402300800 s is year 10000, out of range.
    assert_eq!(s["events_read"], 9);
    assert_eq!(s["rows_skipped"], 7);
    assert_eq!(s["events_counted"], 2);
    let assets_run = {
        let dir = Scratch::new();
        let assets = dir.file("assets.csv", ASSETS);
        let events = dir.file(
            "events.csv",
            "asset,time\nA1,2026-03-15T10:00:00+14:00\nA1,2026-03-15T10:00:00-12:00\n",
        );
        Cli::new("assets")
            .assets(&assets)
            .events(&events)
            .as_of(AS_OF)
            .args(["--format", "csv"])
            .run()
            .ok()
    };
    let a1 = row(&assets_run.csv_rows(), "asset_id", "A1").clone();
    assert_eq!(a1["first_open"], "2026-03-14T20:00:00Z");
    assert_eq!(a1["last_open"], "2026-03-15T22:00:00Z");
}

#[test]
fn a_time_column_mixing_formats_is_pointed_out() {
    let run = summary_of(
        "asset,time\nA1,2026-01-01\nA1,2026-01-02\nA2,03/04/2026\nA2,2026-01-05\n",
        &[],
    )
    .ok();
    assert!(
        run.stderr.contains("events.csv:4: column \"time\", value \"03/04/2026\": the time column mixes formats: this is slashed dates"),
        "{}",
        run.stderr
    );
    assert_eq!(run.stderr.matches("mixes formats").count(), 1, "told once");
    assert_eq!(run.json()["events_counted"], 4, "still read");
}

/// A log whose times change shape every `block` rows, with a Latin-1 name here and there:
/// read in ranges, each range starts knowing nothing of the rows before it, yet the file
/// must be told what one thread tells. Once, each warning, at its first row: not once a
/// range, and not never (a range that began with epoch seconds saw only its own first
/// shape).
#[test]
fn a_file_read_in_ranges_tells_its_once_only_warnings_as_one_thread_does() {
    // Two ranges split the file near its middle byte, about row 1,000: in a block of dates
    // for blocks of 100 rows (the second range tells the warning again), in a block of epoch
    // times for blocks of 130 (it never would).
    for block in [100u64, 130] {
        let mut events = b"asset,user,time\nA1,zo\xc3\xab,2026-01-01T00:00:00Z\n".to_vec();
        for row in 1..2000u64 {
            let user: &[u8] = if row % 500 == 50 {
                b"j\xe9r\xf4me"
            } else {
                b"ann"
            };
            // Forty seconds apart, all on 2026-01-01.
            let second = row * 40;
            let time = if (row / block) % 2 == 0 {
                let (h, m, s) = (second / 3600, second / 60 % 60, second % 60);
                format!("2026-01-01T{h:02}:{m:02}:{s:02}Z")
            } else {
                (1_767_225_600 + second).to_string()
            };
            events.extend_from_slice(format!("A{},", 1 + row % 2).as_bytes());
            events.extend_from_slice(user);
            events.extend_from_slice(format!(",{time}\n").as_bytes());
        }
        let one = ranges_tell_as_one_thread(events, &format!("blocks of {block}"));
        // Row 50 (line 52) is the first Latin-1 name; row `block` the first epoch time.
        let warnings: Vec<&str> = one.stderr.lines().collect();
        assert_eq!(warnings.len(), 2, "{}", one.stderr);
        assert!(
            warnings[0].contains("events.csv:52: column \"user\"")
                && warnings[0].contains("not valid UTF-8"),
            "{}",
            one.stderr
        );
        let mixed = format!(
            "events.csv:{}: column \"time\", value \"{}\": the time column mixes formats",
            block + 2,
            1_767_225_600 + block * 40
        );
        assert!(warnings[1].contains(&mixed), "{}", one.stderr);
        assert_eq!(one.json()["events_counted"], 2000);
    }
}

/// `summary --format json` of `events` (beside a two-asset inventory, as of 2026-01-03) on one
/// thread, after checking that two threads tell the same, stdout and stderr, at four chunk
/// sizes; the one-thread run is returned for the caller's own checks.
fn ranges_tell_as_one_thread(events: Vec<u8>, what: &str) -> Run {
    let dir = Scratch::new();
    let assets = dir.file("assets.csv", ASSETS);
    let events = dir.file("events.csv", events);
    let run = |threads: &[&str]| {
        Cli::new("summary")
            .assets(&assets)
            .events(&events)
            .as_of("2026-01-03")
            .args(["--format", "json"])
            .args(threads)
            .run()
            .ok()
    };
    let one = run(&["--threads", "1"]);
    for chunk in ["800", "3000", "9000", "20000"] {
        let ranges = run(&["--threads", "2", "--chunk-bytes", chunk]);
        assert_eq!(ranges.stderr, one.stderr, "{what}, --chunk-bytes {chunk}");
        assert_eq!(ranges.stdout, one.stdout, "{what}, --chunk-bytes {chunk}");
    }
    one
}

#[test]
fn a_range_that_tells_the_time_shape_again_over_latin1_text_still_tells_the_encoding() {
    // Dates, then ten epoch times (told at line 12), then dates again but for one epoch time
    // on row 1,500 that also holds the file's only Latin-1 name. On one thread that row tells
    // the encoding (the shape was told). A range that begins among the later dates judges
    // them against its own first rows and tells the shape on that row instead; taken back,
    // the encoding was lost.
    let mut events = b"asset,user,time\n".to_vec();
    for row in 0..2000u64 {
        let second = row * 40;
        let time = if (10..20).contains(&row) || row == 1500 {
            (1_767_225_600 + second).to_string()
        } else {
            let (h, m, s) = (second / 3600, second / 60 % 60, second % 60);
            format!("2026-01-01T{h:02}:{m:02}:{s:02}Z")
        };
        let user: &[u8] = match row {
            0 => "zoë".as_bytes(),
            1500 => b"j\xe9r\xf4me",
            _ => b"ann",
        };
        events.extend_from_slice(format!("A{},", 1 + row % 2).as_bytes());
        events.extend_from_slice(user);
        events.extend_from_slice(format!(",{time}\n").as_bytes());
    }
    let one = ranges_tell_as_one_thread(events, "one epoch time over Latin-1");
    let warnings: Vec<&str> = one.stderr.lines().collect();
    assert_eq!(warnings.len(), 2, "{}", one.stderr);
    assert!(
        warnings[0].contains(
            "events.csv:12: column \"time\", value \"1767226000\": the time column mixes formats"
        ),
        "{}",
        one.stderr
    );
    assert!(
        warnings[1].contains("events.csv:1502: column \"user\"")
            && warnings[1].contains("not valid UTF-8"),
        "{}",
        one.stderr
    );
    assert_eq!(one.json()["events_counted"], 2000);
}

#[test]
fn a_broken_inventory_is_refused_the_same_way() {
    let dir = Scratch::new();
    let events = dir.file("events.csv", "asset,time\nA1,2026-01-01\n");
    for (contents, expected) in [
        (&b""[..], "assets.csv: the file is empty"),
        (
            b"PK\x03\x04\x14\x00\x06\x00",
            "assets.csv: a zip archive that is not a workbook",
        ),
        (
            b"title,created\nDeck,2025-01-01\n",
            "no id column for assets.id",
        ),
    ] {
        let assets = dir.file("assets.csv", contents);
        let run = Cli::new("summary")
            .assets(&assets)
            .events(&events)
            .run()
            .expect_code(2);
        assert!(run.stderr.contains(expected), "{}", run.stderr);
    }
    let assets = dir.file("assets.csv", "id,title\n");
    let run = Cli::new("summary")
        .assets(&assets)
        .events(&events)
        .as_of(AS_OF)
        .args(["--format", "json"])
        .run()
        .ok();
    assert!(
        run.stderr
            .contains("no data rows after the header: the library is empty"),
        "{}",
        run.stderr
    );
    assert_eq!(run.json()["events_orphan"], 1);
}

#[test]
fn a_header_of_a_hundred_thousand_columns_is_read_in_linear_time() {
    let n = 100_000;
    let dir = Scratch::new();
    let assets = dir.file("assets.csv", ASSETS);
    let mut header = String::from("asset,user,time");
    let mut row = String::from("\nA1,ann,2026-01-01");
    for _ in 0..n {
        header.push_str(",dup");
        row.push_str(",x");
    }
    let events = dir.file("wide.csv", header + &row + "\n");
    let check = Cli::new("check")
        .assets(&assets)
        .events(&events)
        .as_of(AS_OF)
        .run()
        .ok();
    // Named in part, counted in full (the whole list took a minute to lay out).
    assert!(
        check.stdout.contains("and 99980 more"),
        "{}",
        &check.stdout[..check.stdout.len().min(3000)]
    );
    assert!(check.stdout.len() < 100_000, "{}", check.stdout.len());
    let check = Cli::new("summary")
        .assets(&assets)
        .events(&events)
        .as_of(AS_OF)
        .run()
        .ok();
    assert!(
        check.stderr.contains("appears in columns 4, 5, 6"),
        "{}",
        check.stderr
    );
    assert!(check.stderr.contains("and 99990 more"), "{}", check.stderr);
    assert!(check.stderr.len() < 5_000, "{}", check.stderr.len());
}
