//! Snapshots: one self-describing, deterministic JSON document per audit, for comparing months.
//!
//! A snapshot holds what produced it (tool, as-of, window, options, input files with row counts
//! and SHA-256) and what it found (the summary figures, every asset's status and counts). Keys
//! are sorted and assets ordered by id, so the same inputs and options give the same bytes.

pub mod diff;

use crate::analysis::Audit;
use crate::config::{Config, ReadingAsked};
use crate::input::file_report::FileReport;
use crate::input_error;
use crate::report::json_out::{write_key, write_value};
use crate::results::assets::{asset_rows, AssetOrder};
use crate::results::duplicates::DuplicatesSummary;
use crate::results::influence::Influence as Credited;
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

/// What `--opportunities` adds to a snapshot: the credited deals, the opportunities files
/// (each with its SHA-256, listed among `inputs`) and the options that shaped the credit
/// (added to `options`).
pub struct DealPart<'a> {
    pub influence: &'a Credited,
    pub files: Vec<(&'a FileReport, Option<String>)>,
    pub options: Map<String, Json>,
}

/// What a snapshot holds beside the audit: the credited deals (with `--opportunities`) and
/// the duplicates summary (always).
pub struct Parts<'a> {
    pub deals: Option<&'a DealPart<'a>>,
    pub duplicates: &'a DuplicatesSummary,
}

/// Writes the snapshot document of a finished audit, as `serde_json` would pretty-print it
/// with its keys sorted, but one asset at a time: a library of many thousands of assets is
/// never held as one JSON tree.
/// With deals (`--opportunities`), an `influence` object holds their summary and each asset's
/// influence columns. A `duplicates` object holds the duplicates summary at the default rules.
pub fn write(
    config: &Config,
    audit: &Audit,
    digests: &[Option<String>],
    parts: &Parts,
    out: &mut dyn Write,
) -> Result<()> {
    let deals = parts.deals;
    let mut head = head(config, audit, digests, deals)?;
    head.insert(
        "duplicates".into(),
        sort_keys(serde_json::to_value(parts.duplicates)?),
    );
    let influence = deals.map(|d| d.influence);
    let streamed = ["assets"].into_iter().chain(influence.map(|_| "influence"));
    let mut keys: Vec<&str> = head.keys().map(String::as_str).chain(streamed).collect();
    keys.sort_unstable();
    out.write_all(b"{")?;
    for (i, key) in keys.into_iter().enumerate() {
        write_key(i, key, 1, out)?;
        match (head.get(key), influence) {
            (Some(value), _) => write_value(value, 1, out)?,
            (None, Some(influence)) if key == "influence" => {
                write_influence(audit, influence, out)?
            }
            (None, _) => write_assets(config, audit, out)?,
        }
    }
    out.write_all(b"\n}\n")?;
    Ok(())
}

/// The columns of the `influence` report that describe the asset itself, left to `assets`.
const DESCRIBED_ELSEWHERE: [&str; 4] = ["title", "type", "owner", "status"];

/// `{"assets": [each asset's influence columns, by id], "summary": {...}}`, one asset at a time.
fn write_influence(audit: &Audit, influence: &Credited, out: &mut dyn Write) -> Result<()> {
    let mut rows: Vec<_> = influence.asset_rows(audit).collect();
    rows.sort_by(|a, b| a.asset_id.cmp(&b.asset_id));
    out.write_all(b"{")?;
    write_key(0, "assets", 2, out)?;
    let rows = rows.into_iter().map(|row| {
        let mut fields = object(&row)?;
        for key in DESCRIBED_ELSEWHERE {
            fields.remove(key);
        }
        Ok(fields)
    });
    write_objects(rows, 2, out)?;
    write_key(1, "summary", 2, out)?;
    write_value(
        &sort_keys(serde_json::to_value(&influence.summary)?),
        2,
        out,
    )?;
    out.write_all(b"\n  }")?;
    Ok(())
}

