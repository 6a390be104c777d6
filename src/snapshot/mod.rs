//! Snapshots: one self-describing, deterministic JSON document per audit, for comparing months.
//!
//! A snapshot holds what produced it (tool, as-of, window, options, input files with row counts
//! and SHA-256) and what it found (the summary figures, every asset's status and counts). Keys
//! are sorted and assets ordered by id, so the same inputs and options give the same bytes.

pub mod diff;

use crate::analysis::Audit;
use crate::config::{Config, ReadingAsked};
use crate::input_error;
use crate::report::json_out::{write_key, write_value};
use crate::results::assets::{asset_rows, AssetOrder};
use crate::results::params::Parameters;
use crate::results::summary::{Figures, WarningEntry};
use anyhow::{Context, Result};
use serde_json::{Map, Value as Json};
use sha2::{Digest, Sha256};
use std::io::{Read, Write};

/// Identifies a snapshot among other JSON files.
pub const KIND: &str = "collateral-audit snapshot";
/// Bumped when a snapshot key changes meaning or disappears; `diff` refuses other versions.
pub const SNAPSHOT_SCHEMA_VERSION: u64 = 1;

/// Writes the snapshot document of a finished audit, as `serde_json` would pretty-print it
/// with its keys sorted, but one asset at a time: a library of many thousands of assets is
/// never held as one JSON tree.
pub fn write(
    config: &Config,
    audit: &Audit,
    digests: &[Option<String>],
    out: &mut dyn Write,
) -> Result<()> {
    let head = head(config, audit, digests)?;
    let mut keys: Vec<&str> = head.keys().map(String::as_str).chain(["assets"]).collect();
    keys.sort_unstable();
    out.write_all(b"{")?;
    for (i, key) in keys.into_iter().enumerate() {
        write_key(i, key, 1, out)?;
        match head.get(key) {
            Some(value) => write_value(value, 1, out)?,
            None => write_assets(config, audit, out)?,
        }
    }
    out.write_all(b"\n}\n")?;
    Ok(())
}

/// Everything but the assets, keys sorted.
fn head(config: &Config, audit: &Audit, digests: &[Option<String>]) -> Result<Map<String, Json>> {
    let mut doc = Map::new();
    doc.insert("kind".into(), Json::from(KIND));
    doc.insert("schema_version".into(), Json::from(SNAPSHOT_SCHEMA_VERSION));
    doc.insert("tool".into(), tool());
    let params = object(&Parameters::of(config))?;
    doc.insert("as_of".into(), params["as_of"].clone());
    doc.insert(
        "window".into(),
        serde_json::json!({ "since": params["since"], "until": params["until"] }),
    );
    doc.insert("options".into(), options(&config.asked, params)?);
    doc.insert("inputs".into(), inputs(audit, digests));
    doc.insert("summary".into(), Json::Object(object(&Figures::of(audit))?));
    doc.insert(
        "warnings".into(),
        serde_json::to_value(WarningEntry::all(&audit.warnings))?,
    );
    match sort_keys(Json::Object(doc)) {
        Json::Object(sorted) => Ok(sorted),
        _ => unreachable!("an object stays an object"),
    }
}

fn tool() -> Json {
    serde_json::json!({ "name": env!("CARGO_PKG_NAME"), "version": env!("CARGO_PKG_VERSION") })
}

/// Every option that changes what is read or counted (the window is kept apart).
fn options(asked: &ReadingAsked, mut params: Map<String, Json>) -> Result<Json> {
    for key in ["as_of", "since", "until"] {
        params.remove(key);
    }
    params.extend(object(asked)?);
    Ok(Json::Object(params))
}

/// Each input file as named on the command line, its role, data rows and SHA-256.
fn inputs(audit: &Audit, digests: &[Option<String>]) -> Json {
    let files = audit.files.iter().zip(digests).map(|(file, digest)| {
        serde_json::json!({
            "role": file.role.as_str(),
            "path": file.path,
            "rows": file.rows,
            "sha256": digest,
        })
    });
    Json::Array(files.collect())
}

/// Every asset (the `assets` report's columns plus cost), ordered by id, keys sorted.
fn write_assets(config: &Config, audit: &Audit, out: &mut dyn Write) -> Result<()> {
    let rows = asset_rows(audit, config.window.as_of, |_| true, AssetOrder::Id);
    if rows.len() == 0 {
        out.write_all(b"[]")?;
        return Ok(());
    }
    out.write_all(b"[")?;
    for (i, row) in rows.enumerate() {
        out.write_all(if i == 0 { b"\n    {" } else { b",\n    {" })?;
        let mut fields: Vec<(String, Json)> = object(&row)?.into_iter().collect();
        fields.sort_by(|a, b| a.0.cmp(&b.0));
        for (k, (key, value)) in fields.iter().enumerate() {
            write_key(k, key, 3, out)?;
            write_value(value, 3, out)?;
        }
        out.write_all(b"\n    }")?;
    }
    out.write_all(b"\n  ]")?;
    Ok(())
}

