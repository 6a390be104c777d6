//! Issue 11's reading regressions: a stray quote that swallowed the rest of a file, records
//! without end, a header ending in a bare CR, and inputs that can be read only once (pipes,
//! FIFOs, `/dev/stdin`, process substitution).

mod common;

use common::{Cli, Scratch, AS_OF};
use std::io::Write;

const ASSETS: &str = "asset_id,title\nA1,Deck\nA2,Other\n";

/// `asset_id,user,timestamp`, a row whose user opens a quote never closed (line 2), then
/// `good` good rows for A2.
fn stray_quote_log(good: usize) -> String {
    let mut text = String::from("asset_id,user,timestamp\nA1,\"u0,2025-06-01\n");
    for i in 0..good {
        text.push_str(&format!("A2,u{i},2025-06-0{}\n", i % 9 + 1));
    }
    text
}

fn gzip(text: &[u8]) -> Vec<u8> {
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    gz.write_all(text).unwrap();
    gz.finish().unwrap()
}

#[test]
fn a_quote_never_closed_is_an_error_naming_its_line_on_every_path() {
    let dir = Scratch::new();
    let assets = dir.file("a.csv", ASSETS);
    let text = stray_quote_log(2000);
    let plain = dir.file("e.csv", &text);
    let gz = dir.file("e.csv.gz", gzip(text.as_bytes()));
    let runs = [
        (plain.clone(), vec!["--threads", "1"]),
        (plain.clone(), vec!["--threads", "2", "--chunk-bytes", "64"]),
        (gz.clone(), vec![]),
    ];
    for (events, extra) in runs {
        let run = Cli::new("summary")
            .assets(&assets)
            .events(&events)
            .as_of(AS_OF)
            .args(&extra)
            .run()
            .expect_code(2);
        let wanted = format!("{events}:2: a quote opened on this line is never closed");
        assert!(run.stderr.contains(&wanted), "{extra:?}: {}", run.stderr);
        assert!(run.stdout.is_empty(), "no figures: {}", run.stdout);
    }
    let piped = Cli::new("summary")
        .assets(&assets)
        .events("-")
        .as_of(AS_OF)
        .stdin(text.as_bytes())
        .run()
        .expect_code(2);
    assert!(
        piped.stderr.contains("<stdin>:2: a quote opened"),
        "{}",
        piped.stderr
    );
    let check = Cli::new("check")
        .assets(&assets)
        .events(&plain)
        .as_of(AS_OF)
        .run()
        .expect_code(2);
    assert!(
        check.stderr.contains(":2: a quote opened"),
        "{}",
        check.stderr
    );
}