/// Everything but the assets, keys sorted.
fn head(
    config: &Config,
    audit: &Audit,
    digests: &[Option<String>],
    deals: Option<&DealPart>,
) -> Result<Map<String, Json>> {
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
    let mut options = options(&config.asked, params)?;
    let mut inputs = inputs(audit, digests);
    if let Some(deals) = deals {
        options.extend(deals.options.clone());
        inputs.extend(deals.files.iter().map(|(file, digest)| input(file, digest)));
    }
    doc.insert("options".into(), Json::Object(options));
    doc.insert("inputs".into(), Json::Array(inputs));
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
fn options(asked: &ReadingAsked, mut params: Map<String, Json>) -> Result<Map<String, Json>> {
    for key in ["as_of", "since", "until"] {
        params.remove(key);
    }
    params.extend(object(asked)?);
    Ok(params)
}

/// Each input file as named on the command line, its role, data rows and SHA-256.
fn inputs(audit: &Audit, digests: &[Option<String>]) -> Vec<Json> {
    let files = audit.files.iter().zip(digests);
    files.map(|(file, digest)| input(file, digest)).collect()
}

fn input(file: &FileReport, digest: &Option<String>) -> Json {
    serde_json::json!({
        "role": file.role.as_str(),
        "path": file.path,
        "rows": file.rows,
        "sha256": digest,
    })
}

/// Every asset (the `assets` report's columns plus cost), ordered by id, keys sorted.
fn write_assets(config: &Config, audit: &Audit, out: &mut dyn Write) -> Result<()> {
    let rows = asset_rows(audit, config.window.as_of, |_| true, AssetOrder::Id);
    write_objects(rows.map(|row| object(&row)), 1, out)
}

/// An array of objects `depth` levels down, keys sorted, written as the pretty printer would
/// but one object at a time.
fn write_objects(
    rows: impl Iterator<Item = Result<Map<String, Json>>>,
    depth: usize,
    out: &mut dyn Write,
) -> Result<()> {
    let indent = "  ".repeat(depth + 1);
    let mut any = false;
    for (i, row) in rows.enumerate() {
        any = true;
        write!(out, "{}\n{indent}{{", if i == 0 { "[" } else { "," })?;
        let mut fields: Vec<(String, Json)> = row?.into_iter().collect();
        fields.sort_by(|a, b| a.0.cmp(&b.0));
        for (k, (key, value)) in fields.iter().enumerate() {
            write_key(k, key, depth + 2, out)?;
            match value {
                // Every asset field is a scalar: written as the pretty printer would.
                Json::Array(_) | Json::Object(_) => write_value(value, depth + 2, out)?,
                scalar => serde_json::to_writer(&mut *out, scalar)?,
            }
        }
        write!(out, "\n{indent}}}")?;
    }
    match any {
        true => write!(out, "\n{}]", "  ".repeat(depth))?,
        false => out.write_all(b"[]")?,
    }
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
    Ok(Some(crate::input::source::hex(&digest)))
}

/// A snapshot read back: its figures, and its assets by id.
#[derive(Debug, Clone)]
pub struct Loaded {
    pub path: String,
    pub as_of: String,
    pub summary: Map<String, Json>,
    /// The influence summary, in a snapshot made with `--opportunities`.
    pub influence: Option<Map<String, Json>>,
    /// The duplicates summary; none in a snapshot made before `duplicates` existed.
    pub duplicates: Option<Map<String, Json>>,
    /// In id order (the last of an id given twice).
    pub assets: Vec<SnapshotAsset>,
}

/// What `diff` reads of a snapshot's asset, as the snapshot wrote it (null where absent),
/// kept compact: a million of them take about 230 MB.
#[derive(Debug, Clone, PartialEq)]
pub struct SnapshotAsset {
    pub asset_id: Box<str>,
    pub title: Kept,
    pub kind: Kept,
    pub owner: Kept,
    pub status: Kept,
    pub opens: Kept,
}

/// A JSON value kept in little room: text (nearly always) or null inline, anything else boxed.
#[derive(Debug, Clone, PartialEq)]
pub enum Kept {
    Null,
    Text(Box<str>),
    Other(Box<Json>),
}

impl Kept {
    fn of(value: Option<Json>) -> Kept {
        match value {
            None | Some(Json::Null) => Kept::Null,
            Some(Json::String(text)) => Kept::Text(text.into_boxed_str()),
            Some(other) => Kept::Other(Box::new(other)),
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match self {
            Kept::Text(text) => Some(text),
            _ => None,
        }
    }

    pub fn as_u64(&self) -> Option<u64> {
        match self {
            Kept::Other(value) => value.as_u64(),
            _ => None,
        }
    }

    /// The value as the snapshot wrote it.
    pub fn to_json(&self) -> Json {
        match self {
            Kept::Null => Json::Null,
            Kept::Text(text) => Json::String(text.to_string()),
            Kept::Other(value) => (**value).clone(),
        }
    }
}

/// Reads a snapshot, refusing files that are not snapshots or have another schema version.
/// The document is parsed as it is read, each asset kept as a [`SnapshotAsset`], so two
/// snapshots of a million assets compare in a few hundred megabytes.
pub fn load(path: &str) -> Result<Loaded> {
    let file = std::fs::File::open(path).map_err(|e| input_error!("{path}: {e}"))?;
    let reader = std::io::BufReader::with_capacity(1 << 16, file);
    let doc: Document = serde_json::from_reader(reader).map_err(|e| {
        let message = e.to_string();
        match message.strip_prefix(MALFORMED) {
            Some(what) => {
                let what = what.rsplit_once(" at line ").map_or(what, |(w, _)| w);
                input_error!("{path}: malformed snapshot: {what}")
            }
            None => input_error!("{path}: not a collateral-audit snapshot (not JSON: {e})"),
        }
    })?;
    if doc.kind.as_ref().and_then(Json::as_str) != Some(KIND) {
        return Err(input_error!(
            "{path}: not a collateral-audit snapshot (no \"kind\": {KIND:?}); make one with `collateral-audit snapshot`"
        ));
    }
    let version = doc.schema_version.as_ref().and_then(Json::as_u64);
    if version != Some(SNAPSHOT_SCHEMA_VERSION) {
        return Err(input_error!(
            "{path}: snapshot schema_version {} cannot be compared by this version of collateral-audit (it reads version {SNAPSHOT_SCHEMA_VERSION}); re-run `snapshot` on the old inputs",
            version.map_or("missing".to_string(), |v| v.to_string())
        ));
    }
    let malformed = |what: &str| input_error!("{path}: malformed snapshot: {what}");
    let Some(Json::Object(summary)) = doc.summary else {
        return Err(malformed("no summary object"));
    };
    // A figure edited into text ("58.9") or lost would compare as no change, or as a
    // confident delta from nothing.
    for (key, value) in &summary {
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
    let influence = match doc.influence {
        None => None,
        Some(Json::Object(mut object)) => match object.remove("summary") {
            Some(Json::Object(summary)) => Some(summary),
            _ => return Err(malformed("an influence object without its summary")),
        },
        Some(_) => return Err(malformed("influence is not an object")),
    };
    if let Some((key, value)) = influence
        .iter()
        .flatten()
        .find(|(_, v)| v.is_array() || v.is_object())
    {
        return Err(malformed(&format!(
            "influence figure {key:?} is {value}, not a number"
        )));
    }
    let duplicates = match doc.duplicates {
        None => None,
        Some(Json::Object(figures)) => Some(figures),
        Some(_) => return Err(malformed("duplicates is not an object")),
    };
    if let Some((key, value)) = duplicates
        .iter()
        .flatten()
        .find(|(_, v)| !(v.is_number() || v.is_null()))
    {
        return Err(malformed(&format!(
            "duplicates figure {key:?} is {value}, not a number"
        )));
    }
    let Some(Assets(mut assets)) = doc.assets else {
        return Err(malformed("no assets array"));
    };
    assets.sort_by(|a, b| a.asset_id.cmp(&b.asset_id));
    // The last of an id given twice wins, as a map built in order would keep it.
    assets.reverse();
    assets.dedup_by(|later, earlier| later.asset_id == earlier.asset_id);
    assets.reverse();
    Ok(Loaded {
        path: path.to_string(),
        as_of: doc
            .as_of
            .as_ref()
            .and_then(Json::as_str)
            .unwrap_or_default()
            .to_string(),
        summary,
        influence,
        duplicates,
        assets,
    })
}

/// The start of an error raised while reading the assets (told without serde's position).
const MALFORMED: &str = "malformed snapshot: ";

/// The parts of a snapshot document `diff` reads; the rest is passed over.
#[derive(serde::Deserialize)]
struct Document {
    kind: Option<Json>,
    schema_version: Option<Json>,
    as_of: Option<Json>,
    summary: Option<Json>,
    influence: Option<Json>,
    duplicates: Option<Json>,
    assets: Option<Assets>,
}

/// The assets array, each asset checked and kept compact as it is read.
struct Assets(Vec<SnapshotAsset>);

/// One asset as written, before it is checked.
#[derive(serde::Deserialize)]
struct RawAsset {
    asset_id: Option<Json>,
    title: Option<Json>,
    #[serde(rename = "type")]
    kind: Option<Json>,
    owner: Option<Json>,
    status: Option<Json>,
    opens: Option<Json>,
    users: Option<Json>,
}

impl<'de> serde::Deserialize<'de> for Assets {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visit;
        impl<'de> serde::de::Visitor<'de> for Visit {
            type Value = Assets;

            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("an array of assets")
            }

            fn visit_seq<A: serde::de::SeqAccess<'de>>(
                self,
                mut seq: A,
            ) -> Result<Assets, A::Error> {
                use serde::de::Error;
                let mut assets = Vec::with_capacity(seq.size_hint().unwrap_or(0));
                while let Some(raw) = seq.next_element::<Json>()? {
                    let raw: RawAsset = match serde_json::from_value(raw) {
                        Ok(raw) => raw,
                        Err(_) => {
                            return Err(A::Error::custom(format!(
                                "{MALFORMED}an asset that is not an object"
                            )))
                        }
                    };
                    assets.push(
                        checked(raw)
                            .map_err(|what| A::Error::custom(format!("{MALFORMED}{what}")))?,
                    );
                }
                assets.shrink_to_fit();
                Ok(Assets(assets))
            }
        }
        deserializer.deserialize_seq(Visit)
    }
}

/// An asset with a text id and numeric (or null) counts.
fn checked(raw: RawAsset) -> Result<SnapshotAsset, String> {
    let Some(Json::String(asset_id)) = raw.asset_id else {
        return Err("an asset without asset_id".into());
    };
    for (key, value) in [("opens", &raw.opens), ("users", &raw.users)] {
        if let Some(value) = value.as_ref().filter(|v| !v.is_number() && !v.is_null()) {
            return Err(format!(
                "asset {} has {key} {value}, not a number",
                Json::String(asset_id.clone())
            ));
        }
    }
    Ok(SnapshotAsset {
        asset_id: asset_id.into_boxed_str(),
        title: Kept::of(raw.title),
        kind: Kept::of(raw.kind),
        owner: Kept::of(raw.owner),
        status: Kept::of(raw.status),
        opens: Kept::of(raw.opens),
    })
}
