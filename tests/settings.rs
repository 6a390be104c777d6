//! The settings file and the platform presets, on the hand-worked core fixture
//! (as-of 2026-11-01; see tests/audit.rs for the figures without filters).

mod common;
use common::*;

/// `summary --format json -q` on the core fixture at its as-of.
fn summary_json() -> Cli {
    core("summary")
        .as_of(AS_OF)
        .args(["--format", "json", "-q"])
}

const SALES_CONFIG: &str =
    "[filters]\nteams = [\"Sales\"]\nmin_age = 5\n[gates]\nnever_opened_above = 50\n";

#[test]
fn the_file_sets_filters_thresholds_and_gates() {
    let dir = Scratch::new();
    let config = dir.file("audit.toml", SALES_CONFIG);
    // Sales events before as-of: A1 twice, A5, A6 (orphan ZZ aside). With min_age 5, A6
    // (created 2026-10-20) is judged: 7 judged, never opened A2, A3, A4, A8.
    let run = summary_json().args(["--config", &config]).run();
    let (code, json, stderr) = (run.code, run.json(), run.stderr);
    assert_eq!(json["events_counted"], 4);
    assert_eq!(json["assets_judged"], 7);
    assert_eq!(json["assets_never_opened"], 4);
    assert_eq!(json["never_opened_pct"], 57.14);
    assert_eq!(code, 1, "57.14% is above the file's gate of 50");
    assert!(stderr.contains("never_opened_pct"), "{stderr}");
}

#[test]
fn the_command_line_wins_over_the_file() {
    let dir = Scratch::new();
    let config = dir.file("audit.toml", SALES_CONFIG);
    // --min-age 30 leaves A6 new: 4 of 6 never opened.
    let run = summary_json()
        .args(["--config", &config, "--min-age", "30"])
        .run();
    let (code, json) = (run.code, run.json());
    assert_eq!(
        (
            json["assets_judged"].as_u64(),
            json["never_opened_pct"].as_f64()
        ),
        (Some(6), Some(66.67))
    );
    assert_eq!(code, 1);
    // --team Marketing: only ann's view of A3 counts; A1, A2, A4, A5, A8 never opened.
    let run = summary_json()
        .args([
            "--config",
            &config,
            "--team",
            "Marketing",
            "--min-age",
            "30",
            "--fail-if-never-opened-above",
            "90",
        ])
        .run();
    let (code, json) = (run.code, run.json());
    assert_eq!(json["events_counted"], 1);
    assert_eq!(json["never_opened_pct"], 83.33);
    assert_eq!(
        code, 0,
        "the command line's gate of 90 replaces the file's 50"
    );
}

#[test]
fn column_mappings_and_exclusions_from_the_file() {
    let dir = Scratch::new();
    let events = dir.file(
        "events.csv",
        "Asset ID,Seller,When\nA1,ann@corp.com,2026-10-01\nA2,Bot@Corp.com,2026-10-02\nA3,ann@corp.com,2026-10-03\n",
    );
    let config = dir.file(
        "c.toml",
        "[columns]\n\"events.user\" = \"Seller\"\n\"events.time\" = \"When\"\n[filters]\nexclude_users = [\"bot@corp.com\"]\n",
    );
    let run = Cli::new("summary")
        .assets(fixture("core/assets.csv"))
        .events(&events)
        .as_of(AS_OF)
        .args(["--config", &config, "--format", "json", "-q"])
        .run()
        .ok();
    let json = run.json();
    assert_eq!(json["events_counted"], 2);
    assert_eq!(json["events_excluded"], 1);
    assert_eq!(json["users_active"], 1);
}

#[test]
fn bad_files_name_the_file_line_and_key() {
    let dir = Scratch::new();
    let cases = [
        (
            "[filters]\nteams = [\"Sales\"]\nmin_agee = 3\n",
            "line 3: filters.min_agee: unknown field `min_agee`",
        ),
        (
            "[gates]\nnever_opened_above = \"sixty\"\n",
            "line 2: gates.never_opened_above: invalid type",
        ),
        (
            "[filters]\nexclude_owners = 1\n",
            "line 2: filters.exclude_owners: invalid type",
        ),
        (
            "[colums]\n\"events.user\" = \"x\"\n",
            "line 1: colums: unknown field `colums`",
        ),
        (
            "[columns]\n\"events.usr\" = \"x\"\n",
            "line 2: [columns] \"events.usr\"",
        ),
        (
            "preset = \"hubspot\"\n",
            "line 1: preset: unknown preset \"hubspot\"",
        ),
    ];
    for (text, expected) in cases {
        let config = dir.file("bad.toml", text);
        let run = core("summary").args(["--config", &config]).run();
        let run = run.expect_code(2);
        assert!(
            run.stderr.contains(&format!("bad.toml, {expected}")),
            "{text}: {}",
            run.stderr
        );
        assert_eq!(run.stderr.lines().count(), 1, "{}", run.stderr);
    }
    let missing = dir.path("missing.toml");
    let run = core("summary").args(["--config", &missing]).run();
    assert!(run
        .expect_code(2)
        .stderr
        .contains("cannot read the settings file"));
}

