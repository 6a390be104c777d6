//! `check`: how the inputs were read: mapping, dialect, rows, dates and problems, without auditing.

use crate::analysis::file_tally::FileTally;
use crate::analysis::Audit;
use crate::cli::CheckArgs;
use crate::commands::Ctx;
use crate::config::Config;
use crate::error::Exit;
use crate::input::assets::FileReport;
use crate::input::headers::{quote_list, Field, Role};
use crate::input::time::format_instant;
use crate::report::{render, RenderStyle, Report, TableHints, Value};
use anyhow::Result;

const COLUMNS: [&str; 3] = ["file", "check", "value"];
/// How many of a file's types and teams are listed, most frequent first.
const VALUES_LISTED: usize = 10;

/// Writes the check report; exit 0 when the inputs are usable, 2 when not (an error, or a
/// file without one usable row).
pub fn run(args: &CheckArgs, ctx: &mut Ctx) -> Result<Exit> {
    let out = &mut *ctx.out;
    let config = Config::from_args(&args.audit, &args.output, ctx.now)?;
    let (rows, usable, error) = match Audit::run_listing(&config) {
        Ok(audit) => match unusable_file(&audit) {
            None => match deal_rows(&config, &args.opportunities) {
                Ok(deals) => {
                    let mut rows = audit_rows(&audit);
                    rows.extend(deals);
                    (rows, true, None)
                }
                Err(err) => (audit_rows(&audit), false, Some(err)),
            },
            Some(why) => (
                audit_rows(&audit),
                false,
                Some(crate::input_error!("{why}")),
            ),
        },
        Err(err) => (Vec::new(), false, Some(err)),
    };
    let mut report = Report::rows(Vec::new(), &COLUMNS, rows);
    report.extra.push(("usable".into(), Value::Bool(usable)));
    // A file's path once per block of its rows; an input that could not be read has no
    // rows, and its error says why on stderr.
    report.hints = TableHints {
        blocks: true,
        silent_when_empty: true,
        ..TableHints::default()
    };
    if let Some(err) = &error {
        report
            .extra
            .push(("error".into(), Value::text(format!("{err:#}"))));
    }
    report.headline = vec![if usable {
        "The inputs are usable.".to_string()
    } else {
        "The inputs are NOT usable.".to_string()
    }];
    let style = RenderStyle::for_stdout(config.width, config.raw_csv);
    render(&report, config.format, style, out)?;
    match error {
        Some(err) => {
            out.flush()?;
            crate::messages::error(format_args!("{err:#}"));
            Ok(Exit::UsageOrInput)
        }
        None => Ok(Exit::Success),
    }
}

/// The mapping and row counts of `--opportunities` files, when given.
fn deal_rows(config: &Config, patterns: &[String]) -> Result<Vec<Vec<Value>>> {
    let mut paths = Vec::new();
    for pattern in patterns {
        paths.extend(crate::config::expand_glob("--opportunities", pattern)?);
    }
    let mut rows = Vec::new();
    if paths.is_empty() {
        return Ok(rows);
    }
    let rules = crate::input::opportunities::StageRules::new(&[], &[]);
    let mut problems = crate::input::problems::Problems::new(config.read.strict);
    let (deals, reports) =
        crate::input::opportunities::load_deals(&paths, &config.read, &rules, &mut problems)?;
    problems.print_warnings();
    for report in &reports {
        file_rows(report, &mut rows);
    }
    let counts = [
        ("deals read", deals.read),
        ("deals skipped", deals.skipped),
        ("deals duplicate", deals.duplicate),
        ("deal values invalid", deals.values_invalid),
    ];
    for (check, n) in counts {
        rows.push(row("(opportunities)", check, Value::count(n)));
    }
    Ok(rows)
}

fn row(file: &str, check: &str, value: Value) -> Vec<Value> {
    vec![Value::text(file), Value::text(check), value]
}

/// Why a file gives nothing to audit: an inventory or events file without one usable row.
fn unusable_file(audit: &Audit) -> Option<String> {
    if audit.inventory.assets.is_empty() {
        let (path, stats) = (&audit.files[0].path, &audit.inventory.stats);
        return Some(if !audit.inventory.left_out.is_empty() {
            format!(
                "{path}: --where keeps none of its {} assets",
                audit.inventory.left_out.len()
            )
        } else if stats.rows_read == 0 {
            format!("{path}: no data rows after the header")
        } else {
            format!(
                "{path}: no usable asset row: all {} data rows were skipped (see the problems listed)",
                stats.rows_read
            )
        });
    }
    let file = audit.usage.files.iter().find(|f| f.readable() == 0)?;
    Some(if file.rows == 0 {
        format!("{}: no data rows after the header", file.path)
    } else {
        format!(
            "{}: no usable row: all {} data rows were skipped (see the problems listed)",
            file.path, file.rows
        )
    })
}

