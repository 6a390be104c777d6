//! Invariants that must hold for any input, checked on random libraries and logs (proptest),
//! running the binary on files in a temporary directory.

mod common;
use common::*;
use proptest::prelude::*;
use serde_json::Value;

/// 2026-11-01T00:00:00Z, the as-of of every case.
const AS_OF_MS: i64 = 1_793_491_200_000;

#[derive(Debug, Clone)]
struct Library {
    /// (id, created as days before as-of, or none)
    assets: Vec<(String, Option<u16>)>,
    /// (asset id, user, team, time as days before as-of or garbage)
    events: Vec<(String, String, String, Option<u16>)>,
}

fn library() -> impl Strategy<Value = Library> {
    let assets =
        prop::collection::vec(prop::option::weighted(0.85, 0u16..800), 1..8).prop_map(|created| {
            created
                .into_iter()
                .enumerate()
                .map(|(i, c)| (format!("A{i}"), c))
                .collect::<Vec<_>>()
        });
    let event = (
        prop::sample::select(vec!["A0", "A1", "A2", "A3", "A5", "A7", "X9", "", " A1 "]),
        prop::sample::select(vec!["dan", "DAN", "eve", "ann@corp.com", "", "Eve "]),
        prop::sample::select(vec!["Sales", "sales", "SDR", ""]),
        prop::option::weighted(0.9, 0u16..900),
    )
        .prop_map(|(a, u, t, d)| (a.to_string(), u.to_string(), t.to_string(), d));
    (assets, prop::collection::vec(event, 0..40))
        .prop_map(|(assets, events)| Library { assets, events })
}

fn day(days_before: u16) -> String {
    let ms = AS_OF_MS - i64::from(days_before) * 86_400_000 + 3_600_000;
    collateral_audit::input::time::format_instant(ms)
}

fn write(dir: &Scratch, lib: &Library) -> (String, String) {
    let mut assets = String::from("id,title,owner,created\n");
    for (id, created) in &lib.assets {
        assets.push_str(&format!(
            "{id},t{id},ann@corp.com,{}\n",
            created.map(day).unwrap_or_default()
        ));
    }
    let mut events = String::from("asset,user,team,time\n");
    for (asset, user, team, time) in &lib.events {
        let time = time.map(day).unwrap_or_else(|| "garbage".into());
        events.push_str(&format!("{asset},{user},{team},{time}\n"));
    }
    (
        dir.file("assets.csv", assets),
        dir.file("events.csv", events),
    )
}

fn summary(lib: &Library, extra: &[&str]) -> Value {
    let dir = Scratch::new();
    let (assets, events) = write(&dir, lib);
    let mut cli = Cli::new("summary")
        .assets(assets)
        .events(events)
        .as_of(AS_OF)
        .args(["--since", "2025-01-01", "--format", "json", "-q"]);
    if !extra.contains(&"--threads") {
        cli = cli.args(["--threads", "1"]);
    }
    cli.args(extra).run().ok().json()
}

fn n(v: &Value, key: &str) -> u64 {
    v[key].as_u64().unwrap_or_else(|| panic!("{key} in {v}"))
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn statuses_partition_the_inventory(lib in library(), exclude_owners in any::<bool>()) {
        let extra: &[&str] = if exclude_owners { &["--exclude-owners", "--team", "sales"] } else { &[] };
        let s = summary(&lib, extra);
        prop_assert_eq!(n(&s, "assets_total"), lib.assets.len() as u64);
        prop_assert_eq!(
            n(&s, "assets_unpublished") + n(&s, "assets_too_new") + n(&s, "assets_judged"),
            n(&s, "assets_total")
        );
        prop_assert_eq!(n(&s, "assets_never_opened") + n(&s, "assets_opened"), n(&s, "assets_judged"));
        prop_assert_eq!(n(&s, "assets_stale") + n(&s, "assets_active"), n(&s, "assets_opened"));
    }

    #[test]
    fn every_event_row_is_accounted_for(lib in library()) {
        let s = summary(&lib, &["--team", "Sales", "--exclude-user", "EVE"]);
        prop_assert_eq!(n(&s, "events_read"), lib.events.len() as u64);
        prop_assert_eq!(
            n(&s, "rows_skipped") + n(&s, "events_excluded") + n(&s, "events_orphan") + n(&s, "events_counted"),
            n(&s, "events_read")
        );
    }

    #[test]
    fn adding_an_event_never_raises_never_opened(lib in library(), asset in 0usize..8, days in 0u16..900) {
        let before = summary(&lib, &[]);
        let mut more = lib.clone();
        more.events.push((format!("A{asset}"), "zed".into(), "Sales".into(), Some(days)));
        let after = summary(&more, &[]);
        prop_assert!(n(&after, "assets_never_opened") <= n(&before, "assets_never_opened"));
        prop_assert!(n(&after, "events_counted") >= n(&before, "events_counted"));
    }

    #[test]
    fn reading_in_parallel_changes_no_figure(lib in library(), threads in 2usize..5) {
        let threads = threads.to_string();
        let split = ["--threads", threads.as_str(), "--chunk-bytes", "16"];
        prop_assert_eq!(summary(&lib, &split), summary(&lib, &[]));
    }

    #[test]
    fn shuffling_rows_changes_no_figure(lib in library(), seed in any::<u64>()) {
        let mut shuffled = lib.clone();
        let mut state = seed | 1;
        for i in (1..shuffled.events.len()).rev() {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            shuffled.events.swap(i, (state % (i as u64 + 1)) as usize);
        }
        prop_assert_eq!(summary(&lib, &[]), summary(&shuffled, &[]));
    }
}

