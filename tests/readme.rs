//! The README's tables against the binary's `--help`: every subcommand in the commands table,
//! every long option in the options table, and no option there that the binary does not take.

use std::collections::BTreeSet;
use std::process::Command;

fn help(args: &[&str]) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_collateral-audit"))
        .args(args)
        .arg("--help")
        .output()
        .expect("the binary runs");
    assert!(out.status.success(), "{args:?} --help failed");
    String::from_utf8(out.stdout).expect("help is UTF-8")
}

/// The lines of a help section (`Commands:`, `Options:`) up to the next unindented line.
fn section<'a>(help: &'a str, title: &str) -> Vec<&'a str> {
    help.lines()
        .skip_while(|line| *line != title)
        .skip(1)
        .take_while(|line| line.is_empty() || line.starts_with(' '))
        .collect()
}

/// The subcommands `--help` lists, but clap's own `help`.
fn subcommands() -> Vec<String> {
    let main = help(&[]);
    let names: Vec<String> = section(&main, "Commands:")
        .iter()
        // A name sits at two spaces; a wrapped description much further in.
        .filter(|line| line.starts_with("  ") && !line.starts_with("   "))
        .filter_map(|line| line.split_whitespace().next())
        .filter(|name| *name != "help")
        .map(String::from)
        .collect();
    assert!(names.len() >= 10, "too few subcommands read: {names:?}");
    names
}

/// The `--long` options one `--help` lists (hidden ones are not listed), but clap's own
/// `--help` and `--version`.
fn long_options(help: &str) -> BTreeSet<String> {
    section(help, "Options:")
        .iter()
        .map(|line| line.trim_start())
        // An option's line starts `-q, --quiet` or `--assets <FILE>`; its description is
        // further in, on lines of its own in long help.
        .filter(|line| line.starts_with('-'))
        .filter_map(|line| {
            line.split([' ', ','])
                .find(|word| word.starts_with("--"))
                .map(String::from)
        })
        .filter(|option| option != "--help" && option != "--version")
        .collect()
}

/// The README's section under `## TITLE`, up to the next `## `.
fn readme_section(title: &str) -> String {
    let readme = include_str!("../README.md");
    let start = readme
        .find(&format!("\n## {title}\n"))
        .unwrap_or_else(|| panic!("README has no `## {title}`"));
    let rest = &readme[start + 1..];
    let end = rest[3..].find("\n## ").map_or(rest.len(), |i| i + 3);
    rest[..end].to_string()
}

/// The first cells of the table rows in a README section.
fn first_cells(section: &str) -> Vec<String> {
    section
        .lines()
        .filter(|line| line.starts_with('|') && !line.starts_with("|---"))
        .skip(1) // the table's header row
        .filter_map(|line| line.split('|').nth(1))
        .map(|cell| cell.trim().to_string())
        .collect()
}

fn options_in(text: &str) -> BTreeSet<String> {
    let mut found = BTreeSet::new();
    for (i, _) in text.match_indices("--") {
        let option: String = text[i + 2..]
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '-')
            .collect();
        if !option.is_empty() {
            found.insert(format!("--{option}"));
        }
    }
    found
}

fn all_options() -> BTreeSet<String> {
    let mut options = long_options(&help(&[]));
    for command in subcommands() {
        options.extend(long_options(&help(&[&command])));
    }
    options
}

#[test]
fn the_commands_table_lists_every_subcommand() {
    let listed: BTreeSet<String> = first_cells(&readme_section("Commands"))
        .iter()
        .filter_map(|cell| cell.trim_matches('`').split_whitespace().next())
        .map(String::from)
        .collect();
    let missing: Vec<String> = subcommands()
        .into_iter()
        .filter(|command| !listed.contains(command))
        .collect();
    assert!(
        missing.is_empty(),
        "README's commands table misses {missing:?}"
    );
}

#[test]
fn the_options_table_lists_every_long_option() {
    let options = all_options();
    assert!(
        options.contains("--assets") && options.contains("--dir") && options.contains("--out"),
        "options read from --help: {options:?}"
    );
    let listed = options_in(&first_cells(&readme_section("Options")).join(" "));
    let missing: Vec<&String> = options.difference(&listed).collect();
    assert!(
        missing.is_empty(),
        "README's options table misses {missing:?}"
    );
}

#[test]
fn the_options_table_lists_no_option_the_binary_lacks() {
    let options = all_options();
    let listed = options_in(&first_cells(&readme_section("Options")).join(" "));
    let unknown: Vec<&String> = listed.difference(&options).collect();
    assert!(
        unknown.is_empty(),
        "README's options table lists {unknown:?}, which no --help shows"
    );
}

#[test]
fn hidden_options_stay_out_of_the_check() {
    // --chunk-bytes is hidden (a test knob): not in --help, so not asked of the README.
    assert!(!all_options().contains("--chunk-bytes"));
}

#[test]
fn the_release_workflow_ships_what_the_install_section_promises() {
    let readme = include_str!("../README.md");
    let quick_start = readme_section("Quick start");
    let install = quick_start
        .split("\n### Install\n")
        .nth(1)
        .expect("the quick start has an Install part");
    assert!(readme.find("### Install") < readme.find("## Commands"));
    assert!(install.contains("cargo install --path ."), "{install}");
    assert!(
        install.contains(".github/workflows/release.yml"),
        "{install}"
    );
    let workflow = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(".github/workflows/release.yml"),
    )
    .unwrap();
    for target in [
        "x86_64-unknown-linux-musl",
        "aarch64-unknown-linux-musl",
        "x86_64-apple-darwin",
        "aarch64-apple-darwin",
        "x86_64-pc-windows-msvc",
    ] {
        assert!(workflow.contains(target), "release.yml builds no {target}");
    }
    // The archives carry what the install section says, made by the binary's own commands.
    for made in [
        "man --dir",
        "completions \"$shell\"",
        "README.md",
        ".sha256",
    ] {
        assert!(workflow.contains(made), "release.yml does not ship {made}");
    }
}