fn audit_rows(audit: &Audit) -> Vec<Vec<Value>> {
    let mut rows = Vec::new();
    let mut tallies = audit.usage.files.iter();
    for file in &audit.files {
        file_rows(file, &mut rows);
        if file.role == Role::Events {
            if let Some(tally) = tallies.next() {
                value_rows(file, tally, &mut rows);
            }
        }
    }
    let stats = &audit.inventory.stats;
    let counts = &audit.usage.counts;
    let assets_file = audit.files[0].path.as_str();
    rows.push(row(
        assets_file,
        "asset rows skipped",
        Value::count(stats.rows_skipped),
    ));
    rows.push(row(
        assets_file,
        "asset values invalid",
        Value::count(stats.values_invalid),
    ));
    rows.push(row(
        assets_file,
        "duplicate asset ids",
        Value::count(stats.duplicates),
    ));
    if !audit.inventory.left_out.is_empty() {
        rows.push(row(
            assets_file,
            "assets left out by --where",
            Value::count(audit.inventory.left_out.len() as u64),
        ));
    }
    rows.push(row("(events)", "rows read", Value::count(counts.rows)));
    if counts.rows != counts.read() {
        // A count column makes a row stand for several events (or none).
        rows.push(row("(events)", "events read", Value::count(counts.read())));
    }
    rows.push(row(
        "(events)",
        "rows skipped",
        Value::count(counts.skipped),
    ));
    rows.push(row(
        "(events)",
        "events excluded by window or filters",
        Value::count(counts.excluded),
    ));
    rows.push(row(
        "(events)",
        "orphan events (asset not in inventory)",
        Value::count(counts.orphan),
    ));
    rows.push(row(
        "(events)",
        "events counted",
        Value::count(counts.counted),
    ));
    if let Some((first, last)) = audit.usage.time_range.get() {
        let range = format!("{} to {}", format_instant(first), format_instant(last));
        rows.push(row("(events)", "time range", Value::text(range)));
    }
    if !audit.usage.orphan_ids.is_empty() {
        rows.push(row(
            "(events)",
            "orphan asset ids",
            Value::count(audit.usage.orphan_ids.len() as u64),
        ));
        rows.push(row(
            "(events)",
            "most frequent orphan ids",
            Value::text(top_orphans(audit)),
        ));
    }
    for note in audit.problems.notes() {
        let (file, text) = note_file(audit, note);
        rows.push(row(file, "note", Value::text(text)));
    }
    for problem in audit.problems.kept() {
        // The file names the block; the line says where in it.
        let text = problem.to_string();
        let text = match text.strip_prefix(&format!("{}:", problem.file)) {
            Some(rest) => format!("line {rest}"),
            None => text,
        };
        rows.push(row(&problem.file, "problem", Value::text(text)));
    }
    for warning in &audit.warnings {
        rows.push(row(
            warning.file.as_deref().unwrap_or("(events)"),
            "warning",
            Value::text(format!("{}: {}", warning.code, warning.message)),
        ));
    }
    by_file(rows)
}

/// The rows of each file together, files in the order they first appear (a file's notes,
/// problems and warnings join its block), so a table names each file once.
fn by_file(rows: Vec<Vec<Value>>) -> Vec<Vec<Value>> {
    let mut files: Vec<Value> = Vec::new();
    for row in &rows {
        if !files.contains(&row[0]) {
            files.push(row[0].clone());
        }
    }
    let mut rows = rows;
    rows.sort_by_key(|row| files.iter().position(|f| *f == row[0]));
    rows
}