#[test]
fn a_quote_never_closed_in_the_inventory_is_an_error_too() {
    let dir = Scratch::new();
    let assets = dir.file("a.csv", "asset_id,title\nA1,\"Deck\nA2,Other\nA3,Third\n");
    let events = dir.file("e.csv", "asset_id,user,timestamp\nA2,u,2025-06-01\n");
    let run = Cli::new("summary")
        .assets(&assets)
        .events(&events)
        .as_of(AS_OF)
        .run()
        .expect_code(2);
    assert!(
        run.stderr
            .contains("a.csv:2: a quote opened on this line is never closed"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_quote_closed_lines_later_skips_one_row_told_with_its_first_and_last_line() {
    let dir = Scratch::new();
    let assets = dir.file("a.csv", ASSETS);
    // The quote opened on line 2 is closed on line 6 (`u"x`): lines 2-6 are one row whose
    // user holds four line breaks. Lines 7 and 8 count.
    let text = "asset_id,user,timestamp\nA1,\"u0,2025-06-01\nA2,u1,2025-06-02\nA2,u2,2025-06-03\n\
                A2,u3,2025-06-04\nA2,u\"x,2025-06-05\nA2,v,2025-06-06\nA1,w,2025-06-07\n";
    let events = dir.file("e.csv", text);
    for threads in ["1", "2"] {
        let run = Cli::new("summary")
            .assets(&assets)
            .events(&events)
            .as_of(AS_OF)
            .args([
                "--format",
                "json",
                "--threads",
                threads,
                "--chunk-bytes",
                "16",
            ])
            .run()
            .ok();
        let s = run.json();
        assert_eq!(s["events_read"], 3);
        assert_eq!(s["rows_skipped"], 1);
        assert_eq!(s["events_counted"], 2);
        assert_eq!(s["users_active"], 2);
        assert!(
            run.stderr
                .contains("this row runs from line 2 to line 6: a quote left open"),
            "{}",
            run.stderr
        );
        assert!(
            run.stderr.contains("e.csv:2: column \"user\""),
            "{}",
            run.stderr
        );
    }
}

#[test]
fn a_record_past_the_size_limit_stops_the_read_at_its_line() {
    let dir = Scratch::new();
    let assets = dir.file("a.csv", ASSETS);
    let mut text = b"asset_id,user,timestamp\nA1,u,2025-06-01\n".to_vec();
    text.extend(std::iter::repeat_n(b'x', 3 << 20));
    let gz = dir.file("long.csv.gz", gzip(&text));
    let plain = dir.file("long.csv", &text);
    for events in [&gz, &plain] {
        let run = Cli::new("summary")
            .assets(&assets)
            .events(events)
            .as_of(AS_OF)
            .args(["--max-record-size", "1MiB"])
            .run()
            .expect_code(2);
        assert!(
            run.stderr.contains(&format!(
                "{events}:3: a record runs past 1 MiB without a line end"
            )),
            "{}",
            run.stderr
        );
        assert!(run.stderr.contains("--max-record-size"), "{}", run.stderr);
        // The default (64 MiB) reads it: one row with 1 field, skipped.
        let s = Cli::new("summary")
            .assets(&assets)
            .events(events)
            .as_of(AS_OF)
            .args(["--format", "json", "-q"])
            .run()
            .ok()
            .json();
        assert_eq!(s["rows_skipped"], 1);
        assert_eq!(s["events_counted"], 1);
    }
    // A quote left open is named too.
    let mut quoted = b"asset_id,user,timestamp\nA1,u,2025-06-01\nA1,\"u".to_vec();
    quoted.extend(b"x,2025-06-01\n".repeat(200_000));
    let events = dir.file("quoted.csv", &quoted);
    let run = Cli::new("summary")
        .assets(&assets)
        .events(&events)
        .as_of(AS_OF)
        .args(["--max-record-size", "1MiB"])
        .run()
        .expect_code(2);
    assert!(
        run.stderr
            .contains("quoted.csv:3: a quote opened on line 3 is still open 1 MiB later"),
        "{}",
        run.stderr
    );
    let bad = Cli::new("summary")
        .assets(&assets)
        .events(&events)
        .as_of(AS_OF)
        .args(["--max-record-size", "lots"])
        .run()
        .expect_code(2);
    assert!(
        bad.stderr.contains("--max-record-size \"lots\""),
        "{}",
        bad.stderr
    );
}

/// The counted and orphan events of a run, for comparing readers.
fn figures(stdout: &str) -> (u64, u64, u64) {
    let s: serde_json::Value = serde_json::from_str(stdout).unwrap();
    let n = |k: &str| s[k].as_u64().unwrap();
    (n("events_read"), n("events_orphan"), n("events_counted"))
}

#[test]
fn a_header_ending_in_a_bare_cr_loses_no_byte_of_the_first_row() {
    let dir = Scratch::new();
    let assets = dir.file("a.csv", "asset_id\r\nA1\r\nA2\r\n");
    let texts = [
        "asset_id,user,timestamp\rA1,u1,2025-06-01\r\nA2,u2,2025-06-02\r\n",
        "asset_id,user,timestamp\rA1,u1,2025-06-01\rA2,u2,2025-06-02\r",
        // A quoted header cell holding CRLF, the header itself ending in LF.
        "\"asset_id\",\"user\r\nname\",timestamp\nA1,u1,2025-06-01\nA2,u2,2025-06-02\n",
    ];
    for (i, text) in texts.iter().enumerate() {
        let events = dir.file(&format!("e{i}.csv"), text);
        let stdin_run = Cli::new("summary")
            .assets(&assets)
            .events("-")
            .as_of(AS_OF)
            .args(["--format", "json", "-q"])
            .stdin(text.as_bytes())
            .run()
            .ok();
        assert_eq!(figures(&stdin_run.stdout), (2, 0, 2), "stdin, {text:?}");
        for threads in ["1", "2"] {
            let file_run = Cli::new("summary")
                .assets(&assets)
                .events(&events)
                .as_of(AS_OF)
                .args(["--format", "json", "-q"])
                .args(["--threads", threads, "--chunk-bytes", "8"])
                .run()
                .ok();
            assert_eq!(
                figures(&file_run.stdout),
                (2, 0, 2),
                "{threads} threads, {text:?}"
            );
        }
    }
}

fn sha256(bytes: &[u8]) -> String {
    use sha2::{Digest, Sha256};
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[test]
fn pipes_fifos_and_dev_stdin_are_read_once_with_their_digests() {
    let dir = Scratch::new();
    let mut assets = String::from("asset_id,title\n");
    for i in 0..5000 {
        assets.push_str(&format!("A{i},Deck {i}\n"));
    }
    let mut events = String::from("asset_id,user,timestamp\n");
    for i in 0..3000 {
        events.push_str(&format!("A{},u{},2025-06-01\n", i * 7 % 5000, i % 40));
    }
    dir.file("a.csv", &assets);
    dir.file("e.csv", &events);
    dir.file("e.csv.gz", gzip(events.as_bytes()));
    let by_file = Cli::new("snapshot")
        .assets(dir.path("a.csv"))
        .events(dir.path("e.csv"))
        .as_of(AS_OF)
        .run()
        .ok()
        .json();
    assert_eq!(by_file["summary"]["assets_total"], 5000);
    let substituted = Cli::bash(
        "$BIN snapshot --assets <(cat a.csv) --events <(cat e.csv.gz) --as-of 2026-11-01",
    )
    .current_dir(dir.root())
    .run()
    .ok()
    .json();
    assert_eq!(substituted["summary"], by_file["summary"]);
    let inputs = substituted["inputs"].as_array().unwrap();
    assert_eq!(inputs[0]["sha256"], sha256(assets.as_bytes()));
    assert_eq!(inputs[0]["rows"], 5000);
    let gz_bytes = std::fs::read(dir.path("e.csv.gz")).unwrap();
    assert_eq!(inputs[1]["sha256"], sha256(&gz_bytes));
    // /dev/stdin holding gzip, and a FIFO.
    let dev_stdin = Cli::bash(
        "$BIN snapshot --assets a.csv --events /dev/stdin --as-of 2026-11-01 < <(cat e.csv.gz)",
    )
    .current_dir(dir.root())
    .run()
    .ok()
    .json();
    assert_eq!(dev_stdin["summary"], by_file["summary"]);
    let fifo = Cli::bash(
        "mkfifo f && (cat e.csv > f &) && $BIN snapshot --assets a.csv --events f --as-of 2026-11-01",
    )
    .current_dir(dir.root())
    .run()
    .ok()
    .json();
    assert_eq!(fifo["summary"], by_file["summary"]);
    assert_eq!(fifo["inputs"][1]["sha256"], sha256(events.as_bytes()));
}

#[test]
fn the_same_data_given_twice_is_refused_naming_both() {
    let dir = Scratch::new();
    let assets = dir.file("a.csv", ASSETS);
    let text = "asset_id,user,timestamp\nA1,u,2025-06-01\nA2,v,2025-06-02\n";
    let jan = dir.file("jan.csv", text);
    dir.file("jan.csv.gz", gzip(text.as_bytes()));
    let twice = Cli::new("summary")
        .assets(&assets)
        .events(&jan)
        .events(&jan)
        .as_of(AS_OF)
        .run()
        .expect_code(2);
    assert!(
        twice.stderr.contains("are the same file"),
        "{}",
        twice.stderr
    );
    let glob = dir.path("jan*");
    let both = Cli::new("summary")
        .assets(&assets)
        .events(&glob)
        .as_of(AS_OF)
        .run()
        .expect_code(2);
    assert!(
        both.stderr
            .contains(&format!("--events {jan} and {jan}.gz hold the same data")),
        "{}",
        both.stderr
    );
    // Same first bytes and same size, one row different: two logs, both counted.
    let feb = dir.file("feb.csv", text.replace("v,2025-06-02", "w,2025-06-02"));
    let s = Cli::new("summary")
        .assets(&assets)
        .events(&jan)
        .events(&feb)
        .as_of(AS_OF)
        .args(["--format", "json"])
        .run()
        .ok()
        .json();
    assert_eq!(s["events_counted"], 4);
}

#[test]
fn zeros_after_the_last_gzip_member_are_passed_over_with_a_note() {
    let dir = Scratch::new();
    let assets = dir.file("a.csv", ASSETS);
    let mut bytes = gzip(b"asset_id,user,timestamp\nA1,u,2026-06-01\n");
    bytes.extend(gzip(b"A2,v,2026-06-02\n"));
    bytes.extend(vec![0u8; 4096]);
    let events = dir.file("padded.csv.gz", &bytes);
    let run = Cli::new("summary")
        .assets(&assets)
        .events(&events)
        .as_of(AS_OF)
        .args(["--format", "json"])
        .run()
        .ok();
    assert_eq!(run.json()["events_counted"], 2);
    assert!(
        run.stderr
            .contains("padded.csv.gz: zeros after the end of the gzip data were passed over"),
        "{}",
        run.stderr
    );
    bytes.extend(b"junk");
    let events = dir.file("junk.csv.gz", &bytes);
    let run = Cli::new("summary")
        .assets(&assets)
        .events(&events)
        .as_of(AS_OF)
        .run()
        .expect_code(2);
    assert!(
        run.stderr.contains("junk.csv.gz: cannot read"),
        "{}",
        run.stderr
    );
}

#[test]
fn pseudonymized_users_stay_hidden_in_problem_messages_and_check() {
    let dir = Scratch::new();
    let assets = dir.file("a.csv", ASSETS);
    // A user value with a line break, and one that is not UTF-8 in a UTF-8 file.
    let events = dir.file(
        "e.csv",
        b"asset_id,user,timestamp\nA1,\"secret.rep@corp.com\nx\",2026-06-01\nA2,j\xc3\xbcrgen,2026-06-02\nA2,hidden.r\xe9p@corp.com,2026-06-03\n",
    );
    let key = ["--pseudonymize-users", "--pseudonym-key", "k"];
    for command in ["summary", "check", "users"] {
        let run = Cli::new(command)
            .assets(&assets)
            .events(&events)
            .as_of(AS_OF)
            .args(key)
            .run();
        let all = format!("{}{}", run.stdout, run.stderr);
        assert!(!all.contains("secret.rep"), "{command}: {all}");
        assert!(!all.contains("hidden.r"), "{command}: {all}");
        assert!(
            all.contains("column \"user\", value \"user-"),
            "{command}: {all}"
        );
    }
}
