//! The one harness of the integration tests: [`Cli`] runs the real binary, [`Run`] reads what it
//! printed, [`Scratch`] holds the files a test writes. Modelled on ripgrep's `tests/util.rs` and
//! fd's `tests/testenv`.
#![allow(dead_code)] // each test file uses a different part of the harness

use std::collections::BTreeMap;
use std::ffi::{OsStr, OsString};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// The as-of the fixtures' figures were worked out for.
pub const AS_OF: &str = "2026-11-01";

const BIN: &str = env!("CARGO_BIN_EXE_collateral-audit");

/// One invocation of the tool, built up and then run:
/// `Cli::new("summary").assets(a).events(e).as_of(AS_OF).args(["--format", "json"]).run()`.
///
/// Arguments reach the command line in the order they are given. Every run has `NO_COLOR`
/// and `COLUMNS` removed, so no output depends on the terminal the tests run in (a test that
/// wants a fitted table sets `COLUMNS`); standard input is empty unless [`Cli::stdin`] gives it.
#[derive(Clone, Debug)]
pub struct Cli {
    program: OsString,
    args: Vec<OsString>,
    stdin: Option<Vec<u8>>,
    env: Vec<(OsString, Option<OsString>)>,
    dir: Option<PathBuf>,
}

impl Cli {
    /// `collateral-audit COMMAND`.
    pub fn new(command: &str) -> Self {
        Cli {
            program: BIN.into(),
            args: vec![command.into()],
            stdin: None,
            env: Vec::new(),
            dir: None,
        }
    }

    /// `bash -c SCRIPT` with `$BIN` naming the tool, for inputs only a shell can make
    /// (process substitution, FIFOs).
    pub fn bash(script: &str) -> Self {
        Cli {
            program: "bash".into(),
            args: vec!["-c".into(), script.into()],
            ..Cli::new("")
        }
        .env("BIN", BIN)
    }

    pub fn assets(self, path: impl AsRef<OsStr>) -> Self {
        self.arg("--assets").arg(path)
    }

    /// `--events PATH`; call it once per file, or with `-` for standard input.
    pub fn events(self, path: impl AsRef<OsStr>) -> Self {
        self.arg("--events").arg(path)
    }

    #[allow(clippy::wrong_self_convention)] // named after --as-of, not a conversion
    pub fn as_of(self, date: &str) -> Self {
        self.arg("--as-of").arg(date)
    }

    pub fn arg(mut self, arg: impl AsRef<OsStr>) -> Self {
        self.args.push(arg.as_ref().to_owned());
        self
    }

    pub fn args<I, S>(self, args: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: AsRef<OsStr>,
    {
        args.into_iter().fold(self, Cli::arg)
    }

    /// What the tool reads on standard input.
    pub fn stdin(mut self, bytes: impl Into<Vec<u8>>) -> Self {
        self.stdin = Some(bytes.into());
        self
    }

    pub fn env(mut self, key: impl AsRef<OsStr>, value: impl AsRef<OsStr>) -> Self {
        let value = Some(value.as_ref().to_owned());
        self.env.push((key.as_ref().to_owned(), value));
        self
    }

    pub fn env_remove(mut self, key: impl AsRef<OsStr>) -> Self {
        self.env.push((key.as_ref().to_owned(), None));
        self
    }

    pub fn current_dir(mut self, dir: impl AsRef<Path>) -> Self {
        self.dir = Some(dir.as_ref().to_owned());
        self
    }

    /// The process set up but not started, for a test that handles its pipes itself (closing
    /// stdout early, stderr into `/dev/full`).
    pub fn command(&self) -> Command {
        let mut command = Command::new(&self.program);
        command
            .args(&self.args)
            .env_remove("NO_COLOR")
            // A set COLUMNS fits tables even into a pipe: a test asks for a width itself.
            .env_remove("COLUMNS")
            .stdin(Stdio::null());
        for (key, value) in &self.env {
            match value {
                Some(value) => command.env(key, value),
                None => command.env_remove(key),
            };
        }
        if let Some(dir) = &self.dir {
            command.current_dir(dir);
        }
        command
    }

    /// Runs to the end, with stdout and stderr captured.
    pub fn run(&self) -> Run {
        let mut command = self.command();
        if self.stdin.is_some() {
            command.stdin(Stdio::piped());
        }
        let mut child = command
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap_or_else(|e| panic!("run {:?}: {e}", self.program));
        // Written beside the reading of stdout and stderr, so neither pipe can fill and stall.
        let writer = self.stdin.clone().map(|input| {
            let mut pipe = child.stdin.take().unwrap();
            std::thread::spawn(move || std::io::Write::write_all(&mut pipe, &input))
        });
        let output = child.wait_with_output().unwrap();
        if let Some(writer) = writer {
            match writer.join().unwrap() {
                Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => panic!("stdin: {e}"),
                _ => {}
            }
        }
        Run {
            code: output.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        }
    }
}

/// `COMMAND` on the hand-worked fixture in tests/fixtures/core.
pub fn core(command: &str) -> Cli {
    Cli::new(command)
        .assets(fixture("core/assets.csv"))
        .events(fixture("core/events.csv"))
}

/// What a finished run printed, and its exit code.
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

    /// The directory itself, to run a command in.
    pub fn root(&self) -> &Path {
        self.dir.path()
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
