//! `duplicates`: same titles, same content, similar titles (trigram Jaccard compared exactly),
//! clusters through chains, the keep rule and its tie-breaks, and the summary, each worked out
//! by hand.

mod common;
use common::*;
use serde_json::{json, Value};

/// Five clusters and three assets in none. Trigram sets (of the normalised title with a space
/// at each end) worked out by hand:
/// - "partner guide" (13 trigrams) and "partner guides" (14) share 12: 12/15 = 0.8 exactly.
/// - "data security overview" (22), "… de" (25), "… de fr" (28): the first two share 22 of 25
///   (0.88), the last two 25 of 28 (0.89), the first and last 22 of 28 (0.79, not similar):
///   one cluster through the chain.
/// - H1 and H2 have unrelated titles and types but one MD5 (case and spaces aside).
/// - E2 ("Final Draft") and E3 ("") normalise to nothing: they link by their MD5 only; E1
///   ("(1).pdf") has none and links to nothing.
/// - K and M share a title; N has none but M's MD5: N joins through M, and its content differs
///   from the kept K, so its similarity is 0.
/// - D4 has D1's title but another type; L1 is alone.
const ASSETS: &str = "\
Content ID,Title,Type,Owner,Created,Cost,MD5
D1,Partner Guide.pdf,Guide,ann,2025-01-01,100,
D2,Partner Guides,Guide,bob,2025-02-01,200,
D3,Partner Guide v2 (1),guide ,ann,2025-03-01,50,
D4,Partner Guide,Video,ann,2025-03-01,70,
S1,Data Security Overview,Deck,ann,2025-01-01,10,
S2,Data Security Overview DE,Deck,bob,2025-01-01,10,
S3,Data Security Overview DE FR,Deck,bob,2025-01-01,20,
H1,Q3 Pricing,Deck,ann,2025-01-01,1000,ABC123
H2,Totally different,Video,bob,2025-06-01,3000, abc123 
E1,(1).pdf,Deck,ann,2025-01-01,1,
E2,Final Draft,Deck,ann,2025-01-01,2,FFF
E3,,Video,ann,,1.5,fff
K,Renewal Kit,Kit,ann,2025-01-01,40,k1
M,Renewal Kit (2),Kit,bob,2025-01-01,,m1
N,,Kit,bob,2025-01-01,5,M1
L1,Lonely Asset,Deck,ann,2025-01-01,9,
";

const EVENTS: &str = "\
asset_id,user,timestamp
D2,u1,2026-10-15T10:00:00Z
D2,u2,2026-10-15T11:00:00Z
D2,u1,2026-10-16T10:00:00Z
D1,u1,2026-10-15T10:00:00Z
S1,u1,2026-10-15T10:00:00Z
S1,u2,2026-10-15T10:00:00Z
S2,u3,2026-10-15T10:00:00Z
K,u1,2026-10-15T10:00:00Z
L1,u1,2026-10-15T10:00:00Z
";

fn duplicates(assets: &str, events: &str, extra: &[&str]) -> Run {
    let dir = Scratch::new();
    let assets = dir.file("assets.csv", assets);
    let events = dir.file("events.csv", events);
    Cli::new("duplicates")
        .assets(assets)
        .events(events)
        .as_of(AS_OF)
        .arg("-q")
        .args(extra)
        .run()
}

fn json_of(assets: &str, events: &str, extra: &[&str]) -> Value {
    let mut args = vec!["--format", "json"];
    args.extend_from_slice(extra);
    duplicates(assets, events, &args).ok().json()
}

/// (cluster, asset_id, similarity, keep) of every row, in order.
fn rows(json: &Value) -> Vec<(u64, String, f64, bool)> {
    json["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["cluster"].as_u64().unwrap(),
                r["asset_id"].as_str().unwrap().to_string(),
                r["similarity"].as_f64().unwrap(),
                r["keep"].as_bool().unwrap(),
            )
        })
        .collect()
}