/// Every pair of distinct titles of one group at or above `threshold`, by trying them all.
fn nested_loop_pairs(
    titles: &[(u32, &str)],
    threshold: collateral_audit::model::title::Threshold,
) -> Vec<(u32, u32)> {
    use collateral_audit::model::title::{overlap, trigrams};
    let mut pairs = Vec::new();
    for i in 0..titles.len() {
        for j in i + 1..titles.len() {
            let (a, b) = (trigrams(titles[i].1), trigrams(titles[j].1));
            let shared = overlap(&a, &b);
            if titles[i].0 == titles[j].0
                && !a.is_empty()
                && !b.is_empty()
                && threshold.met(shared, a.len() + b.len() - shared)
            {
                pairs.push((i as u32, j as u32));
            }
        }
    }
    pairs
}

/// Titles of one to four words from a few short, overlapping words, normalised, in two groups.
fn titles() -> impl Strategy<Value = Vec<(u32, String)>> {
    let word = prop::sample::select(vec![
        "deck", "decks", "dek", "pricing", "price", "guide", "guides", "q3", "a", "ab", "ba", "é",
        "über", "roi",
    ]);
    let title = (0u32..2, prop::collection::vec(word, 0..5))
        .prop_map(|(group, words)| (group, words.join(" ")));
    prop::collection::vec(title, 0..60)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn the_similarity_join_finds_what_a_nested_loop_finds(
        titles in titles(),
        num in 1u64..=20,
        threads in 1usize..4,
    ) {
        use collateral_audit::analysis::similarity::similar_pairs;
        use collateral_audit::model::title::Threshold;
        let threshold = Threshold::parse(&format!("{}", num as f64 / 20.0)).unwrap();
        let titles: Vec<(u32, &str)> = titles.iter().map(|(g, t)| (*g, t.as_str())).collect();
        prop_assert_eq!(
            similar_pairs(&titles, threshold, threads),
            nested_loop_pairs(&titles, threshold)
        );
    }
}

/// One event row: (asset cell, user, team, time cell), or a row of the wrong width.
type Row = Option<(String, String, String, String)>;

/// Logs whose rows are mostly alike (the short path's) with every kind of unusual row among
/// them: times in other shapes, padded or unreadable, unknown or padded assets, blank users and
/// teams, a user who is not ASCII, short rows... all in one file.
fn mixed_log() -> impl Strategy<Value = Vec<Row>> {
    let row = (
        prop::sample::select(vec!["A0", "A1", "A2", "A3", "A4", "X9", "", " A1 "]),
        prop::sample::select(vec![
            "dan",
            "DAN",
            "eve",
            "Eve ",
            "zoë",
            "",
            "ann@corp.com",
            LATIN1,
        ]),
        prop::sample::select(vec!["Sales", "sales", "SDR", ""]),
        any_time(),
    )
        .prop_map(|(a, u, t, time)| (a.to_string(), u.to_string(), t.to_string(), time));
    prop::collection::vec(prop::option::weighted(0.95, row), 0..150)
}

/// Stands for a user written in Latin-1 in a UTF-8 file (`jérôme`, not valid UTF-8).
const LATIN1: &str = "LATIN1";

