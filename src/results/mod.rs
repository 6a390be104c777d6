//! Typed results: what each report says, computed once from an [`Audit`](crate::analysis::Audit)
//! as plain structs deriving `Serialize`. Every renderer (table, CSV, JSON, Markdown, the HTML
//! page, the snapshot) reads these; none reads a rendered cell back.
//!
//! Field names are the JSON keys and CSV columns; times are milliseconds since the epoch,
//! serialised as the reports write them (dates `YYYY-MM-DD`, instants RFC 3339 in UTC).

pub mod assets;
pub mod coverage;
pub mod duplicates;
pub mod influence;
pub mod page;
pub mod params;
pub mod summary;
pub mod trends;
pub mod users;

/// `serialize_with` helpers for times: each writes the time as the reports do, inside a
/// newtype named [`DATE`] or [`INSTANT`] (transparent to JSON; the report cells read the
/// name to keep the cell a date or an instant).
pub mod time_format {
    use crate::input::time::{format_date, format_instant, in_range, Millis, MS_PER_DAY};
    use serde::{Serialize, Serializer};

    pub const DATE: &str = "collateral_audit::Date";
    pub const INSTANT: &str = "collateral_audit::Instant";

    pub fn date<S: Serializer>(t: &Millis, s: S) -> Result<S::Ok, S::Error> {
        let written = Written {
            millis: *t,
            instant: false,
        };
        s.serialize_newtype_struct(DATE, &written)
    }

    pub fn opt_date<S: Serializer>(t: &Option<Millis>, s: S) -> Result<S::Ok, S::Error> {
        match t {
            Some(t) => date(t, s),
            None => s.serialize_none(),
        }
    }

    pub fn instant<S: Serializer>(t: &Millis, s: S) -> Result<S::Ok, S::Error> {
        let written = Written {
            millis: *t,
            instant: true,
        };
        s.serialize_newtype_struct(INSTANT, &written)
    }

    pub fn opt_instant<S: Serializer>(t: &Option<Millis>, s: S) -> Result<S::Ok, S::Error> {
        match t {
            Some(t) => instant(t, s),
            None => s.serialize_none(),
        }
    }

    /// A time as the reports write it: its text to a human-readable serializer (JSON). To one
    /// that is not (the report cells) the milliseconds that text reads back as (a date's
    /// midnight), so a cell costs no text written and parsed again; a time outside years
    /// 1–9999, which no formatter writes, goes as its text.
    struct Written {
        millis: Millis,
        instant: bool,
    }

    impl Serialize for Written {
        fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            let t = self.millis;
            match (s.is_human_readable(), in_range(t), self.instant) {
                (false, Some(_), true) => s.serialize_i64(t),
                (false, Some(_), false) => s.serialize_i64(t.div_euclid(MS_PER_DAY) * MS_PER_DAY),
                (_, _, true) => s.serialize_str(&format_instant(t)),
                (_, _, false) => s.serialize_str(&format_date(t)),
            }
        }
    }
}