#[test]
fn collateral_audit_toml_in_the_working_directory_is_read() {
    let dir = Scratch::new();
    dir.file("collateral-audit.toml", SALES_CONFIG);
    let output = core("summary")
        .as_of(AS_OF)
        .args(["--format", "json"])
        .current_dir(dir.root())
        .run();
    let json: serde_json::Value = output.json();
    assert_eq!(json["never_opened_pct"], 57.14);
    assert_eq!(output.code, 1);
    let stderr = output.stderr;
    assert!(
        stderr.contains("note: using settings from collateral-audit.toml"),
        "{stderr}"
    );
}

#[test]
fn diff_takes_its_gates_from_the_file() {
    let dir = Scratch::new();
    let old = dir.path("old.json");
    let new = dir.path("new.json");
    for (path, team) in [(&old, "SDR"), (&new, "Marketing")] {
        core("snapshot")
            .as_of(AS_OF)
            .args(["--team", team, "-q", "--out", path])
            .run()
            .ok();
    }
    // SDR: A1, A2 opened, 4 of 6 never (66.67); Marketing: 5 of 6 (83.33): up 16.67 points.
    let config = dir.file("c.toml", "[gates]\nnever_opened_rises_by = 10\n");
    let run = Cli::new("diff")
        .args([&old, &new])
        .args(["--config", &config, "--format", "json"])
        .run();
    let run = run.expect_code(1);
    assert!(run.stderr.contains("never_opened_pct"), "{}", run.stderr);
    let loose = dir.file("loose.toml", "[gates]\nnever_opened_rises_by = 20\n");
    Cli::new("diff")
        .args([&old, &new])
        .args(["--config", &loose])
        .run()
        .ok();
}

/// `summary --preset PRESET --format json -q` at the fixtures' as-of.
fn preset_summary(preset: &str, assets: &str, events: &str) -> Cli {
    Cli::new("summary")
        .assets(assets)
        .events(events)
        .as_of(AS_OF)
        .args(["--preset", preset, "--format", "json", "-q"])
}

#[test]
fn salesforce_content_transfers_read_as_downloads_and_previews() {
    let dir = Scratch::new();
    let assets = dir.file(
        "assets.csv",
        "Id,Title,CreatedDate\n069A,Deck,2026-01-05\n069B,Case,2026-01-05\n069C,Brief,2026-01-05\n",
    );
    let events = dir.file(
        "transfers.csv",
        "EVENT_TYPE,TIMESTAMP,USER_ID,DOCUMENT_ID,TRANSACTION_TYPE\n\
         ContentTransfer,20261015093000.123,005X,069A,VersionDownloadAction\n\
         ContentTransfer,20261016093000.000,005Y,069B,VersionDownloadApi\n\
         ContentTransfer,20261017093000.000,005Y,069C,VersionRenditionDownload\n",
    );
    let json = preset_summary("salesforce-content", &assets, &events)
        .args(["--types", "download"])
        .run()
        .ok()
        .json();
    assert_eq!(
        (
            json["events_counted"].as_u64(),
            json["events_excluded"].as_u64()
        ),
        (Some(2), Some(1))
    );
    assert_eq!(json["assets_never_opened"], 1, "069C was only previewed");
    let json = preset_summary("salesforce-content", &assets, &events)
        .args(["--types", "preview"])
        .run()
        .ok()
        .json();
    assert_eq!(json["events_counted"], 1);
    // The platform's own spelling still works.
    let json = preset_summary("salesforce-content", &assets, &events)
        .args(["--types", "VersionDownloadApi"])
        .run()
        .ok()
        .json();
    assert_eq!(json["events_counted"], 1);
}