fn row_of<'a>(json: &'a Value, id: &str) -> &'a Value {
    json["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["asset_id"] == id)
        .unwrap_or_else(|| panic!("no row for {id}"))
}

fn r(cluster: u64, id: &str, similarity: f64, keep: bool) -> (u64, String, f64, bool) {
    (cluster, id.to_string(), similarity, keep)
}

#[test]
fn clusters_are_numbered_by_size_then_kept_id_with_members_in_order() {
    let json = json_of(ASSETS, EVENTS, &[]);
    assert_eq!(
        rows(&json),
        [
            // Size 3, kept D2 (3 opens); D1 has 1 open, D3 none; D3 is D1's title.
            r(1, "D2", 1.0, true),
            r(1, "D1", 0.8, false),
            r(1, "D3", 0.8, false),
            // Size 3, kept K: M has its title (1), N only M's content (0).
            r(2, "K", 1.0, true),
            r(2, "M", 1.0, false),
            r(2, "N", 0.0, false),
            // Size 3, kept S1 (2 opens); S3 joined through S2 at 0.79, below the threshold.
            r(3, "S1", 1.0, true),
            r(3, "S2", 0.88, false),
            r(3, "S3", 0.79, false),
            // Size 2: E2 (dated) kept over E3 (undated), both unopened; same content: 1.
            r(4, "E2", 1.0, true),
            r(4, "E3", 1.0, false),
            // Size 2: H2 created later than H1, both unopened; same content across types.
            r(5, "H2", 1.0, true),
            r(5, "H1", 1.0, false),
        ]
    );
    let d2 = row_of(&json, "D2");
    assert_eq!(d2["opens"], 3);
    assert_eq!(d2["users"], 2);
    assert_eq!(d2["last_open"], "2026-10-16T10:00:00Z");
    assert_eq!(d2["status"], "active");
    assert_eq!(d2["created"], "2025-02-01");
    assert_eq!(d2["title"], "Partner Guides");
    assert_eq!(d2["type"], "Guide");
    assert_eq!(d2["owner"], "bob");
    assert_eq!(row_of(&json, "D3")["status"], "never");
    assert_eq!(row_of(&json, "E3")["created"], Value::Null);
    assert_eq!(row_of(&json, "E3")["last_open"], Value::Null);
}

#[test]
fn the_summary_adds_up_what_retiring_would_save() {
    let json = json_of(ASSETS, EVENTS, &[]);
    // Retired: D1 (active), D3, M, N, S2 (active), S3, E3, H1; costs 100 + 50 + 0 (empty) +
    // 5 + 10 + 20 + 1.5 + 1000.
    assert_eq!(
        json["summary"],
        json!({
            "clusters": 5,
            "assets_in_clusters": 13,
            "assets_to_retire": 8,
            "retire_never_opened": 6,
            "retire_cost": 1186.5,
        })
    );
    assert_eq!(json["similarity"], 0.8);
    assert_eq!(json["across_types"], false);
    assert_eq!(json["retire_only"], false);
    assert_eq!(json["schema_version"], 1);
}

#[test]
fn retire_cost_is_null_without_a_cost_column() {
    let assets = "id,title\nA,Guide\nB,Guide.pdf\n";
    let json = json_of(assets, "asset_id,timestamp\nA,2026-10-01\n", &[]);
    assert_eq!(json["summary"]["retire_cost"], Value::Null);
    assert_eq!(json["summary"]["assets_to_retire"], 1);
    // Without a type column every asset is of one type.
    assert_eq!(rows(&json), [r(1, "A", 1.0, true), r(1, "B", 1.0, false)]);
}

