//! At home in a shell: completions, the man page, colour rules, help examples.

mod common;
use common::*;

fn core_assets(extra: &[&str]) -> Run {
    let assets = fixture("core/assets.csv");
    let events = fixture("core/events.csv");
    let mut args = vec![
        "assets",
        "--assets",
        &assets,
        "--events",
        &events,
        "--as-of",
        "2026-11-01",
        "-q",
    ];
    args.extend_from_slice(extra);
    run(&args).ok()
}

#[test]
fn completions_for_every_shell() {
    for (shell, marker) in [
        ("bash", "complete -F"),
        ("zsh", "#compdef collateral-audit"),
        ("fish", "complete -c collateral-audit"),
        ("powershell", "Register-ArgumentCompleter"),
    ] {
        let out = run(&["completions", shell]).ok();
        assert!(
            out.stdout.contains(marker),
            "{shell}: {}",
            &out.stdout[..200.min(out.stdout.len())]
        );
        assert!(
            out.stdout.contains("snapshot"),
            "{shell} completes subcommands"
        );
    }
    run(&["completions", "tcsh"]).expect_code(2);
}

#[test]
fn man_page() {
    let out = run(&["man"]).ok();
    assert!(
        out.stdout.starts_with(".ie") || out.stdout.contains(".TH collateral-audit 1"),
        "{}",
        out.stdout
    );
    assert!(out.stdout.contains("summary"));
}

#[test]
fn colour_only_when_asked_or_on_a_terminal() {
    let piped = core_assets(&[]);
    assert!(!piped.stdout.contains('\u{1b}'), "no colour into a pipe");
    let always = core_assets(&["--color", "always"]);
    assert!(always.stdout.contains("\u{1b}["), "colour when forced");
    let never = core_assets(&["--color", "never"]);
    assert!(!never.stdout.contains('\u{1b}'));
    let csv = core_assets(&["--color", "always", "--format", "csv"]);
    assert!(!csv.stdout.contains('\u{1b}'), "machines never get colour");
}

#[test]
fn every_command_help_ends_with_examples() {
    for command in [
        "summary", "unused", "assets", "trends", "cohorts", "users", "check", "snapshot", "diff",
    ] {
        let help = run(&[command, "--help"]).ok().stdout;
        let tail = help.trim_end();
        let examples = tail
            .rfind("Examples:")
            .unwrap_or_else(|| panic!("{command} --help has no examples"));
        let lines: Vec<&str> = tail[examples..].lines().skip(1).collect();
        assert!(lines.len() >= 2, "{command}: {lines:?}");
        assert!(
            lines
                .iter()
                .all(|l| l.trim_start().starts_with("collateral-audit") || l.starts_with("  ")),
            "{command}: {lines:?}"
        );
    }
}
