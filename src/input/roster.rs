//! Loading the roster of reps: the people who could use the library, used or not.

use crate::input::file_report::{read_headers, FileReport};
use crate::input::headers::{Field, HeaderMap, Role};
use crate::input::options::ReadOptions;
use crate::input::problems::{Problem, Problems};
use crate::input::source::{open_csv, record_line, InputPath};
use crate::input_error;
use crate::model::EventFilter;
use crate::model::{fold_key_into, trim_bytes};
use anyhow::Result;
use csv::ByteRecord;
use rustc_hash::FxHashMap;

/// One rep of the roster.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rep {
    /// As spelled in the roster.
    pub user: String,
    /// Folded for comparison with the log.
    pub key: Vec<u8>,
    pub team: String,
}

/// The reps that passed `--team` and `--exclude-user`, first spelling of each user kept.
#[derive(Debug, Default, Clone)]
pub struct Roster {
    pub reps: Vec<Rep>,
    pub index: FxHashMap<Vec<u8>, usize>,
}

/// Loads `path`, keeping the reps that the event filters would count.
pub fn load_roster(
    path: &InputPath,
    opts: &ReadOptions,
    filter: &EventFilter,
    problems: &mut Problems,
) -> Result<(Roster, FileReport)> {
    let mut opened = open_csv(path, opts, Role::Roster)?;
    let file = path.display().to_string();
    let headers = read_headers(&mut opened.reader, &file)?;
    let header = HeaderMap::build(Role::Roster, &headers, &opts.overrides)?;
    header.require(&file)?;
    for note in opened.notes.drain(..) {
        problems.note(note);
    }
    let user_column = header.column(Field::RosterUser).expect("required");
    let team_column = header.column(Field::RosterTeam);
    if !filter.teams.is_empty() && team_column.is_none() {
        let err = header.missing_error(&file, Field::RosterTeam);
        return Err(input_error!(
            "--team needs a team column in the roster. {err}"
        ));
    }
    let mut roster = Roster::default();
    let (mut record, mut key, mut team_key) = (ByteRecord::new(), Vec::new(), Vec::new());
    let mut rows = 0;
    for bad in std::mem::take(&mut opened.bad_rows) {
        rows += 1;
        problems.record(bad)?;
    }
    while opened.read_record(&mut record, &file)? {
        rows += 1;
        let line = record_line(&record, &opened.lines);
        if record.len() != headers.len() {
            problems.record(Problem {
                file: file.clone(),
                line,
                last_line: crate::input::lines::last_line(record.as_slice(), || line),
                column: None,
                value: None,
                message: format!(
                    "expected {} fields, found {}; roster row skipped",
                    headers.len(),
                    record.len()
                ),
            })?;
            continue;
        }
        fold_key_into(&record[user_column], &mut key);
        let team = team_column.map_or(&b""[..], |c| &record[c]);
        fold_key_into(team, &mut team_key);
        let wanted = !key.is_empty()
            && filter.admits_user(&key)
            && (team_column.is_none() || filter.admits_team(&team_key));
        if wanted && !roster.index.contains_key(&key) {
            roster.index.insert(key.clone(), roster.reps.len());
            roster.reps.push(Rep {
                user: text(&record[user_column]),
                key: key.clone(),
                team: text(team),
            });
        }
    }
    let report = FileReport {
        path: file,
        role: Role::Roster,
        dialect: opened.dialect,
        header,
        rows,
        costs: None,
    };
    Ok((roster, report))
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(trim_bytes(bytes)).into_owned()
}
