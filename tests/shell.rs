//! At home in a shell: completions, the man page, colour rules, help examples.

mod common;
use common::*;

/// `assets -q` on the core fixture at its as-of.
fn core_assets() -> Cli {
    core("assets").as_of(AS_OF).arg("-q")
}

#[test]
fn completions_for_every_shell() {
    for (shell, marker) in [
        ("bash", "complete -F"),
        ("zsh", "#compdef collateral-audit"),
        ("fish", "complete -c collateral-audit"),
        ("powershell", "Register-ArgumentCompleter"),
    ] {
        let out = Cli::new("completions").arg(shell).run().ok();
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
    Cli::new("completions").arg("tcsh").run().expect_code(2);
}

#[test]
fn man_page() {
    let out = Cli::new("man").run().ok();
    assert!(
        out.stdout.starts_with(".ie") || out.stdout.contains(".TH collateral-audit 1"),
        "{}",
        out.stdout
    );
    assert!(out.stdout.contains("summary"));
}

#[test]
fn colour_only_when_asked_or_on_a_terminal() {
    let piped = core_assets().run().ok();
    assert!(!piped.stdout.contains('\u{1b}'), "no colour into a pipe");
    let always = core_assets().args(["--color", "always"]).run().ok();
    assert!(always.stdout.contains("\u{1b}["), "colour when forced");
    let never = core_assets().args(["--color", "never"]).run().ok();
    assert!(!never.stdout.contains('\u{1b}'));
    let csv = core_assets()
        .args(["--color", "always", "--format", "csv"])
        .run()
        .ok();
    assert!(!csv.stdout.contains('\u{1b}'), "machines never get colour");
}

#[test]
fn every_command_help_ends_with_examples() {
    for command in [
        "summary", "unused", "assets", "trends", "cohorts", "users", "check", "snapshot", "diff",
    ] {
        let help = Cli::new(command).arg("--help").run().ok().stdout;
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
