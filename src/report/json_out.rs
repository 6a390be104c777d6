//! JSON: `{"schema_version":1, <parameters>, <figures> | "rows":[...], <extras>}`.

use super::{Body, Report, Value};
use crate::input::time::{format_date, format_instant};
use anyhow::Result;
use serde_json::{Map, Number, Value as Json};
use std::io::Write;

/// Bumped when a key changes meaning or disappears; new keys do not bump it.
pub const SCHEMA_VERSION: u64 = 1;

pub fn write(report: &Report, out: &mut dyn Write) -> Result<()> {
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
