//! JSON: `{"schema_version":1, <parameters>, <figures> | "rows":[...], <extras>}`.

use super::{Body, Report, Value};
use crate::input::time::{format_date, format_instant};
use anyhow::Result;
use serde_json::{Map, Number, Value as Json};
use std::io::Write;

/// Bumped when a key changes meaning or disappears; new keys do not bump it.
pub const SCHEMA_VERSION: u64 = 1;

pub fn write(report: &Report, out: &mut dyn Write) -> Result<()> {
    if let Body::Rows { columns, rows } = &report.body {
        if keys_distinct(report) {
            return write_rows_report(report, columns, rows, out);
        }
    }
    let mut doc = Map::new();
    doc.insert("schema_version".into(), Json::from(SCHEMA_VERSION));
    insert_all(&mut doc, &report.params);
    match &report.body {
        Body::Record(fields) => insert_all(&mut doc, fields),
        Body::Rows { columns, rows } => {
            doc.insert("rows".into(), rows_array(columns, rows));
        }
    }
    insert_all(&mut doc, &report.extra);
    for (key, body) in &report.sections {
        let value = match body {
            Body::Record(fields) => Json::Object(
                fields
                    .iter()
                    .map(|(k, v)| (k.clone(), to_json(v)))
                    .collect(),
            ),
            Body::Rows { columns, rows } => rows_array(columns, rows),
        };
        doc.insert(key.clone(), value);
    }
    if let Some(warnings) = &report.warnings {
        doc.insert("warnings".into(), warnings_array(warnings));
    }
    serde_json::to_writer_pretty(&mut *out, &Json::Object(doc))?;
    out.write_all(b"\n")?;
    Ok(())
}

/// Whether the document's keys, and each table's columns, are all different (a repeated key would keep its first place
/// and its last value in one object, which writing key after key would not).
fn keys_distinct(report: &Report) -> bool {
    let mut keys: Vec<&str> = ["schema_version", "rows"].to_vec();
    keys.extend(report.params.iter().map(|(k, _)| k.as_str()));
    keys.extend(report.extra.iter().map(|(k, _)| k.as_str()));
    keys.extend(report.sections.iter().map(|(k, _)| k.as_str()));
    if report.warnings.is_some() {
        keys.push("warnings");
    }
    let bodies = std::iter::once(&report.body).chain(report.sections.iter().map(|(_, b)| b));
    distinct(keys)
        && bodies.into_iter().all(|body| match body {
            Body::Rows { columns, .. } => distinct(columns.iter().map(String::as_str).collect()),
            Body::Record(_) => true,
        })
}

fn distinct(mut keys: Vec<&str>) -> bool {
    let all = keys.len();
    keys.sort_unstable();
    keys.dedup();
    keys.len() == all
}

/// A report of rows, written key after key and row after row as `serde_json`'s pretty
/// printer writes the whole document (a million rows as one `serde_json::Value` took
/// gigabytes).
fn write_rows_report(
    report: &Report,
    columns: &[String],
    rows: &[Vec<Value>],
    out: &mut dyn Write,
) -> Result<()> {
    out.write_all(b"{")?;
    write_key(0, "schema_version", 1, out)?;
    write_value(&Json::from(SCHEMA_VERSION), 1, out)?;
    let mut keys = 1;
    for (key, value) in &report.params {
        write_key(keys, key, 1, out)?;
        write_value(&to_json(value), 1, out)?;
        keys += 1;
    }
    write_key(keys, "rows", 1, out)?;
    keys += 1;
    write_rows(columns, rows, out)?;
    for (key, value) in &report.extra {
        write_key(keys, key, 1, out)?;
        write_value(&to_json(value), 1, out)?;
        keys += 1;
    }
    for (key, body) in &report.sections {
        write_section(keys, key, body, out)?;
        keys += 1;
    }
    if let Some(warnings) = &report.warnings {
        write_key(keys, "warnings", 1, out)?;
        write_value(&warnings_array(warnings), 1, out)?;
    }
    out.write_all(b"\n}\n")?;
    Ok(())
}

/// The `i`th key of the document: a section, an object of figures or an array of rows.
pub fn write_section(i: usize, key: &str, body: &Body, out: &mut dyn Write) -> Result<()> {
    write_key(i, key, 1, out)?;
    match body {
        Body::Record(fields) => {
            let object = fields.iter().map(|(k, v)| (k.clone(), to_json(v)));
            write_value(&Json::Object(object.collect()), 1, out)
        }
        Body::Rows { columns, rows } => write_rows(columns, rows, out),
    }
}

