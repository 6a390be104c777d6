//! Any bytes as an inventory and a usage log (split at the first 0xFF): reading, header
//! mapping and the audit never panic, every event row read is accounted for, and reading the
//! log in parallel ranges gives the one-thread figures.
#![no_main]

use clap::Parser;
use collateral_audit::cli::Cli;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let split = data.iter().position(|&b| b == 0xFF).unwrap_or(data.len() / 2);
    let (assets, events) = (&data[..split], &data[(split + 1).min(data.len())..]);
    let dir = tempfile::tempdir().unwrap();
    let (a, e) = (dir.path().join("a.csv"), dir.path().join("e.csv"));
    std::fs::write(&a, assets).unwrap();
    std::fs::write(&e, events).unwrap();
    let (a, e) = (a.to_string_lossy(), e.to_string_lossy());
    let run = |threads: &str| {
        let args = [
            "collateral-audit", "summary", "--assets", &a, "--events", &e, "--as-of",
            "2026-11-01", "--format", "json", "-q", "--threads", threads, "--chunk-bytes", "8",
        ];
        let cli = Cli::try_parse_from(args).unwrap();
        let mut out = Vec::new();
        collateral_audit::commands::run(&cli, 0, &mut out).ok().map(|_| out)
    };
    let parallel = run("2");
    assert_eq!(parallel, run("1"), "two threads and one disagree");
    if let Some(out) = parallel {
        let s: serde_json::Value = serde_json::from_slice(&out).unwrap();
        let n = |k: &str| s[k].as_u64().unwrap();
        assert_eq!(
            n("events_read"),
            n("rows_skipped") + n("events_excluded") + n("events_orphan") + n("events_counted")
        );
    }
});