/// An events file's usable rows, time range, and its most frequent types and teams.
fn value_rows(file: &FileReport, tally: &FileTally, rows: &mut Vec<Vec<Value>>) {
    let name = file.path.as_str();
    rows.push(row(name, "usable rows", Value::count(tally.readable())));
    if let Some((first, last)) = tally.times.get() {
        let range = format!("{} to {}", format_instant(first), format_instant(last));
        rows.push(row(name, "time range", Value::text(range)));
    }
    let same = |s: &str| s.to_string();
    if file.header.column(Field::EventType).is_some() {
        let types = tally.types.describe(VALUES_LISTED, same);
        rows.push(row(name, "types", Value::text(types)));
    }
    if file.header.column(Field::Team).is_some() {
        let teams = tally.teams.describe(VALUES_LISTED, same);
        rows.push(row(name, "teams", Value::text(teams)));
    }
}

fn file_rows(file: &FileReport, rows: &mut Vec<Vec<Value>>) {
    let name = file.path.as_str();
    let d = &file.dialect;
    let how = if d.delimiter_sniffed {
        "sniffed"
    } else {
        "forced"
    };
    rows.push(row(name, "role", Value::text(file.role.as_str())));
    if let Some(sheet) = &d.sheet {
        let what = format!("{}, sheet {:?}", sheet.kind, sheet.name);
        rows.push(row(name, "spreadsheet", Value::text(what)));
        rows.push(row(name, "gzip", Value::Bool(d.gzip)));
    } else {
        rows.push(row(
            name,
            "delimiter",
            Value::text(format!("{} ({how})", d.delimiter_name())),
        ));
        rows.push(row(name, "gzip", Value::Bool(d.gzip)));
        rows.push(row(name, "utf-8 bom", Value::Bool(d.bom)));
        rows.push(row(name, "encoding", Value::text(d.encoding)));
    }
    rows.push(row(name, "data rows", Value::count(file.rows)));
    if let Some(costs) = &file.costs {
        rows.push(row(
            name,
            "cost decimal separator",
            Value::text(costs.describe()),
        ));
    }
    let headers = &file.header.headers;
    for m in &file.header.matches {
        // The fields that link events to deals matter only to `influence`, which names them
        // when they are missing, and most logs have no count column; the content columns
        // matter only to `duplicates`, which links by title without them: a file without
        // them is the usual case.
        let optional = matches!(
            m.field,
            Field::EventOpportunity
                | Field::EventAccount
                | Field::EventCount
                | Field::Hash
                | Field::Url
        );
        if optional && m.column.is_none() {
            continue;
        }
        let check = format!("{}.{}", file.role.as_str(), m.field.name());
        let value = match m.column {
            Some(c) if m.by_preset => format!("{:?} (preset)", headers[c]),
            Some(c) if m.overridden => format!("{:?} (--col)", headers[c]),
            Some(c) => format!("{:?}", headers[c]),
            None if m.field.is_required() => "MISSING (required)".to_string(),
            None => "not found".to_string(),
        };
        rows.push(row(name, &check, Value::text(value)));
        if !m.passed_over.is_empty() {
            let passed: Vec<String> = m.passed_over.iter().map(|&c| headers[c].clone()).collect();
            rows.push(row(
                name,
                &format!("{check} passed over"),
                Value::text(quote_list(&passed)),
            ));
        }
    }
    let unmapped = file.header.unmapped();
    if !unmapped.is_empty() {
        // A file may have thousands of columns: name the first few, count the rest.
        const SHOWN: usize = 20;
        let names: Vec<String> = unmapped
            .iter()
            .take(SHOWN)
            .map(|&c| headers[c].clone())
            .collect();
        let mut text = quote_list(&names);
        if unmapped.len() > SHOWN {
            text.push_str(&format!(" and {} more", unmapped.len() - SHOWN));
        }
        rows.push(row(name, "other columns", Value::text(text)));
    }
}

/// The input a note is about (notes start with the file's name) and the rest of it.
fn note_file<'a>(audit: &'a Audit, note: &'a str) -> (&'a str, &'a str) {
    audit
        .files
        .iter()
        .find_map(|f| {
            let rest = note.strip_prefix(f.path.as_str())?.strip_prefix(": ")?;
            Some((f.path.as_str(), rest))
        })
        .unwrap_or(("(inputs)", note))
}

fn top_orphans(audit: &Audit) -> String {
    let mut ids: Vec<(&[u8], u64)> = audit
        .usage
        .orphan_ids
        .iter()
        .map(|(k, &n)| (&**k, n))
        .collect();
    ids.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    let shown: Vec<String> = ids
        .iter()
        .take(5)
        .map(|(id, n)| format!("{} ({n})", String::from_utf8_lossy(id)))
        .collect();
    shown.join(", ")
}