/// A result's fields as a JSON object.
fn object<T: serde::Serialize>(result: &T) -> Result<Map<String, Json>> {
    match serde_json::to_value(result)? {
        Json::Object(map) => Ok(map),
        _ => Err(anyhow::anyhow!("a result that is not an object")),
    }
}

/// Rebuilds every object with its keys in byte order (serde_json keeps insertion order here).
fn sort_keys(value: Json) -> Json {
    match value {
        Json::Object(map) => {
            let mut entries: Vec<(String, Json)> = map.into_iter().collect();
            entries.sort_by(|a, b| a.0.cmp(&b.0));
            Json::Object(
                entries
                    .into_iter()
                    .map(|(k, v)| (k, sort_keys(v)))
                    .collect(),
            )
        }
        Json::Array(items) => Json::Array(items.into_iter().map(sort_keys).collect()),
        other => other,
    }
}

/// The SHA-256 of a file's bytes as stored (compressed files are hashed compressed);
/// `None` for standard input, which cannot be read twice.
pub fn file_digest(path: &str) -> Result<Option<String>> {
    if path == "-" {
        return Ok(None);
    }
    let mut file = std::fs::File::open(path).map_err(|e| input_error!("{path}: {e}"))?;
    let mut hasher = Sha256::new();
    let mut buffer = vec![0u8; 1 << 20];
    loop {
        let read = file
            .read(&mut buffer)
            .with_context(|| format!("{path}: reading"))?;
        if read == 0 {
            break;
        }
        hasher.update(&buffer[..read]);
    }
    let digest = hasher.finalize();
    Ok(Some(digest.iter().map(|b| format!("{b:02x}")).collect()))
}

/// A snapshot read back: its figures and its assets by id.
#[derive(Debug, Clone)]
pub struct Loaded {
    pub path: String,
    pub as_of: String,
    pub summary: Map<String, Json>,
    /// Assets in id order.
    pub assets: Vec<Map<String, Json>>,
}

/// Reads a snapshot, refusing files that are not snapshots or have another schema version.
pub fn load(path: &str) -> Result<Loaded> {
    let text = std::fs::read_to_string(path).map_err(|e| input_error!("{path}: {e}"))?;
    let doc: Json = serde_json::from_str(&text)
        .map_err(|e| input_error!("{path}: not a collateral-audit snapshot (not JSON: {e})"))?;
    if doc.get("kind").and_then(Json::as_str) != Some(KIND) {
        return Err(input_error!(
            "{path}: not a collateral-audit snapshot (no \"kind\": {KIND:?}); make one with `collateral-audit snapshot`"
        ));
    }
    let version = doc.get("schema_version").and_then(Json::as_u64);
    if version != Some(SNAPSHOT_SCHEMA_VERSION) {
        return Err(input_error!(
            "{path}: snapshot schema_version {} cannot be compared by this version of collateral-audit (it reads version {SNAPSHOT_SCHEMA_VERSION}); re-run `snapshot` on the old inputs",
            version.map_or("missing".to_string(), |v| v.to_string())
        ));
    }
    let malformed = |what: &str| input_error!("{path}: malformed snapshot: {what}");
    let summary = doc
        .get("summary")
        .and_then(Json::as_object)
        .ok_or_else(|| malformed("no summary object"))?;
    // A figure edited into text ("58.9") or lost would compare as no change, or as a
    // confident delta from nothing.
    for (key, value) in summary {
        if !(value.is_number() || value.is_null() || value.is_array() || value.is_object()) {
            return Err(malformed(&format!(
                "summary figure {key:?} is {value}, not a number"
            )));
        }
    }
    for key in ["assets_total", "assets_never_opened", "never_opened_pct"] {
        if !summary.get(key).is_some_and(Json::is_number) {
            return Err(malformed(&format!(
                "summary figure {key:?} is missing or not a number"
            )));
        }
    }
    let assets = doc
        .get("assets")
        .and_then(Json::as_array)
        .ok_or_else(|| malformed("no assets array"))?;
    let assets = assets
        .iter()
        .map(|a| {
            let asset = a
                .as_object()
                .filter(|a| a.get("asset_id").is_some_and(Json::is_string))
                .ok_or_else(|| malformed("an asset without asset_id"))?;
            for key in ["opens", "users"] {
                if asset
                    .get(key)
                    .is_some_and(|v| !v.is_number() && !v.is_null())
                {
                    return Err(malformed(&format!(
                        "asset {} has {key} {}, not a number",
                        asset["asset_id"], asset[key]
                    )));
                }
            }
            Ok(asset.clone())
        })
        .collect::<Result<Vec<_>>>()?;
    Ok(Loaded {
        path: path.to_string(),
        as_of: doc
            .get("as_of")
            .and_then(Json::as_str)
            .unwrap_or_default()
            .to_string(),
        summary: summary.clone(),
        assets,
    })
}
