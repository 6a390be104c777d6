//! Reading messy exports: header synonyms, dialects, time shapes, several files, bad input.

mod common;
use common::*;
use std::io::Write;

/// Three assets, all old enough to be judged at 2026-11-01; X3 undated.
const ASSETS: &str = "\
Content ID,Title,Content Type,Owner,Published Date,Production Cost
X1,Deck one,Deck,ann@corp.com,2025-01-01,100
X2,Deck two,Deck,bob@corp.com,2025-01-01,200
X3,Video,Video,ann@corp.com,,300
";

/// `summary --format json -q` of these files at the fixtures' as-of.
/// `text` gzipped.
fn gzip(text: &str) -> Vec<u8> {
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    gz.write_all(text.as_bytes()).unwrap();
    gz.finish().unwrap()
}

fn summary(assets: &str, events: &[&str]) -> Cli {
    let cli = Cli::new("summary").assets(assets);
    events
        .iter()
        .fold(cli, Cli::events)
        .as_of(AS_OF)
        .args(["--format", "json", "-q"])
}

/// `summary` of a log given on standard input, at the fixtures' as-of.
fn summary_of_stdin(assets: &str, log: &str) -> Cli {
    Cli::new("summary")
        .assets(assets)
        .events("-")
        .as_of(AS_OF)
        .stdin(log)
}

#[test]
fn platform_header_synonyms_semicolons_bom_and_crlf() {
    let dir = Scratch::new();
    let assets = dir.file(
        "inventory.csv",
        "\u{feff}Document ID;Doc Title;Category;Created By;Date Added;Spend\r\n\
         X1;Deck one;Deck;ann@corp.com;2025-01-01;100\r\n\
         X2;\"Deck; two\";Deck;bob@corp.com;2025-01-01;200\r\n",
    );
    let events = dir.file(
        "log.csv",
        "\u{feff}Item ID;Viewer;Department;Activity;Occurred At\r\n\
         X1;dan@corp.com;Sales;view;2026-10-01 10:00:00\r\n\
         \" X2 \";dan@corp.com;Sales;view;2026-10-02\r\n",
    );
    let s = summary(&assets, &[&events])
        .args(["--team", "sales", "--types", "view"])
        .run()
        .ok()
        .json();
    assert_eq!(s["assets_total"], 2);
    assert_eq!(s["events_counted"], 2, "the padded id ' X2 ' matches X2");
    assert_eq!(s["assets_never_opened"], 0);
    assert_eq!(s["cost_total"], 300.0);
    let check = Cli::new("check")
        .assets(&assets)
        .events(&events)
        .as_of(AS_OF)
        .args(["--format", "csv", "-q"])
        .run()
        .ok();
    assert!(
        check.stdout.contains("delimiter,; (sniffed)"),
        "{}",
        check.stdout
    );
    assert!(check.stdout.contains("utf-8 bom,true"), "{}", check.stdout);
}

#[test]
fn quoted_fields_hold_delimiters_quotes_and_newlines() {
    let dir = Scratch::new();
    let assets = dir.file(
        "assets.csv",
        "id,title,type\nX1,\"Deck, \"\"final\"\"\nsecond line\",Deck\nX2,plain,Deck\n",
    );
    let events = dir.file(
        "events.csv",
        "asset_id,user,timestamp\nX1,dan,2026-10-01\nX2,\"eve\n\",2026-10-01\n",
    );
    let run = Cli::new("assets")
        .assets(&assets)
        .events(&events)
        .as_of(AS_OF)
        .args(["--format", "json", "-q"])
        .run()
        .ok();
    let rows = run.json()["rows"].clone();
    let x1 = rows
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["asset_id"] == "X1")
        .unwrap()
        .clone();
    assert_eq!(x1["title"], "Deck, \"final\"\nsecond line");
    assert_eq!(x1["opens"], 1);
    assert_eq!(
        summary(&assets, &[&events]).run().ok().json()["users_active"],
        2
    );
}

