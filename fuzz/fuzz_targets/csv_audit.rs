//! Any bytes as an inventory and a usage log (split at the first 0xFF): reading, header
//! mapping and the audit never panic, every event row read is accounted for, reading the log
//! in parallel ranges gives the one-thread figures, the quote-free reader agrees with the
//! csv crate, and the log read from a pipe (as standard input is) gives the figures read from
//! the file, whatever its line ends.
#![no_main]

use clap::Parser;
use collateral_audit::cli::Cli;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    // Writing to a FIFO its reader closed must be an error, not the end of the fuzzer (a
    // Rust main ignores SIGPIPE; libFuzzer's does not).
    static IGNORE_SIGPIPE: std::sync::Once = std::sync::Once::new();
    // SAFETY: setting a signal's disposition to "ignore" at start-up, before other threads.
    IGNORE_SIGPIPE.call_once(|| unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_IGN);
    });
    let split = data.iter().position(|&b| b == 0xFF).unwrap_or(data.len() / 2);
    let (assets, events) = (&data[..split], &data[(split + 1).min(data.len())..]);
    let dir = tempfile::tempdir().unwrap();
    let (a, e) = (dir.path().join("a.csv"), dir.path().join("e.csv"));
    std::fs::write(&a, assets).unwrap();
    std::fs::write(&e, events).unwrap();
    let (a, e) = (a.to_string_lossy(), e.to_string_lossy());
    let run_with = |extra: &[&str]| {
        let mut args = vec![
            "collateral-audit", "summary", "--assets", &a, "--as-of",
            "2026-11-01", "--format", "json", "-q", "--chunk-bytes", "8",
        ];
        if !extra.contains(&"--events") {
            args.extend_from_slice(&["--events", &e]);
        }
        args.extend_from_slice(extra);
        let cli = Cli::try_parse_from(args).unwrap();
        let mut out = Vec::new();
        collateral_audit::commands::run(&cli, 0, &mut out).ok().map(|_| out)
    };
    let parallel = run_with(&["--threads", "2"]);
    let one_thread = run_with(&["--threads", "1"]);
    assert_eq!(parallel, one_thread, "two threads and one disagree");
    let piped = through_fifo(dir.path(), events, |fifo| {
        run_with(&["--threads", "1", "--events", fifo])
    });
    assert_eq!(
        one_thread.as_deref().map(figures),
        piped.as_deref().map(figures),
        "the file and a pipe disagree"
    );
    // A declared 8-bit encoding reads ASCII unchanged, through the csv crate alone.
    if data.is_ascii() {
        let csv_only = run_with(&["--threads", "1", "--encoding", "windows-1252"]);
        assert_eq!(one_thread, csv_only, "the plain reader and the csv crate disagree");
    }
    if let Some(out) = parallel {
        let s: serde_json::Value = serde_json::from_slice(&out).unwrap();
        let n = |k: &str| s[k].as_u64().unwrap();
        assert_eq!(
            n("events_read"),
            n("rows_skipped") + n("events_excluded") + n("events_orphan") + n("events_counted")
        );
    }
});

/// A run's JSON without its warnings, whose messages name the file.
fn figures(out: &[u8]) -> serde_json::Value {
    let mut s: serde_json::Value = serde_json::from_slice(out).unwrap();
    if let Some(object) = s.as_object_mut() {
        let codes: Vec<serde_json::Value> = object
            .remove("warnings")
            .and_then(|w| w.as_array().cloned())
            .unwrap_or_default()
            .iter()
            .map(|w| w["code"].clone())
            .collect();
        object.insert("warning_codes".into(), codes.into());
    }
    s
}

/// Runs `run` with the path of a FIFO that a thread fills with `bytes`.
fn through_fifo<T>(dir: &std::path::Path, bytes: &[u8], run: impl FnOnce(&str) -> T) -> T {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let fifo = dir.join("pipe.csv");
    let made = std::process::Command::new("mkfifo").arg(&fifo).status().unwrap();
    assert!(made.success());
    let writer = {
        let (fifo, bytes) = (fifo.clone(), bytes.to_vec());
        std::thread::spawn(move || {
            if let Ok(mut pipe) = std::fs::OpenOptions::new().write(true).open(&fifo) {
                let _ = pipe.write_all(&bytes);
            }
        })
    };
    let result = run(&fifo.to_string_lossy());
    // The run may have stopped before opening the FIFO: a reader held open until the writer
    // is done releases it, whether it reached its open() yet or not.
    let unblock = std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NONBLOCK)
        .open(&fifo);
    writer.join().unwrap();
    drop(unblock);
    result
}
