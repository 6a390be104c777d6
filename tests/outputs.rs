//! Issue 11's output regressions: a closed stdout ends quietly in every format, a full stderr
//! never panics, `--out` never overwrites an input or leaves half a file, and control
//! characters from the inputs cannot reach the terminal raw.

mod common;

use common::{core, fixture, Cli, Scratch, AS_OF};
use std::process::Stdio;

/// `COMMAND` on the shipped sample in examples/data, at the fixtures' as-of.
fn example(command: &str) -> Cli {
    Cli::new(command)
        .assets(fixture("../../examples/data/assets.csv"))
        .events(fixture("../../examples/data/events.csv"))
        .as_of(AS_OF)
}

#[test]
fn a_closed_stdout_ends_quietly_with_exit_0_in_every_format() {
    for command in ["assets", "snapshot", "report"] {
        let formats: &[&str] = match command {
            "assets" => &["table", "csv", "json", "markdown"],
            _ => &["-"],
        };
        for format in formats {
            let mut cli = example(command).arg("-q");
            if *format != "-" {
                cli = cli.args(["--format", format]);
            }
            let mut child = cli
                .command()
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap();
            drop(child.stdout.take()); // the reader goes away before anything is written
            let output = child.wait_with_output().unwrap();
            let stderr = String::from_utf8_lossy(&output.stderr);
            assert_eq!(
                output.status.code(),
                Some(0),
                "{command} {format}: {stderr}"
            );
            assert!(stderr.is_empty(), "{command} {format}: {stderr}");
        }
    }
}

#[test]
fn a_full_stderr_never_panics() {
    let full = std::fs::OpenOptions::new().write(true).open("/dev/full");
    let Ok(full) = full else {
        return; // not Linux
    };
    // Warnings to a full stderr: the figures still reach stdout, exit 0.
    let output = example("summary")
        .args(["--format", "json"])
        .command()
        .stderr(full)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0));
    let s: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(s["assets_never_opened"], 224);
    // An error to a full stderr: exit 2, not 101.
    let full = std::fs::OpenOptions::new()
        .write(true)
        .open("/dev/full")
        .unwrap();
    let output = Cli::new("summary")
        .assets("missing.csv")
        .events("missing.csv")
        .command()
        .stderr(full)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
}

#[test]
fn out_never_names_an_input_and_replaces_the_file_whole() {
    let dir = Scratch::new();
    let assets = dir.file("a.csv", "asset_id,title\nA1,Deck\n");
    let events = dir.file("e.csv", "asset_id,user,timestamp\nA1,u,2026-06-01\n");
    for command in ["snapshot", "report"] {
        let refused = Cli::new(command)
            .assets(&assets)
            .events(&events)
            .as_of(AS_OF)
            .args(["--out", &events])
            .run()
            .expect_code(2);
        assert!(
            refused.stderr.contains("is also an input"),
            "{}",
            refused.stderr
        );
        assert_eq!(
            std::fs::read_to_string(&events).unwrap(),
            "asset_id,user,timestamp\nA1,u,2026-06-01\n"
        );
    }
    let out = dir.path("snap.json");
    std::fs::write(&out, "previous").unwrap();
    // A run that fails leaves the previous file.
    let broken = dir.file("broken.csv", "asset_id,user,timestamp\nA1,\"u,2026-06-01\n");
    Cli::new("snapshot")
        .assets(&assets)
        .events(&broken)
        .as_of(AS_OF)
        .args(["--out", &out])
        .run()
        .expect_code(2);
    assert_eq!(std::fs::read_to_string(&out).unwrap(), "previous");
    Cli::new("snapshot")
        .assets(&assets)
        .events(&events)
        .as_of(AS_OF)
        .args(["--out", &out])
        .run()
        .ok();
    let doc: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
    assert_eq!(doc["summary"]["assets_total"], 1);
    let left: Vec<_> = std::fs::read_dir(dir.path(""))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".part"))
        .collect();
    assert!(left.is_empty(), "{left:?}");
}