#[test]
fn every_documented_time_shape_is_read() {
    let dir = Scratch::new();
    let assets = dir.file("assets.csv", "id\nX1\n");
    // Each row is a distinct instant; the last one is only valid as epoch seconds.
    let events = dir.file(
        "events.csv",
        "asset,time\n\
         X1,2026-03-15\n\
         X1,2026-03-15T14:05:00Z\n\
         X1,2026-03-15T14:05:00+02:00\n\
         X1,2026-03-15 14:06:00\n\
         X1,2026-03-15T14:07:00.250Z\n\
         X1,03/16/2026\n\
         X1,3/16/2026 2:05 PM\n\
         X1,03/16/2026 14:06\n\
         X1,03/16/2026 14:07:30\n\
         X1,1773583500\n\
         X1,1773583500123\n\
         X1,20130715233322.670\n\
         X1,20260317\n\
         X1,964982703\n",
    );
    let s = summary(&assets, &[&events]).run().ok().json();
    assert_eq!(s["rows_skipped"], 0);
    assert_eq!(s["events_counted"], 14);
    let run = Cli::new("check")
        .assets(&assets)
        .events(&events)
        .as_of(AS_OF)
        .args(["--format", "json", "-q"])
        .run()
        .ok();
    assert!(
        run.stdout
            .contains("2000-07-30T18:45:03Z to 2026-03-17T00:00:00Z")
            || run.stdout.contains("2013-07-15T23:33:22.670Z"),
        "{}",
        run.stdout
    );
    let first = Cli::new("assets")
        .assets(&assets)
        .events(&events)
        .as_of(AS_OF)
        .args(["--format", "csv", "-q"])
        .run()
        .ok()
        .csv_rows();
    assert_eq!(first[0]["first_open"], "2000-07-30T18:45:03Z");
    assert_eq!(first[0]["last_open"], "2026-03-17T00:00:00Z");
}

#[test]
fn day_first_and_date_format() {
    let dir = Scratch::new();
    let assets = dir.file("assets.csv", "id,created\nX1,01/02/2026\n");
    let events = dir.file("events.csv", "asset,time\nX1,15/03/2026 10:00\n");
    // Forced month-first, 15/03/2026 is not a date: the row is skipped (tests/dates.rs has
    // the order decided from the values).
    assert_eq!(
        summary(&assets, &[&events])
            .arg("--month-first")
            .run()
            .ok()
            .json()["rows_skipped"],
        1
    );
    let rows = Cli::new("assets")
        .assets(&assets)
        .events(&events)
        .as_of(AS_OF)
        .args(["--day-first", "--format", "csv", "-q"])
        .run()
        .ok()
        .csv_rows();
    assert_eq!(rows[0]["created"], "2026-02-01");
    assert_eq!(rows[0]["first_open"], "2026-03-15T10:00:00Z");

    let dotted = dir.file("dotted.csv", "asset,time\nX1,15.03.2026 10:00\n");
    let plain_assets = dir.file("plain.csv", "id\nX1\n");
    let rows = Cli::new("assets")
        .assets(&plain_assets)
        .events(&dotted)
        .as_of(AS_OF)
        .args(["--date-format", "%d.%m.%Y %H:%M", "--format", "csv", "-q"])
        .run()
        .ok()
        .csv_rows();
    assert_eq!(rows[0]["first_open"], "2026-03-15T10:00:00Z");
}

#[test]
fn column_override_picks_the_header_by_hand() {
    let dir = Scratch::new();
    let assets = dir.file("assets.csv", ASSETS);
    // Two user-like columns: `email` wins by synonym order unless overridden.
    let events = dir.file(
        "events.csv",
        "Asset ID,Rep Email,Email,Timestamp,When\nX1,dan@corp.com,shared@corp.com,2026-10-01,2026-09-01\nX2,eve@corp.com,shared@corp.com,2026-10-01,2026-09-01\n",
    );
    assert_eq!(
        summary(&assets, &[&events]).run().ok().json()["users_active"],
        1
    );
    let s = summary(&assets, &[&events])
        .args(["--col", "events.user=Rep Email"])
        .run()
        .ok()
        .json();
    assert_eq!(s["users_active"], 2);
    let when = summary(&assets, &[&events])
        .args(["--col", "events.time=When", "--since", "2026-09-15"])
        .run()
        .ok()
        .json();
    assert_eq!(
        when["events_counted"], 0,
        "times read from When (September)"
    );
    let normalised = summary(&assets, &[&events])
        .args(["--col", "events.user=rep_email"])
        .run()
        .ok()
        .json();
    assert_eq!(normalised["users_active"], 2);
}