#[test]
fn across_types_links_same_and_similar_titles_of_other_types() {
    let json = json_of(ASSETS, EVENTS, &["--across-types"]);
    let first: Vec<_> = rows(&json).into_iter().filter(|r| r.0 == 1).collect();
    assert_eq!(
        first,
        [
            r(1, "D2", 1.0, true),
            r(1, "D1", 0.8, false),
            r(1, "D3", 0.8, false),
            r(1, "D4", 0.8, false),
        ]
    );
    assert_eq!(json["summary"]["assets_in_clusters"], 14);
    assert_eq!(json["across_types"], true);
    // Without it, D4 (a Video titled as the guide) is in no cluster.
    let json = json_of(ASSETS, EVENTS, &[]);
    assert!(!rows(&json).iter().any(|r| r.1 == "D4"));
}

#[test]
fn the_threshold_is_met_exactly_and_missed_just_above() {
    let assets = "id,title,type\nA,Partner Guide,Guide\nB,Partner Guides,Guide\n";
    let events = "asset_id,timestamp\nA,2026-10-01\n";
    for met in ["0.8", "0.80", ".8", "0.8000000000000000"] {
        let json = json_of(assets, events, &["--similarity", met]);
        assert_eq!(json["summary"]["clusters"], 1, "{met}");
        assert_eq!(json["rows"][1]["similarity"], 0.8);
    }
    // 12/15 is under 0.81 (and under 0.8000000000000001, which a float could not tell apart).
    for missed in ["0.81", "0.8000000000000001"] {
        let json = json_of(assets, events, &["--similarity", missed]);
        assert_eq!(json["summary"]["clusters"], 0, "{missed}");
        assert_eq!(json["rows"], json!([]));
    }
    // "partner guide" and "partner guides emea" share 12 of 20 trigrams: 0.6.
    let assets = "id,title,type\nA,Partner Guide,Guide\nB,Partner Guides EMEA,Guide\n";
    for (threshold, clusters) in [("0.59", 1), ("0.6", 1), ("0.6000001", 0), ("0.61", 0)] {
        let json = json_of(assets, events, &["--similarity", threshold]);
        assert_eq!(json["summary"]["clusters"], clusters, "{threshold}");
    }
}

#[test]
fn a_similarity_outside_zero_to_one_is_a_usage_error() {
    for bad in ["0", "1.5", "-0.2", "abc", "1e-1", ""] {
        let run = duplicates(ASSETS, EVENTS, &["--similarity", bad]).expect_code(2);
        assert!(run.stderr.contains("--similarity"), "{bad}: {}", run.stderr);
        assert!(run.stdout.is_empty());
    }
    // 1 links equal trigram sets only: titles equal once normalised, as ever.
    let json = json_of(ASSETS, EVENTS, &["--similarity", "1"]);
    assert_eq!(json["summary"]["clusters"], 4);
}

