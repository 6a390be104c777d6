//! `man --dir`: one page per subcommand, and every page a page names is one written.

use std::collections::BTreeSet;
use std::path::Path;
use std::process::{Command, Output};

fn run(args: &[&str]) -> Output {
    let out = Command::new(env!("CARGO_BIN_EXE_collateral-audit"))
        .args(args)
        .output()
        .expect("the binary runs");
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

/// The pages a roff page names, as file names: `collateral\-audit\-summary(1)` gives
/// `collateral-audit-summary.1`.
fn pages_named(roff: &str) -> BTreeSet<String> {
    let text = roff.replace("\\-", "-");
    let mut named = BTreeSet::new();
    for (i, _) in text.match_indices("collateral-audit") {
        let rest = &text[i..];
        let name: String = rest
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '-')
            .collect();
        if let Some(section) = rest[name.len()..]
            .strip_prefix('(')
            .and_then(|s| s.split_once(')'))
            .map(|(section, _)| section)
        {
            named.insert(format!("{name}.{section}"));
        }
    }
    named
}

fn files_in(dir: &Path) -> BTreeSet<String> {
    std::fs::read_dir(dir)
        .expect("the directory was written")
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .collect()
}

#[test]
fn every_page_a_page_names_is_written_and_every_page_written_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let pages = dir.path().join("man1"); // created by the command
    run(&["man", "--dir", pages.to_str().unwrap()]);
    let written = files_in(&pages);
    let main = std::fs::read_to_string(pages.join("collateral-audit.1")).unwrap();
    let from_main = pages_named(&main);
    for command in ["summary", "report", "check", "diff", "man"] {
        let page = format!("collateral-audit-{command}.1");
        assert!(from_main.contains(&page), "the main page names {page}");
    }
    assert!(
        !from_main.contains("collateral-audit-help.1"),
        "no page for clap's help subcommand is named"
    );
    let mut expected = from_main.clone();
    expected.insert("collateral-audit.1".to_string());
    assert_eq!(
        written, expected,
        "pages written vs pages the main page names"
    );
    for page in written.iter().filter(|p| *p != "collateral-audit.1") {
        let roff = std::fs::read_to_string(pages.join(page)).unwrap();
        let name = page.trim_end_matches(".1");
        assert!(
            roff.contains(&format!(".TH {name} 1")),
            "{page} is titled as its name"
        );
        let named = pages_named(&roff);
        assert!(
            named.contains("collateral-audit.1"),
            "{page} refers back to the main page"
        );
        let dangling: Vec<&String> = named.difference(&written).collect();
        assert!(
            dangling.is_empty(),
            "{page} names missing pages {dangling:?}"
        );
    }
}

#[test]
fn man_without_dir_prints_the_main_page_written_to_dir() {
    let dir = tempfile::tempdir().unwrap();
    run(&["man", "--dir", dir.path().to_str().unwrap()]);
    let printed = run(&["man"]).stdout;
    let written = std::fs::read(dir.path().join("collateral-audit.1")).unwrap();
    assert_eq!(
        String::from_utf8(printed).unwrap(),
        String::from_utf8(written).unwrap()
    );
}

#[test]
fn a_subcommand_page_holds_its_options_and_examples() {
    let dir = tempfile::tempdir().unwrap();
    run(&["man", "--dir", dir.path().to_str().unwrap()]);
    let roff = std::fs::read_to_string(dir.path().join("collateral-audit-diff.1")).unwrap();
    let text = roff.replace("\\-", "-");
    assert!(text.contains("--fail-if-never-opened-rises-by"), "{text}");
    assert!(text.contains("collateral-audit diff 2026-10.json 2026-11.json"));
}

#[test]
fn an_unwritable_directory_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("a-file");
    std::fs::write(&file, "").unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_collateral-audit"))
        .args(["man", "--dir", file.to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("cannot write the man pages there"),
        "{stderr}"
    );
}