/// A time cell: mostly the fixed shape, else another shape, padded, or unreadable.
fn any_time() -> impl Strategy<Value = String> {
    prop_oneof![
        8 => (0u16..500).prop_map(day),
        1 => (0u16..500).prop_map(|d| format!(" {} ", day(d))),
        1 => (0u16..500).prop_map(|d| day(d).replace('T', " ").replace('Z', "")),
        1 => (1u32..13, 1u32..29).prop_map(|(m, d)| format!("{m:02}/{d:02}/2026")),
        1 => Just("garbage".to_string()),
        1 => Just(String::new()),
        1 => Just("1790000000".to_string()),
        1 => Just("3600".to_string()),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, ..ProptestConfig::default() })]

    /// The plain reader's rows take the short path when they are usual (see
    /// `analysis::rows::usual`); the csv crate's never do, and a quote in the first row sends
    /// the whole file to it. Both give the same figures and the same warnings, on one thread
    /// or in ranges, whatever the filters and the rows around.
    #[test]
    fn the_usual_rows_short_path_counts_as_the_whole_judgement(
        rows in mixed_log(),
        first in prop_oneof![any_time(), Just("1790000000".to_string()), Just("03/15/2026".to_string())],
        second in any_time(),
        filter in 0usize..6,
        chunk in prop::sample::select(vec![200u32, 700, 3000]),
    ) {
        let dir = Scratch::new();
        let assets = dir.file(
            "assets.csv",
            "id,title,owner,created\nA0,a,dan,\nA1,b,eve,\nA2,c,ann@corp.com,\nA3,d,dan,\n",
        );
        let mut events = String::new();
        for row in &rows {
            match row {
                Some((asset, user, team, time)) => {
                    events.push_str(&format!("{asset},{user},{team},{time}\n"))
                }
                None => events.push_str("A1,dan\n"),
            }
        }
        // The first rows: a time in some shape, then a time of the same user in another
        // (their second row can take the short path), then a user that keeps the file UTF-8
        // (a Latin-1 byte alone would make it Latin-1).
        let header = "asset,user,team,time\n";
        let events = format!("A1,dan,Sales,{second}\nX9,zoë,Sales,{first}\n{events}");
        let latin1 = |text: String| -> Vec<u8> {
            let text = text.replace(LATIN1, "j\u{1}r\u{2}me");
            text.bytes().map(|b| match b { 1 => 0xE9, 2 => 0xF4, b => b }).collect()
        };
        let plain = dir.file("plain.csv", latin1(format!("{header}A0,dan,Sales,{first}\n{events}")));
        let quoted = dir.file("quoted.csv", latin1(format!("{header}\"A0\",dan,Sales,{first}\n{events}")));
        let filters: &[&str] = match filter {
            0 => &[],
            1 => &["--team", "sales"],
            2 => &["--exclude-user", "EVE"],
            3 => &["--since", "2026-06-01"],
            // Every counted event is stale: the warning names the times read.
            4 => &["--stale-after", "1"],
            _ => &["--group-by", "title"],
        };
        let chunk = chunk.to_string();
        // Deals of two of the users (linked by owner), won and lost, over the log's months.
        let deals = dir.file(
            "deals.csv",
            "Opportunity ID,Account,Owner Email,Stage,Amount,Created Date,Close Date\n\
             O1,C1,DAN,Closed Won,1000,2025-06-01,2026-09-30\n\
             O2,C2,eve,Closed Lost,500,2026-01-01,2026-10-15\n\
             O3,C1,dan,Open,250,2026-03-01,\n",
        );
        let influence = ["influence", "--opportunities", deals.as_str()];
        let commands: [&[&str]; 5] =
            [&["summary"], &["assets"], &["users"], &["trends", "--period", "month"], &influence];
        for command in commands {
            let run = |events: &str, threads: &[&str]| {
                let run = Cli::new(command[0])
                    .args(&command[1..])
                    .assets(&assets)
                    .events(events)
                    .as_of(AS_OF)
                    .args(["--format", "json"])
                    .args(filters)
                    .args(threads)
                    .run();
                // Warnings name the file: the same name for both.
                (run.code, run.stdout, run.stderr.replace(events, "events.csv"))
            };
            let whole = run(&quoted, &["--threads", "1"]);
            let short = run(&plain, &["--threads", "1"]);
            prop_assert_eq!(&short, &whole, "{:?} {:?}", command, filters);
            // Ranges tell the file's once-only warnings as one thread does (see
            // `analysis::once_only`): everything is compared.
            let ranges = run(&plain, &["--threads", "2", "--chunk-bytes", chunk.as_str()]);
            prop_assert_eq!(&ranges, &whole, "{:?} {:?} ranges", command, filters);
        }
    }
}