/// The array of `rows` as objects keyed by `columns`, one level down, one row at a time.
/// Rows are written into a buffer of ours and handed to `out` some kilobytes at a time: a
/// row's tokens are then not a call through `dyn` each.
pub fn write_rows<R: AsRef<[Value]>>(
    columns: &[String],
    rows: impl IntoIterator<Item = R>,
    out: &mut dyn Write,
) -> Result<()> {
    const FLUSH_AT: usize = 1 << 15;
    let keys_json = columns
        .iter()
        .map(serde_json::to_string)
        .collect::<Result<Vec<_>, _>>()?;
    let mut buf: Vec<u8> = Vec::with_capacity(FLUSH_AT + 4096);
    let mut any = false;
    for row in rows {
        let row = row.as_ref();
        buf.extend_from_slice(if any { b",\n    {" } else { b"[\n    {" });
        any = true;
        for (k, (key, value)) in keys_json.iter().zip(row).enumerate() {
            buf.extend_from_slice(if k == 0 { b"\n      " } else { b",\n      " });
            buf.extend_from_slice(key.as_bytes());
            buf.extend_from_slice(b": ");
            // The common cells written straight from the value, as their `to_json` writes
            // (no copy of the text into a JSON value first).
            match value {
                Value::List(items) if !items.is_empty() => {
                    write_value(&to_json(value), 3, &mut buf)?
                }
                Value::Text(text) => serde_json::to_writer(&mut buf, text.as_str())?,
                Value::Int(n) => serde_json::to_writer(&mut buf, n)?,
                Value::Date(t) => serde_json::to_writer(&mut buf, &format_date(*t))?,
                Value::Instant(t) => serde_json::to_writer(&mut buf, &format_instant(*t))?,
                _ => serde_json::to_writer(&mut buf, &to_json(value))?,
            }
        }
        buf.extend_from_slice(if row.is_empty() { b"}" } else { b"\n    }" });
        if buf.len() >= FLUSH_AT {
            out.write_all(&buf)?;
            buf.clear();
        }
    }
    buf.extend_from_slice(if any { b"\n  ]" } else { b"[]" });
    out.write_all(&buf)?;
    Ok(())
}

/// `[{"code": ..., "message": ...}]`
pub fn warnings_array(warnings: &[(String, String)]) -> Json {
    let objects = warnings.iter().map(|(code, message)| {
        let mut object = Map::new();
        object.insert("code".into(), Json::from(code.as_str()));
        object.insert("message".into(), Json::from(message.as_str()));
        Json::Object(object)
    });
    Json::Array(objects.collect())
}

fn insert_all(doc: &mut Map<String, Json>, fields: &[(String, Value)]) {
    for (key, value) in fields {
        doc.insert(key.clone(), to_json(value));
    }
}

fn rows_array(columns: &[String], rows: &[Vec<Value>]) -> Json {
    Json::Array(rows.iter().map(|row| row_object(columns, row)).collect())
}

fn row_object(columns: &[String], row: &[Value]) -> Json {
    let object: Map<String, Json> = columns
        .iter()
        .zip(row)
        .map(|(column, value)| (column.clone(), to_json(value)))
        .collect();
    Json::Object(object)
}

pub fn to_json(value: &Value) -> Json {
    match value {
        Value::Null => Json::Null,
        Value::Text(s) => Json::String(s.clone()),
        Value::Int(n) => Json::from(*n),
        Value::Num(x) => Number::from_f64(*x).map_or(Json::Null, Json::Number),
        Value::Date(t) => Json::String(format_date(*t)),
        Value::Instant(t) => Json::String(format_instant(*t)),
        Value::Bool(b) => Json::Bool(*b),
        Value::List(items) => Json::Array(items.iter().cloned().map(Json::String).collect()),
    }
}

/// The `i`th key of an object `depth` levels down, with what separates it from the one before
/// (as `serde_json`'s pretty printer writes it).
pub fn write_key(i: usize, key: &str, depth: usize, out: &mut dyn Write) -> Result<()> {
    let separator = if i == 0 { "\n" } else { ",\n" };
    let indent = "  ".repeat(depth);
    write!(out, "{separator}{indent}{}: ", serde_json::to_string(key)?)?;
    Ok(())
}

/// A value pretty-printed `depth` levels down (JSON text holds no raw newline but between
/// tokens, so re-indenting its lines is safe).
pub fn write_value(value: &Json, depth: usize, out: &mut dyn Write) -> Result<()> {
    let text = serde_json::to_string_pretty(value)?;
    let indent = format!("\n{}", "  ".repeat(depth));
    out.write_all(text.replace('\n', &indent).as_bytes())?;
    Ok(())
}