#[test]
fn a_missing_required_column_names_the_headers_found() {
    let dir = Scratch::new();
    let assets = dir.file("assets.csv", ASSETS);
    let events = dir.file("events.csv", "Asset ID,User,Colour\nX1,dan,red\n");
    let run = Cli::new("summary")
        .assets(&assets)
        .events(&events)
        .as_of(AS_OF)
        .run()
        .expect_code(2);
    assert!(run.stderr.contains("events.csv"), "{}", run.stderr);
    assert!(run.stderr.contains("time"), "{}", run.stderr);
    assert!(run.stderr.contains("Colour"), "{}", run.stderr);
    assert_eq!(
        run.stderr.lines().count(),
        1,
        "one-line message: {}",
        run.stderr
    );
}

#[test]
fn a_missing_file_and_a_bad_option_are_usage_errors() {
    let dir = Scratch::new();
    let assets = dir.file("assets.csv", ASSETS);
    let run = Cli::new("summary")
        .assets(&assets)
        .events(dir.path("nope.csv"))
        .as_of(AS_OF)
        .run()
        .expect_code(2);
    assert!(run.stderr.contains("nope.csv"), "{}", run.stderr);
    let events = dir.file("events.csv", "asset,time\nX1,2026-10-01\n");
    let run = Cli::new("summary")
        .assets(&assets)
        .events(&events)
        .as_of(AS_OF)
        .args(["--since", "yesterday-ish"])
        .run()
        .expect_code(2);
    assert!(run.stderr.contains("yesterday-ish"), "{}", run.stderr);
    Cli::new("summary")
        .assets(&assets)
        .events(&events)
        .as_of(AS_OF)
        .args(["--since", "2026-12-01", "--until", "2026-11-01"])
        .run()
        .expect_code(2);
    Cli::new("summary")
        .assets(&assets)
        .events(&events)
        .as_of(AS_OF)
        .args(["--team", "Sales"])
        .run()
        .expect_code(2);
    Cli::new("summary").assets(&assets).run().expect_code(2);
}

#[test]
fn ragged_rows_empty_ids_and_bad_values_are_counted_not_dropped() {
    let dir = Scratch::new();
    let assets = dir.file(
        "assets.csv",
        "id,title,created,cost\nX1,a,2025-01-01,10\nX2,b,2025-02-30,20\nX3,c,2025-01-01,lots\nX1,dup,2025-01-01,99\n,noid,2025-01-01,1\nX4,short\n",
    );
    let events = dir.file(
        "events.csv",
        "asset,user,time\nX1,dan,2026-10-01\nX2,dan\nX3,dan,2026-10-01,extra\nX2,dan,2026-10-01\n",
    );
    let s = summary(&assets, &[&events]).run().ok().json();
    assert_eq!(
        s["assets_total"], 3,
        "X1 X2 X3; the duplicate keeps the first row"
    );
    assert_eq!(s["assets_duplicate"], 1);
    assert_eq!(s["asset_rows_skipped"], 2, "the empty id and the short row");
    assert_eq!(s["asset_values_invalid"], 2, "February 30 and 'lots'");
    assert_eq!(s["cost_total"], 30.0);
    assert_eq!(s["events_read"], 4);
    assert_eq!(s["rows_skipped"], 2);
    assert_eq!(s["events_counted"], 2);
    assert_eq!(s["assets_never_opened"], 1);
}

