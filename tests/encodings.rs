//! Issue 11: files in a legacy encoding or UTF-16 without a byte-order mark are detected file
//! by file, so ids and users join exactly; Excel's `sep=` first line is honoured.

mod common;

use common::{Cli, Scratch, AS_OF};

#[test]
fn a_windows_1252_log_beside_a_utf8_inventory_joins_and_keeps_users_apart() {
    let dir = Scratch::new();
    let assets = dir.file("a.csv", "id,title\nCafé-Deck,Deck\nA2,Other\n");
    // Café-Deck and the users éa and èa, in Windows-1252.
    let events = dir.file(
        "e.csv",
        b"asset_id,user,timestamp\nCaf\xe9-Deck,\xe9a,2026-06-01\nA2,\xe8a,2026-06-02\nCaf\xe9-Deck,\xe8a,2026-06-03\n",
    );
    let run = Cli::new("summary")
        .assets(&assets)
        .events(&events)
        .as_of(AS_OF)
        .args(["--format", "json"])
        .run()
        .ok();
    let s = run.json();
    assert_eq!(s["events_orphan"], 0);
    assert_eq!(s["events_counted"], 3);
    assert_eq!(s["users_active"], 2);
    assert_eq!(s["assets_never_opened"], 0);
    assert!(
        run.stderr
            .contains("e.csv: not UTF-8 text; read as windows-1252"),
        "{}",
        run.stderr
    );
    // A Windows-1252 inventory beside a UTF-16 log, each detected on its own.
    let assets = dir.file("a1252.csv", b"id,title\nCaf\xe9-Deck,Deck\nA2,Other\n");
    let text = "asset_id,user,timestamp\nCafé-Deck,éa,2026-06-01\nA2,èa,2026-06-02\n";
    let utf16: Vec<u8> = text.encode_utf16().flat_map(|u| u.to_le_bytes()).collect();
    let events = dir.file("e16.csv", utf16);
    let s = Cli::new("summary")
        .assets(&assets)
        .events(&events)
        .as_of(AS_OF)
        .args(["--format", "json", "-q"])
        .run()
        .ok()
        .json();
    assert_eq!(s["events_orphan"], 0);
    assert_eq!(s["events_counted"], 2);
    assert_eq!(s["users_active"], 2);
}

#[test]
fn a_latin1_accent_past_the_first_64_kib_is_still_detected() {
    let dir = Scratch::new();
    let assets = dir.file("a.csv", "id,title\nCafé-Deck,Deck\nA2,Other\n");
    let mut log = b"asset_id,user,timestamp\n".to_vec();
    for i in 0..5000 {
        log.extend(format!("A2,u{i},2026-06-01\n").bytes());
    }
    log.extend(b"Caf\xe9-Deck,zo\xeb,2026-06-02\n");
    assert!(log.len() > 64 * 1024);
    let events = dir.file("e.csv", log);
    let s = Cli::new("summary")
        .assets(&assets)
        .events(&events)
        .as_of(AS_OF)
        .args(["--format", "json", "-q"])
        .run()
        .ok()
        .json();
    assert_eq!(s["events_orphan"], 0);
    assert_eq!(s["assets_never_opened"], 0);
}

#[test]
fn excel_sep_line_names_the_delimiter_and_is_skipped() {
    let dir = Scratch::new();
    let assets = dir.file("a.csv", "sep=;\nid;title\nA1;Deck, final\nA2;Other\n");
    let events = dir.file(
        "e.csv",
        "sep=;\r\nasset_id;user;timestamp\r\nA1;u;2026-06-01\r\nA1;u;never\r\n",
    );
    let run = Cli::new("summary")
        .assets(&assets)
        .events(&events)
        .as_of(AS_OF)
        .args(["--format", "json"])
        .run()
        .ok();
    let s = run.json();
    assert_eq!(s["assets_total"], 2);
    assert_eq!(s["events_counted"], 1);
    assert_eq!(s["rows_skipped"], 1);
    // Lines count the sep line: the bad row is line 4.
    assert!(
        run.stderr.contains("e.csv:4: column \"timestamp\""),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("`sep=;`"), "{}", run.stderr);
}
