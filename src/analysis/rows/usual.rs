//! The usual row, counted by a short path.
//!
//! Nearly every row of a large log is alike: read by the quote-free reader, its asset found
//! by the look, its time in the `2026-03-15T14:05:00Z` shape of the file's first rows and
//! inside the window, its user and team met before and let through. Such a row is counted
//! here, each field read once, with no check on what it is not (a JSON cell, a count, a
//! line break, a small epoch number). Every test comes before the first change, and
//! any row that fails one takes the whole judgement ([`RowScanner::tally`]) as if this path
//! did not exist, which is also what a row of the short path would get there.

use super::{Looked, RowScanner, ScanContext};
use crate::analysis::aggregate::Aggregate;
use crate::analysis::file_tally::SMALL_EPOCH_MS;
use crate::analysis::rows::EventColumns;
use crate::input::fields::Fields;
use crate::input::time::TimeShape;
use crate::progress;

/// Whether the pass's settings leave room for the short path: no type filter nor `check`
/// (types are looked up), no `--exclude-owners` (each row's owner is compared), no count
/// column (rows are weighed), no JSON asset cell, no `--date-format`.
pub(super) fn allowed(ctx: &ScanContext, columns: &EventColumns) -> bool {
    ctx.filter.types.is_empty()
        && !ctx.list_values
        && !ctx.filter.exclude_owners
        && columns.count.is_none()
        && ctx.asset_json_key.is_none()
        && !ctx.time.has_format()
}

impl RowScanner<'_> {
    /// Counts the row the look found in `looked` when it is a usual one, and says so; false,
    /// having changed nothing, when it is not.
    #[inline]
    pub(super) fn tally_usual(
        &mut self,
        record: &Fields,
        looked: Looked,
        agg: &mut Aggregate,
    ) -> bool {
        let cols = self.columns;
        // The look found the asset only in a record of the header's width.
        let Some(asset) = looked.asset else {
            return false;
        };
        // A row of another time shape than the first rows' is told once (the judgement's).
        let shape_told =
            self.warned_mixed_times || self.first_time_shape == Some(TimeShape::YearFirst);
        // Text that is not UTF-8 is told on the file's first such row (the judgement's).
        if !shape_told || record.spans_lines() || !(self.warned_encoding || record.is_ascii()) {
            return false;
        }
        let Some(t) = self
            .ctx
            .time
            .read_usual(&record[cols.time], &mut self.minute)
        else {
            return false;
        };
        // The first time of a file is kept as its sample, and a small one is counted.
        if !self.ctx.window.contains(t) || t < SMALL_EPOCH_MS || agg.file.time_sample.is_none() {
            return false;
        }
        let user = match cols.user {
            Some(c) => match self.users.known(&record[c], looked.user_hash) {
                Some(entry) if self.users.admitted(entry) => Some((c, entry)),
                _ => return false,
            },
            None => None,
        };
        let team = match (cols.team, self.ctx.teams) {
            (Some(c), true) => match self.teams.known_unhashed(&record[c]) {
                Some(entry) if self.teams.admitted(entry) => Some((c, entry)),
                _ => return false,
            },
            _ => None,
        };
        // Counted, as the judgement counts a row that passes every filter.
        agg.counts.rows += 1;
        if agg.counts.rows % progress::ROW_BATCH == 0 {
            progress::add_rows(progress::ROW_BATCH);
        }
        agg.saw_time(t);
        // The id a value was given when first counted; else given now (none for a blank).
        let team = match team {
            Some((c, entry)) => {
                self.teams.count_row(entry);
                self.team = Some(entry);
                match self.teams.aggregate_id_of(entry) {
                    Some(id) => Some(id),
                    None => self.first_team(entry, &record[c], agg),
                }
            }
            None => None,
        };
        let user = match user {
            Some((c, entry)) => {
                self.users.count_row(entry);
                self.user = Some(entry);
                match self.users.aggregate_id_of(entry) {
                    Some(id) => Some(id),
                    None => self.first_user(entry, &record[c], agg),
                }
            }
            None => None,
        };
        // `influence`: a row that passes every filter touches its deals (the judgement's
        // order: the touch, then the count).
        if let Some(index) = self.ctx.deals {
            self.others_ok = true;
            self.touch(index, record, asset, t, agg);
        }
        agg.count_inlined(asset, t, user, team, 1);
        true
    }

    /// The id of a team value counted for the first time (`raw` its spelling).
    #[cold]
    #[inline(never)]
    fn first_team(&mut self, entry: usize, raw: &[u8], agg: &mut Aggregate) -> Option<u32> {
        self.teams
            .id_or_intern(entry, |key| agg.teams.intern(key, raw))
    }

    /// The id of a user value counted for the first time (`raw` its spelling).
    #[cold]
    #[inline(never)]
    fn first_user(&mut self, entry: usize, raw: &[u8], agg: &mut Aggregate) -> Option<u32> {
        self.users.id_or_intern(entry, |key| agg.user_id(key, raw))
    }
}