#[test]
fn several_event_files_globs_gzip_and_stdin() {
    let dir = Scratch::new();
    let assets = dir.file("assets.csv", ASSETS);
    dir.file("log-2026-09.csv", "asset,user,time\nX1,dan,2026-09-01\n");
    dir.file(
        "log-2026-10.csv",
        "asset,user,time\nX2,eve,2026-10-01\nX9,eve,2026-10-02\n",
    );
    let gz_path = dir.file(
        "log-2026-11.csv.gz",
        gzip("asset,user,time\nX3,fay,2026-10-03\n"),
    );

    let s = summary(&assets, &[&dir.path("log-2026-*.csv")])
        .run()
        .ok()
        .json();
    assert_eq!(s["events_counted"], 2);
    assert_eq!(s["events_orphan"], 1);
    let s = summary(&assets, &[&dir.path("log-2026-*.csv"), &gz_path])
        .run()
        .ok()
        .json();
    assert_eq!(s["events_counted"], 3);
    assert_eq!(s["assets_never_opened"], 0);
    assert_eq!(s["users_active"], 3);

    let log = "asset,user,time\nX1,dan,2026-09-01\nX1,eve,2026-09-02\n";
    let piped = summary_of_stdin(&assets, log)
        .args(["--format", "json"])
        .run();
    let s = piped.ok().json();
    assert_eq!(s["events_counted"], 2);
    assert_eq!(s["assets_never_opened"], 2);

    let run = Cli::new("summary")
        .assets(&assets)
        .events(dir.path("nothing-*.csv"))
        .as_of(AS_OF)
        .run()
        .expect_code(2);
    assert!(run.stderr.contains("nothing-*.csv"), "{}", run.stderr);
}