#[test]
fn control_characters_in_cells_are_shown_escaped_in_tables() {
    let dir = Scratch::new();
    let assets = dir.file(
        "a.csv",
        "asset_id,title\nA1,\"Deck\u{1b}]0;pwned\u{7}\u{1b}[2J\"\nA2,\"Other\rX\"\n",
    );
    let events = dir.file("e.csv", "asset_id,user,timestamp\nA1,u,2026-06-01\n");
    let run = Cli::new("assets")
        .assets(&assets)
        .events(&events)
        .as_of(AS_OF)
        .arg("-q")
        .run()
        .ok();
    assert!(!run.stdout.contains('\u{1b}'), "{:?}", run.stdout);
    assert!(!run.stdout.contains('\r'), "{:?}", run.stdout);
    assert!(
        run.stdout.contains("Deck\\u{1b}]0;pwned\\u{7}"),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("Other\\rX"), "{}", run.stdout);
    // CSV keeps the value as it is, for machines.
    let csv = Cli::new("assets")
        .assets(&assets)
        .events(&events)
        .as_of(AS_OF)
        .args(["--format", "csv", "-q"])
        .run()
        .ok();
    assert!(
        csv.stdout.contains("Deck\u{1b}]0;pwned"),
        "{:?}",
        csv.stdout
    );
}

#[test]
fn output_options_exist_only_where_a_table_is_written() {
    // A snapshot is JSON and a report is HTML or xlsx: another format there would be ignored.
    for (command, extra, refusal) in [
        ("snapshot", ["--format", "csv"], "unexpected argument"),
        (
            "report",
            ["--format", "json"],
            "invalid value 'json' for '--format",
        ),
        ("snapshot", ["--raw-csv", "-q"], "unexpected argument"),
    ] {
        let run = core(command).args(extra).run().expect_code(2);
        assert!(
            run.stderr.contains(refusal),
            "{command} {extra:?}: {}",
            run.stderr
        );
        assert!(run.stdout.is_empty(), "{command} {extra:?}");
    }
    // Every table command still takes them.
    for command in [
        "summary", "unused", "assets", "trends", "cohorts", "users", "check",
    ] {
        let run = core(command)
            .args(["--format", "csv", "--raw-csv", "-q"])
            .run()
            .ok();
        assert!(run.stdout.lines().count() >= 2, "{command}: {}", run.stdout);
    }
}

#[test]
fn no_message_ends_in_a_dangling_colon() {
    let dir = Scratch::new();
    let assets = dir.file(
        "a.csv",
        "asset_id,title,created,cost\nA1,Deck,soon,12\nA2,Other,2026-01-01,n/a\n",
    );
    let events = dir.file(
        "e.csv",
        "asset_id,user,timestamp\nA1,u,2026-06-01\nA1,v,never\n",
    );
    let run = Cli::new("summary")
        .assets(&assets)
        .events(&events)
        .as_of(AS_OF)
        .run()
        .ok();
    assert!(
        run.stderr
            .contains("cannot read the created date; kept as undated"),
        "{}",
        run.stderr
    );
    for line in run.stderr.lines() {
        assert!(!line.trim_end().ends_with(':'), "{line}");
    }
}

#[test]
fn every_table_command_writes_its_report_to_out_and_nothing_to_stdout() {
    let dir = Scratch::new();
    for command in [
        "summary",
        "unused",
        "assets",
        "trends",
        "cohorts",
        "users",
        "duplicates",
        "check",
    ] {
        let printed = core(command)
            .as_of(AS_OF)
            .args(["--format", "csv", "-q"])
            .run()
            .ok()
            .stdout;
        let out = dir.path(&format!("{command}.csv"));
        let run = core(command)
            .as_of(AS_OF)
            .args(["--format", "csv", "-q", "--out", &out])
            .run()
            .ok();
        assert_eq!(run.stdout, "", "{command} --out printed");
        let written = std::fs::read_to_string(&out).unwrap_or_default();
        assert_eq!(written, printed, "{command} --out wrote another report");
        assert!(!written.is_empty(), "{command}");
    }
}