#[test]
fn m365_purview_takes_the_file_from_the_audit_data_json() {
    let dir = Scratch::new();
    let assets = dir.file(
        "files.csv",
        "ObjectId,Title,Created\nhttps://t.sharepoint.com/s/Deck.pptx,Deck,2026-01-01\nhttps://t.sharepoint.com/s/Case.pdf,Case,2026-01-01\nhttps://t.sharepoint.com/s/Old.pdf,Old,2026-01-01\n",
    );
    let events = dir.file(
        "audit.csv",
        "RecordId,CreationDate,RecordType,Operation,UserId,AuditData\n\
         1,2026-10-01T10:00:00.0000000Z,6,FileAccessed,dan@t.com,\"{\"\"Operation\"\":\"\"FileAccessed\"\",\"\"ObjectId\"\":\"\"https://t.sharepoint.com/s/Deck.pptx\"\"}\"\n\
         2,2026-10-02T10:00:00.0000000Z,6,FileDownloaded,eve@t.com,\"{\"\"ObjectId\"\":\"\"https://t.sharepoint.com/s/Case.pdf\"\"}\"\n\
         3,2026-10-03T10:00:00.0000000Z,6,FileAccessed,eve@t.com,\"{\"\"ObjectId\"\":\"\"https://t.sharepoint.com/s/Gone.pdf\"\"}\"\n\
         4,2026-10-03T10:00:00.0000000Z,6,FileAccessed,eve@t.com,not json\n",
    );
    let json = preset_summary("m365-purview", &assets, &events)
        .run()
        .ok()
        .json();
    assert_eq!(json["events_read"], 4);
    assert_eq!(json["events_counted"], 2);
    assert_eq!(json["events_orphan"], 1, "Gone.pdf is not in the inventory");
    assert_eq!(json["rows_skipped"], 1, "a cell that is not JSON");
    assert_eq!(json["assets_never_opened"], 1, "Old.pdf");
    let json = preset_summary("m365-purview", &assets, &events)
        .args(["--types", "download"])
        .run()
        .ok()
        .json();
    assert_eq!(json["events_counted"], 1);
    let problem = Cli::new("summary")
        .assets(&assets)
        .events(&events)
        .as_of(AS_OF)
        .args(["--preset", "m365-purview"])
        .run()
        .ok()
        .stderr;
    assert!(
        problem.contains("audit.csv:5: column \"AuditData\", value \"not json\""),
        "{problem}"
    );
}

#[test]
fn showpad_and_google_drive_headers_map() {
    let dir = Scratch::new();
    let assets = dir.file(
        "drive.csv",
        "doc_id,doc_title,doc_type,owner,created\nD1,Deck,presentation,ann@x.com,2026-01-01\nD2,Sheet,spreadsheet,bob@x.com,2026-01-01\n",
    );
    let events = dir.file(
        "showpad.csv",
        "id,assetId,userId,startTime,endTime,type\n9,D1,u1,2026-10-01T08:00:00Z,2026-10-01T08:05:00Z,view\n",
    );
    let json = preset_summary("showpad", &assets, &events)
        .args(["--types", "view"])
        .run()
        .ok()
        .json();
    assert_eq!(json["events_counted"], 1);
    let unused = Cli::new("unused")
        .assets(&assets)
        .events(&events)
        .as_of(AS_OF)
        .args(["--preset", "google-drive", "--format", "csv", "-q"])
        .run()
        .ok();
    let rows = unused.csv_rows();
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0]["asset_id"], "D2");
    assert_eq!(rows[0]["type"], "spreadsheet", "doc_type is the type");
    let bad = Cli::new("summary")
        .assets(&assets)
        .events(&events)
        .args(["--preset", "hubspot"])
        .run();
    assert!(bad
        .expect_code(2)
        .stderr
        .contains("unknown preset \"hubspot\""));
}

#[test]
fn a_snapshot_records_the_preset_and_the_file_settings() {
    let dir = Scratch::new();
    let config = dir.file("c.toml", SALES_CONFIG);
    let out = dir.path("snap.json");
    core("snapshot")
        .as_of(AS_OF)
        .args([
            "--preset", "showpad", "--config", &config, "-q", "--out", &out,
        ])
        .run()
        .expect_code(1);
    let snapshot: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
    assert_eq!(snapshot["options"]["preset"], "showpad");
    assert_eq!(snapshot["options"]["teams"], serde_json::json!(["sales"]));
    assert_eq!(snapshot["options"]["min_age_days"], 5);
}
