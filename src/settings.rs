//! The settings file (`collateral-audit.toml` or `--config FILE`): column mappings, a preset,
//! default filters and gates. It only fills in what the command line left unset.

use crate::cli::{
    AssetsArgs, AuditArgs, CheckArgs, Cli, CohortsArgs, Command, DiffArgs, DuplicatesArgs,
    GateArgs, InfluenceArgs, ReportArgs, SnapshotArgs, SummaryArgs, TrendsArgs, UnusedArgs,
    UsersArgs,
};
use crate::input::headers::ColumnOverride;
use crate::input_error;
use crate::presets::Preset;
use anyhow::Result;
use serde::Deserialize;
use std::collections::BTreeMap;

/// The file looked for in the working directory when there is no `--config`.
pub const DEFAULT_FILE: &str = "collateral-audit.toml";

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Settings {
    pub preset: Option<String>,
    /// `--day-first` / `--month-first` for every run: the exports' slash dates have one order.
    pub date_order: Option<DateOrderSetting>,
    /// Same keys and values as `--col`: `"events.user" = "Rep Email"`.
    #[serde(default)]
    pub columns: BTreeMap<String, String>,
    #[serde(default)]
    pub filters: Filters,
    #[serde(default)]
    pub gates: Gates,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum DateOrderSetting {
    DayFirst,
    MonthFirst,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Filters {
    pub teams: Option<Vec<String>>,
    pub types: Option<Vec<String>>,
    pub exclude_users: Option<Vec<String>>,
    pub exclude_owners: Option<bool>,
    pub min_age: Option<u32>,
    pub stale_after: Option<u32>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Gates {
    pub never_opened_above: Option<f64>,
    pub orphans_above: Option<u64>,
    /// For `diff`: fail when never_opened_pct rose by more than this many points.
    pub never_opened_rises_by: Option<f64>,
}

/// Reads the settings file, if there is one, into the parsed command line.
pub fn apply(cli: &mut Cli) -> Result<()> {
    let (path, explicit) = match &cli.config {
        Some(path) => (path.clone(), true),
        None => (DEFAULT_FILE.to_string(), false),
    };
    let text = match std::fs::read_to_string(&path) {
        Ok(text) => text,
        Err(e) if !explicit && e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(input_error!("{path}: cannot read the settings file: {e}")),
    };
    let settings = Settings::parse(&path, &text)?;
    match &mut cli.command {
        Command::Summary(SummaryArgs { audit, gates, .. })
        | Command::Snapshot(SnapshotArgs { audit, gates, .. }) => {
            settings.fill_audit(audit, &path, &text)?;
            settings.fill_gates(gates);
            note_implicit(explicit, audit.input.quiet, &path);
        }
        Command::Unused(UnusedArgs { audit, .. })
        | Command::Assets(AssetsArgs { audit, .. })
        | Command::Trends(TrendsArgs { audit, .. })
        | Command::Cohorts(CohortsArgs { audit, .. })
        | Command::Users(UsersArgs { audit, .. })
        | Command::Report(ReportArgs { audit, .. })
        | Command::Influence(InfluenceArgs { audit, .. })
        | Command::Duplicates(DuplicatesArgs { audit, .. })
        | Command::Check(CheckArgs { audit, .. }) => {
            settings.fill_audit(audit, &path, &text)?;
            note_implicit(explicit, audit.input.quiet, &path);
        }
        Command::Diff(DiffArgs {
            gates,
            fail_if_never_opened_rises_by,
            ..
        }) => {
            settings.fill_gates(gates);
            fill(
                fail_if_never_opened_rises_by,
                settings.gates.never_opened_rises_by,
            );
        }
        Command::Completions(_) | Command::Man(_) => {}
    }
    Ok(())
}

/// A file picked up without being named changes what counts: say so.
fn note_implicit(explicit: bool, quiet: bool, path: &str) {
    if !explicit && !quiet {
        crate::messages::note(format_args!(
            "using settings from {path} (--config names another file)"
        ));
    }
}

fn fill<T>(slot: &mut Option<T>, value: Option<T>) {
    if slot.is_none() {
        *slot = value;
    }
}

fn fill_list(slot: &mut Vec<String>, value: &Option<Vec<String>>) {
    if slot.is_empty() {
        if let Some(values) = value {
            slot.clone_from(values);
        }
    }
}

impl Settings {
    /// Parses the file; an unknown key or a wrong type names the file, line and key.
    pub fn parse(path: &str, text: &str) -> Result<Settings> {
        let settings: Settings = toml::from_str(text).map_err(|e| {
            let line = e.span().map_or(1, |s| line_at(text, s.start));
            let key = key_on_line(text, line);
            let message = e.message().trim_end();
            input_error!("{path}, line {line}: {key}: {message}")
        })?;
        if let Some(name) = &settings.preset {
            Preset::named(name).map_err(|e| {
                input_error!("{path}, line {}: preset: {e}", line_of(text, "preset"))
            })?;
        }
        Ok(settings)
    }

    fn fill_audit(&self, audit: &mut AuditArgs, path: &str, text: &str) -> Result<()> {
        let input = &mut audit.input;
        fill(&mut input.preset, self.preset.clone());
        if !input.day_first && !input.month_first {
            input.day_first = self.date_order == Some(DateOrderSetting::DayFirst);
            input.month_first = self.date_order == Some(DateOrderSetting::MonthFirst);
        }
        // Command-line mappings come first: the first mapping of a field wins.
        for (key, header) in &self.columns {
            ColumnOverride::parse(&format!("{key}={header}")).map_err(|e| {
                input_error!(
                    "{path}, line {}: [columns] {key:?}: {e}",
                    line_of(text, key)
                )
            })?;
            input.columns.push(format!("{key}={header}"));
        }
        let count = &mut audit.count;
        let filters = &self.filters;
        fill_list(&mut count.team, &filters.teams);
        fill_list(&mut count.types, &filters.types);
        fill_list(&mut count.exclude_user, &filters.exclude_users);
        count.exclude_owners |= filters.exclude_owners.unwrap_or(false);
        fill(&mut count.min_age, filters.min_age);
        fill(&mut count.stale_after, filters.stale_after);
        Ok(())
    }

    fn fill_gates(&self, gates: &mut GateArgs) {
        fill(
            &mut gates.fail_if_never_opened_above,
            self.gates.never_opened_above,
        );
        fill(&mut gates.fail_if_orphans_above, self.gates.orphans_above);
    }
}

/// The 1-based line holding byte `offset`.
fn line_at(text: &str, offset: usize) -> usize {
    text.as_bytes()[..offset.min(text.len())]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
        + 1
}

/// The first line that sets `key` (its text before `=`, quotes aside), or 1.
fn line_of(text: &str, key: &str) -> usize {
    text.lines()
        .position(|line| line.split('=').next().map(|k| k.trim().trim_matches('"')) == Some(key))
        .map_or(1, |i| i + 1)
}

/// The dotted key set on `line` (`filters.min_age`), or the table a `[header]` line opens.
fn key_on_line(text: &str, line: usize) -> String {
    let lines: Vec<&str> = text.lines().collect();
    let Some(current) = lines.get(line.saturating_sub(1)).map(|l| l.trim()) else {
        return "(end of file)".into();
    };
    if current.starts_with('[') {
        return current
            .trim_matches(|c| c == '[' || c == ']')
            .trim()
            .to_string();
    }
    let key = current
        .split('=')
        .next()
        .unwrap_or("")
        .trim()
        .trim_matches('"');
    let table = lines[..line.saturating_sub(1)]
        .iter()
        .rev()
        .map(|l| l.trim())
        .find(|l| l.starts_with('['))
        .map(|l| l.trim_matches(|c| c == '[' || c == ']').trim());
    match table {
        Some(table) => format!("{table}.{key}"),
        None => key.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const EXAMPLE: &str = r#"preset = "showpad"
date_order = "day-first"
[columns]
"events.user" = "Rep Email"
[filters]
teams = ["Sales"]
types = ["view", "download"]
exclude_users = ["admin@example.com"]
exclude_owners = true
min_age = 30
stale_after = 90
[gates]
never_opened_above = 60
orphans_above = 100
"#;

    #[test]
    fn the_documented_example_parses() {
        let s = Settings::parse("c.toml", EXAMPLE).unwrap();
        assert_eq!(s.preset.as_deref(), Some("showpad"));
        assert_eq!(s.date_order, Some(DateOrderSetting::DayFirst));
        assert_eq!(s.columns["events.user"], "Rep Email");
        assert_eq!(s.filters.teams, Some(vec!["Sales".to_string()]));
        assert_eq!(s.filters.exclude_owners, Some(true));
        assert_eq!(s.filters.stale_after, Some(90));
        assert_eq!(s.gates.never_opened_above, Some(60.0));
        assert_eq!(s.gates.orphans_above, Some(100));
    }

    #[test]
    fn an_unknown_key_names_the_file_line_and_key() {
        let text = "[filters]\nteams = [\"Sales\"]\nmin_agee = 3\n";
        let err = Settings::parse("c.toml", text).unwrap_err().to_string();
        assert!(
            err.starts_with("c.toml, line 3: filters.min_agee: unknown field `min_agee`"),
            "{err}"
        );
    }

    #[test]
    fn a_wrong_type_names_the_file_line_and_key() {
        let text = "[gates]\norphans_above = 10\nnever_opened_above = \"sixty\"\n";
        let err = Settings::parse("c.toml", text).unwrap_err().to_string();
        assert!(
            err.starts_with("c.toml, line 3: gates.never_opened_above: invalid type"),
            "{err}"
        );
    }

    #[test]
    fn an_unknown_date_order_names_the_line() {
        let text = "preset = \"showpad\"\ndate_order = \"year-first\"\n";
        let err = Settings::parse("c.toml", text).unwrap_err().to_string();
        assert!(
            err.starts_with("c.toml, line 2: date_order: unknown variant `year-first`"),
            "{err}"
        );
    }

    #[test]
    fn an_unknown_preset_is_refused() {
        let err = Settings::parse("c.toml", "\npreset = \"hubspot\"\n")
            .unwrap_err()
            .to_string();
        assert!(
            err.starts_with("c.toml, line 2: preset: unknown preset \"hubspot\""),
            "{err}"
        );
    }
}