#[test]
fn files_read_side_by_side_give_the_one_thread_figures_in_file_order() {
    let dir = Scratch::new();
    let assets = dir.file("assets.csv", ASSETS);
    // Dan is spelled "DAN" first (in the first file) and "dan" after; each file has a bad row.
    let files = [
        dir.file(
            "m1.csv.gz",
            gzip("asset,user,team,time\nX1,DAN,Sales,2026-08-01\nX1,broken\n"),
        ),
        dir.file(
            "m2.csv",
            "asset,user,team,time\nX2,dan,SDR,2026-09-01\nX9,eve,SDR,2026-09-02\nX2,eve,SDR,never\n",
        ),
        dir.file(
            "m3.csv.gz",
            gzip("asset,user,team,time\nX1,fay,Sales,2026-10-01\nX1,dan,Sales,\n"),
        ),
    ];
    let on_files = |command: &str, threads: &str| {
        let cli = Cli::new(command).assets(&assets);
        files
            .iter()
            .fold(cli, Cli::events)
            .as_of(AS_OF)
            .args(["--threads", threads, "--format", "json"])
            .run()
            .ok()
    };
    let runs: Vec<(String, String, String)> = ["1", "2", "3"]
        .iter()
        .map(|threads| {
            let summary = on_files("summary", threads);
            let users = on_files("users", threads);
            (summary.stdout, users.stdout, summary.stderr)
        })
        .collect();
    assert_eq!(runs[0], runs[1], "2 threads");
    assert_eq!(runs[0], runs[2], "3 threads");
    let s: serde_json::Value = serde_json::from_str(&runs[0].0).unwrap();
    assert_eq!(s["events_read"], 7);
    assert_eq!(s["rows_skipped"], 3);
    assert_eq!(s["events_orphan"], 1);
    assert_eq!(s["events_counted"], 3);
    assert_eq!(s["users_active"], 2);
    let users: serde_json::Value = serde_json::from_str(&runs[0].1).unwrap();
    let names: Vec<&str> = users["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|row| row["user"].as_str().unwrap())
        .collect();
    assert!(
        names.contains(&"DAN") && !names.contains(&"dan"),
        "{names:?}"
    );
    // Problems are told in file order: m1 line 3, m2 line 4, m3 line 3.
    let stderr = &runs[0].2;
    let at = |needle: &str| {
        stderr
            .find(needle)
            .unwrap_or_else(|| panic!("{needle}: {stderr}"))
    };
    assert!(at("m1.csv.gz:3:") < at("m2.csv:4:"), "{stderr}");
    assert!(at("m2.csv:4:") < at("m3.csv.gz:3:"), "{stderr}");
}

#[test]
fn a_long_first_file_read_beside_short_ones_still_merges_and_fails_in_file_order() {
    let dir = Scratch::new();
    let assets = dir.file("assets.csv", ASSETS);
    // The first file is long, and spells Dan "DAN" only on its last row: the short files
    // after it are done first, but their "dan" must not be the first spelling met.
    let mut long = String::from("asset,user,team,time\n");
    for i in 0..40_000 {
        long.push_str(&format!("X1,eve,Sales,2026-08-01T00:00:{:02}Z\n", i % 60));
    }
    long.push_str("X1,DAN,Sales,2026-08-02\n");
    let short = |n: usize| {
        gzip(&format!(
            "asset,user,team,time\nX{n},dan,SDR,2026-09-0{n}\n"
        ))
    };
    let mut files = vec![dir.file("long.csv.gz", gzip(&long))];
    for n in 1..=4 {
        files.push(dir.file(&format!("s{n}.csv.gz"), short(n)));
    }
    let run = |files: &[String], command: &str, threads: &str| {
        files
            .iter()
            .fold(Cli::new(command).assets(&assets), Cli::events)
            .as_of(AS_OF)
            .args(["--threads", threads, "--format", "json"])
            .run()
    };
    let one = run(&files, "users", "1").ok().stdout;
    let two = run(&files, "users", "2").ok().stdout;
    assert_eq!(one, two);
    assert!(one.contains("\"DAN\"") && !one.contains("\"dan\""), "{one}");
    // Two files that cannot be read, after the long one: the first of them is the error.
    let no_time = dir.file("no-time.csv.gz", gzip("asset,user,team\nX1,dan,SDR\n"));
    let no_asset = dir.file(
        "no-asset.csv.gz",
        gzip("user,team,time\ndan,SDR,2026-09-01\n"),
    );
    let broken = [files[0].clone(), no_time, no_asset];
    for threads in ["1", "2", "3"] {
        let failed = run(&broken, "summary", threads).expect_code(2);
        assert!(
            failed.stderr.contains("no-time.csv.gz"),
            "{threads}: {}",
            failed.stderr
        );
        assert!(
            !failed.stderr.contains("no-asset.csv.gz"),
            "{threads}: {}",
            failed.stderr
        );
    }
}

#[test]
fn a_quote_midway_hands_the_file_to_the_csv_reader_without_losing_a_row_or_a_line() {
    let dir = Scratch::new();
    let assets = dir.file("assets.csv", ASSETS);
    // Line 3 is bad before the first quote (line 4), whose note holds a delimiter and a
    // newline; line 7 is bad after it.
    let lf = "asset,user,time,note\nX1,dan,2026-10-01,\nX1,broken\nX2,eve,2026-10-02,\"a, \nb\"\n\
              X2,\"fay\",2026-10-03,\nX9,gil,never,\nX3,dan,2026-10-04,\n";
    let crlf = lf.replace('\n', "\r\n").replace("a, \r\nb", "a, \nb");
    for (name, text) in [("lf.csv", lf.to_string()), ("crlf.csv", crlf)] {
        let file = dir.file(name, &text);
        let gz_file = dir.file(&format!("{name}.gz"), gzip(&text));
        for events in [&file, &gz_file] {
            let run = Cli::new("summary")
                .assets(&assets)
                .events(events)
                .as_of(AS_OF)
                .args(["--threads", "1", "--format", "json"])
                .run();
            let s = run.ok().json();
            assert_eq!(s["events_read"], 6, "{events}");
            assert_eq!(s["rows_skipped"], 2, "{events}");
            assert_eq!(s["events_counted"], 4, "{events}");
            assert_eq!(s["users_active"], 3, "{events}");
            let run = Cli::new("summary")
                .assets(&assets)
                .events(events)
                .as_of(AS_OF)
                .args(["--threads", "1"])
                .run();
            assert!(
                run.stderr
                    .contains(&format!("{events}:3: expected 4 fields")),
                "{}",
                run.stderr
            );
            assert!(
                run.stderr.contains(&format!("{events}:7: column \"time\"")),
                "{}",
                run.stderr
            );
        }
        let piped = summary_of_stdin(&assets, &text).run();
        assert!(
            piped.stderr.contains("<stdin>:7: column \"time\""),
            "{}",
            piped.stderr
        );
    }
}

#[test]
fn problems_name_the_physical_line_after_blank_lines_on_every_path() {
    let dir = Scratch::new();
    // Bad rows on lines 4 and 7 of the log, after blank lines; line 9 of the inventory.
    let assets = dir.file(
        "assets.csv",
        "id,title,created\nX1,a,2025-01-01\n\nX2,b,2025-01-01\n\n\nX3,c,2025-01-01\n\nX4,d,soon\n",
    );
    let lf = "asset,user,time\nX1,dan,2026-10-01\n\nX1,broken\n\n\nX2,eve,never\n";
    let quoted = lf.replace("dan", "\"dan\"");
    let crlf = lf.replace('\n', "\r\n");
    let files = [
        dir.file("lf.csv", lf),
        dir.file("quoted.csv", &quoted),
        dir.file("crlf.csv", &crlf),
        dir.file("crlf.csv.gz", gzip(&crlf)),
    ];
    for events in &files {
        for threads in ["1", "2"] {
            let extra = ["--threads", threads, "--chunk-bytes", "8"];
            let run = Cli::new("summary")
                .assets(&assets)
                .events(events)
                .as_of(AS_OF)
                .args(extra)
                .run();
            for line in [":4: expected 3 fields", ":7: column \"time\""] {
                let wanted = format!("{events}{line}");
                assert!(run.stderr.contains(&wanted), "{wanted}: {}", run.stderr);
            }
            assert!(
                run.stderr.contains("assets.csv:9: column \"created\""),
                "{}",
                run.stderr
            );
        }
    }
    for text in [lf, &quoted, &crlf] {
        let piped = summary_of_stdin(&assets, text).run();
        assert!(
            piped.stderr.contains("<stdin>:4: expected"),
            "{}",
            piped.stderr
        );
        assert!(
            piped.stderr.contains("<stdin>:7: column"),
            "{}",
            piped.stderr
        );
    }
}

#[test]
fn tabs_and_pipes_and_forced_delimiter() {
    let dir = Scratch::new();
    let assets = dir.file("assets.tsv", "id\ttitle\nX1\tone, two\nX2\tthree\n");
    let events = dir.file("events.psv", "asset|time\nX1|2026-10-01\n");
    assert_eq!(
        summary(&assets, &[&events]).run().ok().json()["assets_never_opened"],
        1
    );
    let tab_events = dir.file(
        "events.tsv",
        "asset\ttime\nX1\t2026-10-01\nX2\t2026-10-01\n",
    );
    let forced = summary(&assets, &[&tab_events])
        .args(["--delimiter", "tab"])
        .run()
        .ok()
        .json();
    assert_eq!(forced["events_counted"], 2);
    // Forcing the wrong delimiter leaves one column: a clear error, not zero events.
    let wrong = Cli::new("summary")
        .assets(&assets)
        .events(&events)
        .as_of(AS_OF)
        .args(["--delimiter", "tab"])
        .run()
        .expect_code(2);
    assert!(wrong.stderr.contains("\"asset|time\""), "{}", wrong.stderr);
}

#[test]
fn multi_threaded_reading_gives_the_single_threaded_figures() {
    let dir = Scratch::new();
    let mut assets = String::from("id,type,created\n");
    for a in 0..50 {
        assets.push_str(&format!(
            "A{a},{},2025-{:02}-01\n",
            ["Deck", "Video"][a % 2],
            a % 12 + 1
        ));
    }
    let mut events = String::from("asset,user,team,time\n");
    for e in 0..5000u32 {
        let asset = (e * 7919) % 61; // 50..60 are orphans
        let day = e % 600;
        let month = day / 28 % 12 + 1;
        if e % 997 == 0 {
            events.push_str("A1,broken,row\n");
        }
        events.push_str(&format!(
            "A{asset},u{}@corp.com,T{},2025-{month:02}-{:02}T10:00:00Z\n",
            e % 37,
            e % 3,
            day % 28 + 1
        ));
    }
    let assets = dir.file("assets.csv", assets);
    let events = dir.file("events.csv", events);
    for command in [
        &["summary"][..],
        &["assets"],
        &["trends", "--period", "week"],
        &["users"],
        &["cohorts"],
    ] {
        let outputs: Vec<String> = ["1", "2", "3"]
            .iter()
            .map(|threads| {
                let run = Cli::new(command[0])
                    .args(&command[1..])
                    .assets(&assets)
                    .events(&events)
                    .as_of(AS_OF)
                    .args(["--format", "json", "--threads", threads])
                    .args(["--chunk-bytes", "4096"])
                    .run()
                    .ok();
                assert!(
                    run.stderr.contains("events.csv:"),
                    "problems still located: {}",
                    run.stderr
                );
                run.stdout
            })
            .collect();
        assert_eq!(outputs[0], outputs[1], "{command:?} with 2 threads");
        assert_eq!(outputs[0], outputs[2], "{command:?} with 3 threads");
    }
    // The first broken row is at line 2 whatever the threads: e = 0 comes first.
    let run = Cli::new("summary")
        .assets(&assets)
        .events(&events)
        .as_of(AS_OF)
        .args([
            "--threads",
            "2",
            "--chunk-bytes",
            "4096",
            "--format",
            "json",
        ])
        .run();
    assert!(run.stderr.contains("events.csv:2:"), "{}", run.stderr);
    assert!(run.stderr.contains("events.csv:1000:"), "{}", run.stderr);
}

#[test]
fn a_closed_pipe_ends_quietly() {
    let dir = Scratch::new();
    let assets = dir.file("assets.csv", ASSETS);
    let mut events = String::from("asset,user,time\n");
    for i in 0..20000 {
        events.push_str(&format!("X{},u{i},2026-10-01\n", i % 3 + 1));
    }
    let events = dir.file("events.csv", events);
    let mut child = Cli::new("users")
        .assets(&assets)
        .events(&events)
        .as_of(AS_OF)
        .args(["--format", "csv"])
        .command()
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdout = child.stdout.take().unwrap();
    let mut first = [0u8; 16];
    std::io::Read::read_exact(&mut stdout, &mut first).unwrap();
    drop(stdout);
    let output = child.wait_with_output().unwrap();
    assert_eq!(output.status.code(), Some(0));
    assert_eq!(String::from_utf8_lossy(&output.stderr), "");
}

#[test]
fn crlf_files_report_physical_lines_on_any_number_of_threads() {
    let dir = Scratch::new();
    let assets = dir.file("assets.csv", "id\r\nA1\r\n");
    let mut events = String::from("asset,time\r\n");
    for i in 0..3000 {
        events.push_str(if i % 1000 == 0 {
            "A1,bad\r\n"
        } else {
            "A1,2026-01-01\r\n"
        });
    }
    let events = dir.file("events.csv", events);
    for threads in ["1", "2", "3"] {
        let run = Cli::new("summary")
            .assets(&assets)
            .events(&events)
            .as_of(AS_OF)
            .args([
                "--threads",
                threads,
                "--chunk-bytes",
                "1000",
                "--format",
                "csv",
            ])
            .run()
            .ok();
        // Bad rows are data rows 1, 1001 and 2001: physical lines 2, 1002 and 2002.
        for line in ["events.csv:2:", "events.csv:1002:", "events.csv:2002:"] {
            assert!(
                run.stderr.contains(line),
                "{threads} threads: {}",
                run.stderr
            );
        }
    }
}
