//! Running the real binary on fixtures and reading what it printed.
#![allow(dead_code)] // each test file uses a different part of the harness

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    /// Asserts the exit code, showing what the tool said when it differs.
    pub fn expect_code(self, code: i32) -> Self {
        assert_eq!(
            self.code, code,
            "exit code\n--- stdout\n{}\n--- stderr\n{}",
            self.stdout, self.stderr
        );
        self
    }

    pub fn ok(self) -> Self {
        self.expect_code(0)
    }

    /// The CSV on stdout as one map per row, keyed by header.
    pub fn csv_rows(&self) -> Vec<BTreeMap<String, String>> {
        let mut reader = csv::Reader::from_reader(self.stdout.as_bytes());
        let headers = reader.headers().expect("CSV header").clone();
        reader
            .records()
            .map(|record| {
                let record = record.expect("CSV row");
                headers
                    .iter()
                    .map(String::from)
                    .zip(record.iter().map(String::from))
                    .collect()
            })
            .collect()
    }

    pub fn csv_header(&self) -> Vec<String> {
        let mut reader = csv::Reader::from_reader(self.stdout.as_bytes());
        reader
            .headers()
            .expect("CSV header")
            .iter()
            .map(String::from)
            .collect()
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("stdout is not JSON ({e}):\n{}", self.stdout))
    }
}

pub fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

pub fn fixture(relative: &str) -> String {
    fixtures().join(relative).to_string_lossy().into_owned()
}

/// Runs `COMMAND --assets A --events E --as-of 2026-11-01 EXTRA...`, the fixtures' as-of.
pub fn audit(command: &str, assets: &str, events: &str, extra: &[&str]) -> Run {
    let mut args = vec![
        command,
        "--assets",
        assets,
        "--events",
        events,
        "--as-of",
        "2026-11-01",
    ];
    args.extend_from_slice(extra);
    run(&args)
}

pub fn run(args: &[&str]) -> Run {
    run_with_stdin(args, None)
}

pub fn run_with_stdin(args: &[&str], stdin: Option<&[u8]>) -> Run {
    let mut child = Command::new(env!("CARGO_BIN_EXE_collateral-audit"))
        .args(args)
        .env_remove("NO_COLOR")
        .env("COLUMNS", "200")
        .stdin(if stdin.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run collateral-audit");
    if let Some(input) = stdin {
        use std::io::Write;
        let mut pipe = child.stdin.take().unwrap();
        pipe.write_all(input).unwrap();
    }
    let output = child.wait_with_output().unwrap();
    Run {
        code: output.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

/// A temporary directory holding CSV files written from string literals.
pub struct Scratch {
    dir: tempfile::TempDir,
}

impl Scratch {
    pub fn new() -> Self {
        Scratch {
            dir: tempfile::tempdir().unwrap(),
        }
    }

    pub fn file(&self, name: &str, contents: impl AsRef<[u8]>) -> String {
        let path = self.dir.path().join(name);
        std::fs::write(&path, contents).unwrap();
        path.to_string_lossy().into_owned()
    }

    pub fn path(&self, name: &str) -> String {
        self.dir.path().join(name).to_string_lossy().into_owned()
    }
}

/// The row whose `key` column equals `value`.
pub fn row<'a>(
    rows: &'a [BTreeMap<String, String>],
    key: &str,
    value: &str,
) -> &'a BTreeMap<String, String> {
    rows.iter()
        .find(|r| r.get(key).map(String::as_str) == Some(value))
        .unwrap_or_else(|| panic!("no row with {key}={value} in {rows:#?}"))
}