#[test]
fn each_keep_tie_break() {
    // One type per case, every title the same.
    let assets = "\
id,title,type,created
O1,Guide,opens,2020-01-01
O2,Guide,opens,2026-01-01
L1,Guide,last,2025-01-01
L2,Guide,last,2025-01-01
C1,Guide,created,2025-01-01
C2,Guide,created,2025-05-01
C3,Guide,created,
I9,Guide,id,
I10,Guide,id,
";
    let events = "\
asset_id,timestamp
O1,2026-06-01
O1,2026-06-02
O2,2026-10-01
L1,2026-10-10
L2,2026-10-01
L2,2026-10-02
L1,2026-09-01
";
    let json = json_of(assets, events, &[]);
    let kept: Vec<(String, String)> = json["rows"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["keep"] == true)
        .map(|r| {
            (
                r["type"].as_str().unwrap().to_string(),
                r["asset_id"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(
        kept,
        [
            // Size 3 first.
            ("created".into(), "C2".into()), // no opens: the newest created, undated last
            ("id".into(), "I10".into()),     // nothing else differs: "I10" < "I9" as text
            ("last".into(), "L1".into()),    // 2 opens each: the later last open
            ("opens".into(), "O1".into()),   // more opens, though older and last opened earlier
        ]
    );
    assert_eq!(
        rows(&json).iter().map(|r| r.1.as_str()).collect::<Vec<_>>(),
        ["C2", "C1", "C3", "I10", "I9", "L1", "L2", "O1", "O2"]
    );
}

#[test]
fn retire_only_keeps_the_rows_to_retire_and_the_same_summary() {
    let all = json_of(ASSETS, EVENTS, &[]);
    let json = json_of(ASSETS, EVENTS, &["--retire-only"]);
    let ids: Vec<String> = rows(&json).into_iter().map(|r| r.1).collect();
    assert_eq!(ids, ["D1", "D3", "M", "N", "S2", "S3", "E3", "H1"]);
    assert!(rows(&json).iter().all(|r| !r.3));
    assert_eq!(json["summary"], all["summary"]);
    assert_eq!(json["retire_only"], true);
}

#[test]
fn every_format_has_the_columns_and_the_summary() {
    let csv = duplicates(ASSETS, EVENTS, &["--format", "csv"]).ok();
    assert_eq!(
        csv.csv_header(),
        [
            "cluster",
            "asset_id",
            "title",
            "type",
            "owner",
            "created",
            "status",
            "opens",
            "users",
            "last_open",
            "similarity",
            "keep"
        ]
    );
    let rows = csv.csv_rows();
    assert_eq!(rows.len(), 13);
    let s3 = row(&rows, "asset_id", "S3");
    assert_eq!(s3["similarity"], "0.79");
    assert_eq!(s3["keep"], "false");
    assert_eq!(s3["cluster"], "3");
    let table = duplicates(ASSETS, EVENTS, &[]).ok();
    assert!(
        table.stdout.starts_with(
            "Duplicates: 5 clusters of 13 assets; 8 could be retired (6 of them never opened, costing 1,186.50), keeping the most opened of each."
        ),
        "{}",
        table.stdout
    );
    assert!(
        table.stdout.contains("Cost of the copies to retire"),
        "{}",
        table.stdout
    );
    let markdown = duplicates(ASSETS, EVENTS, &["--format", "markdown"]).ok();
    assert!(markdown
        .stdout
        .contains(r"| cluster | asset\_id | title | type | owner | created | status | opens | users | last\_open | similarity | keep |"));
    assert!(markdown
        .stdout
        .contains("| 3 | S3 | Data Security Overview DE FR |"));
}

#[test]
fn nothing_alike_says_so() {
    let assets = "id,title\nA,Pricing\nB,Security\n";
    let table = duplicates(assets, "asset_id,timestamp\nA,2026-10-01\n", &[]).ok();
    assert!(
        table.stdout.starts_with("No duplicates"),
        "{}",
        table.stdout
    );
    let json = json_of(assets, "asset_id,timestamp\nA,2026-10-01\n", &[]);
    assert_eq!(json["summary"]["clusters"], 0);
    assert_eq!(json["summary"]["retire_cost"], Value::Null);
}

#[test]
fn url_and_hash_headers_are_recognised() {
    let assets = "\
id,title,type,File URL,sha256
A,One,Deck,https://x/1,
B,Two,Video,HTTPS://X/1 ,
C,Three,Deck,,aa
D,Four,Deck,,AA
";
    let json = json_of(assets, "asset_id,timestamp\nA,2026-10-01\n", &[]);
    assert_eq!(
        rows(&json),
        [
            r(1, "A", 1.0, true),
            r(1, "B", 1.0, false),
            r(2, "C", 1.0, true),
            r(2, "D", 1.0, false),
        ]
    );
}

#[test]
fn snapshots_hold_the_duplicates_summary_and_diff_shows_its_change() {
    let dir = Scratch::new();
    let events = dir.file("events.csv", EVENTS);
    let snapshot = |name: &str, assets: &str| {
        let assets = dir.file(&format!("{name}.csv"), assets);
        let out = dir.path(&format!("{name}.json"));
        Cli::new("snapshot")
            .assets(assets)
            .events(&events)
            .as_of(AS_OF)
            .args(["--out", &out, "-q"])
            .run()
            .ok();
        out
    };
    let new = snapshot("new", ASSETS);
    let doc: Value = serde_json::from_str(&std::fs::read_to_string(&new).unwrap()).unwrap();
    assert_eq!(
        doc["duplicates"],
        json!({
            "assets_in_clusters": 13,
            "assets_to_retire": 8,
            "clusters": 5,
            "retire_cost": 1186.5,
            "retire_never_opened": 6,
        })
    );
    // One cluster fewer: H2 gets its own MD5.
    let old = snapshot("old", &ASSETS.replace(" abc123 ", "zzz"));
    let diff = Cli::new("diff")
        .args([&old, &new])
        .args(["--format", "csv"])
        .run()
        .ok()
        .csv_rows();
    let clusters = row(&diff, "figure", "duplicates.clusters");
    assert_eq!((&*clusters["old"], &*clusters["new"]), ("4", "5"));
    assert_eq!(clusters["delta"], "1");
    let cost = row(&diff, "figure", "duplicates.retire_cost");
    assert_eq!((&*cost["old"], &*cost["delta"]), ("186.5", "1000"));
    // A snapshot from before `duplicates` still loads: that side is null, with no delta.
    let mut before: Value = serde_json::from_str(&std::fs::read_to_string(&old).unwrap()).unwrap();
    before.as_object_mut().unwrap().remove("duplicates");
    let before_path = dir.file("before.json", before.to_string());
    let diff = Cli::new("diff")
        .args([&before_path, &new])
        .args(["--format", "json"])
        .run()
        .ok()
        .json();
    let clusters = diff["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["figure"] == "duplicates.clusters")
        .unwrap();
    assert_eq!(clusters["old"], Value::Null);
    assert_eq!(clusters["new"], 5);
    assert_eq!(clusters["delta"], Value::Null);
}

#[test]
fn the_html_report_shows_the_clusters_only_when_there_are_some() {
    let dir = Scratch::new();
    let out = dir.path("audit.html");
    let assets = dir.file("assets.csv", ASSETS);
    let events = dir.file("events.csv", EVENTS);
    Cli::new("report")
        .assets(&assets)
        .events(&events)
        .as_of(AS_OF)
        .args(["--out", &out, "-q"])
        .run()
        .ok();
    let html = std::fs::read_to_string(&out).unwrap();
    let section = &html[html
        .find("<h2 id=\"duplicates\">Duplicates</h2>")
        .expect("a section")..];
    assert!(section.contains("Duplicates: 5 clusters of 13 assets; 8 could be retired (6 of them never opened, costing 1,186.50)"));
    assert!(section.contains("data-figure=\"retire_cost\"><div class=\"label\">Cost of the copies</div><div class=\"value\">1,187</div>"), "{section}");
    assert!(section.contains("data-figure=\"assets_to_retire\"><div class=\"label\">Copies to retire</div><div class=\"value\">8</div>"), "{section}");
    // Last opens read as days, as in the page's other lists.
    assert!(
        section.contains("<td class=\"date\">2026-10-16</td>"),
        "{section}"
    );
    assert!(!section.contains("2026-10-16T10:00:00Z"));
    // The five clusters, the kept asset first in each: S3 is in the third.
    let d2 = section.find("<td>D2</td>").unwrap();
    let d1 = section.find("<td>D1</td>").unwrap();
    let s3 = section.find("<td>S3</td>").unwrap();
    assert!(d2 < d1 && d1 < s3);
    assert!(
        section.contains("<td class=\"num\">0.79</td><td>retire</td>"),
        "{section}"
    );
    // The core fixture holds no duplicates: no section.
    let out = dir.path("core.html");
    core("report")
        .as_of(AS_OF)
        .args(["--out", &out, "-q"])
        .run()
        .ok();
    assert!(!std::fs::read_to_string(&out)
        .unwrap()
        .contains("Duplicates"));
}
