//! Typed results as report cells: a result's serialised fields, in declaration order, become
//! keys and columns, so no report maps a struct to its keys by hand.
//!
//! A small `serde` serializer writes each field straight into a [`Value`]: numbers stay
//! integers or decimals as computed, and the times the results mark as dates or instants
//! (see [`crate::results::time_format`]) become [`Value::Date`] and [`Value::Instant`].

use super::Value;
use crate::input::time::TimeParser;
use crate::results::time_format::{DATE, INSTANT};
use serde::ser::{self, Impossible, Serialize};
use std::fmt;

/// Every field of `result` as (key, cell), in order.
pub fn fields<T: Serialize>(result: &T) -> Vec<(String, Value)> {
    collect(result)
        .into_iter()
        .map(|(key, value)| (key.into_owned(), value))
        .collect()
}

/// Every field's cell, in order (the keys are [`fields`]').
pub fn values<T: Serialize>(result: &T) -> Vec<Value> {
    collect(result)
        .into_iter()
        .map(|(_, value)| value)
        .collect()
}

fn collect<T: Serialize>(result: &T) -> Vec<(Key, Value)> {
    // Room for a report row's fields without growing (a row is made per printed line).
    let mut out = Vec::with_capacity(16);
    // Only plain structs of scalars are results: anything else has no fields.
    let _ = result.serialize(Fields { out: &mut out });
    out
}

/// A field's name: static for a struct's fields (no allocation per row).
type Key = std::borrow::Cow<'static, str>;

/// The cells of `result` under `columns`, in that order (a missing key is null).
pub fn cells<T: Serialize>(result: &T, columns: &[&str]) -> Vec<Value> {
    let mut all = collect(result);
    // A result's keys are distinct, so where the search starts cannot change what it finds;
    // columns mostly follow the fields' order, so it starts just past the last one found.
    debug_assert!(
        all.iter()
            .enumerate()
            .all(|(i, (key, _))| all[..i].iter().all(|(earlier, _)| earlier != key)),
        "a result with a repeated key"
    );
    let mut next = 0;
    columns
        .iter()
        .map(|c| {
            let found = (next..all.len()).chain(0..next).find(|&i| all[i].0 == *c);
            match found {
                Some(i) => {
                    next = i + 1;
                    std::mem::replace(&mut all[i].1, Value::Null)
                }
                None => Value::Null,
            }
        })
        .collect()
}

/// Why a value is not a cell (never shown: such fields are left out).
#[derive(Debug)]
struct NotACell;

impl fmt::Display for NotACell {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("not a report cell")
    }
}

impl std::error::Error for NotACell {}

impl ser::Error for NotACell {
    fn custom<T: fmt::Display>(_: T) -> Self {
        NotACell
    }
}

/// Serializes a struct into its fields.
struct Fields<'a> {
    out: &'a mut Vec<(Key, Value)>,
}

impl<'a> ser::SerializeStruct for Fields<'a> {
    type Ok = ();
    type Error = NotACell;

    fn serialize_field<T: ?Sized + Serialize>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<(), NotACell> {
        if let Ok(cell) = value.serialize(Cell) {
            self.out.push((Key::Borrowed(key), cell));
        }
        Ok(())
    }

    fn end(self) -> Result<(), NotACell> {
        Ok(())
    }
}

impl<'a> ser::SerializeMap for Fields<'a> {
    type Ok = ();
    type Error = NotACell;

    fn serialize_key<T: ?Sized + Serialize>(&mut self, key: &T) -> Result<(), NotACell> {
        let Value::Text(key) = key.serialize(Cell)? else {
            return Err(NotACell);
        };
        self.out.push((Key::Owned(key), Value::Null));
        Ok(())
    }

    fn serialize_value<T: ?Sized + Serialize>(&mut self, value: &T) -> Result<(), NotACell> {
        let cell = value.serialize(Cell)?;
        if let Some(last) = self.out.last_mut() {
            last.1 = cell;
        }
        Ok(())
    }

    fn end(self) -> Result<(), NotACell> {
        Ok(())
    }
}

macro_rules! not_a_struct {
    ($($method:ident($($arg:ty),*)),* $(,)?) => {
        $(fn $method(self, $(_: $arg),*) -> Result<(), NotACell> { Err(NotACell) })*
    };
}

impl<'a> ser::Serializer for Fields<'a> {
    type Ok = ();
    type Error = NotACell;
    type SerializeSeq = Impossible<(), NotACell>;
    type SerializeTuple = Impossible<(), NotACell>;
    type SerializeTupleStruct = Impossible<(), NotACell>;
    type SerializeTupleVariant = Impossible<(), NotACell>;
    type SerializeMap = Self;
    type SerializeStruct = Self;
    type SerializeStructVariant = Impossible<(), NotACell>;

    not_a_struct!(
        serialize_bool(bool),
        serialize_i8(i8),
        serialize_i16(i16),
        serialize_i32(i32),
        serialize_i64(i64),
        serialize_u8(u8),
        serialize_u16(u16),
        serialize_u32(u32),
        serialize_u64(u64),
        serialize_f32(f32),
        serialize_f64(f64),
        serialize_char(char),
        serialize_str(&str),
        serialize_bytes(&[u8]),
        serialize_none(),
        serialize_unit(),
        serialize_unit_struct(&'static str),
        serialize_unit_variant(&'static str, u32, &'static str),
    );

    fn serialize_some<T: ?Sized + Serialize>(self, value: &T) -> Result<(), NotACell> {
        value.serialize(self)
    }

    fn serialize_newtype_struct<T: ?Sized + Serialize>(
        self,
        _: &'static str,
        value: &T,
    ) -> Result<(), NotACell> {
        value.serialize(self)
    }

    fn serialize_newtype_variant<T: ?Sized + Serialize>(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: &T,
    ) -> Result<(), NotACell> {
        Err(NotACell)
    }

    fn serialize_seq(self, _: Option<usize>) -> Result<Self::SerializeSeq, NotACell> {
        Err(NotACell)
    }

    fn serialize_tuple(self, _: usize) -> Result<Self::SerializeTuple, NotACell> {
        Err(NotACell)
    }

    fn serialize_tuple_struct(
        self,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleStruct, NotACell> {
        Err(NotACell)
    }

    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleVariant, NotACell> {
        Err(NotACell)
    }

    fn serialize_map(self, _: Option<usize>) -> Result<Self, NotACell> {
        Ok(self)
    }

    fn serialize_struct(self, _: &'static str, _: usize) -> Result<Self, NotACell> {
        Ok(self)
    }

    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeStructVariant, NotACell> {
        Err(NotACell)
    }
}

/// Serializes one field into a cell.
struct Cell;

/// Collects a list of texts.
struct List(Vec<String>);

impl ser::SerializeSeq for List {
    type Ok = Value;
    type Error = NotACell;

    fn serialize_element<T: ?Sized + Serialize>(&mut self, value: &T) -> Result<(), NotACell> {
        self.0.push(value.serialize(Cell)?.plain());
        Ok(())
    }

    fn end(self) -> Result<Value, NotACell> {
        Ok(Value::List(self.0))
    }
}

impl ser::Serializer for Cell {
    type Ok = Value;
    type Error = NotACell;
    type SerializeSeq = List;
    type SerializeTuple = Impossible<Value, NotACell>;
    type SerializeTupleStruct = Impossible<Value, NotACell>;
    type SerializeTupleVariant = Impossible<Value, NotACell>;
    type SerializeMap = Impossible<Value, NotACell>;
    type SerializeStruct = Impossible<Value, NotACell>;
    type SerializeStructVariant = Impossible<Value, NotACell>;

    /// Not human-readable: times come as milliseconds (see `results::time_format`).
    fn is_human_readable(&self) -> bool {
        false
    }

    fn serialize_bool(self, v: bool) -> Result<Value, NotACell> {
        Ok(Value::Bool(v))
    }
    fn serialize_i8(self, v: i8) -> Result<Value, NotACell> {
        Ok(Value::Int(v.into()))
    }
    fn serialize_i16(self, v: i16) -> Result<Value, NotACell> {
        Ok(Value::Int(v.into()))
    }
    fn serialize_i32(self, v: i32) -> Result<Value, NotACell> {
        Ok(Value::Int(v.into()))
    }
    fn serialize_i64(self, v: i64) -> Result<Value, NotACell> {
        Ok(Value::Int(v))
    }
    fn serialize_u8(self, v: u8) -> Result<Value, NotACell> {
        Ok(Value::Int(v.into()))
    }
    fn serialize_u16(self, v: u16) -> Result<Value, NotACell> {
        Ok(Value::Int(v.into()))
    }
    fn serialize_u32(self, v: u32) -> Result<Value, NotACell> {
        Ok(Value::Int(v.into()))
    }
    fn serialize_u64(self, v: u64) -> Result<Value, NotACell> {
        Ok(Value::count(v))
    }
    fn serialize_f32(self, v: f32) -> Result<Value, NotACell> {
        Ok(Value::Num(v.into()))
    }
    fn serialize_f64(self, v: f64) -> Result<Value, NotACell> {
        Ok(Value::Num(v))
    }
    fn serialize_char(self, v: char) -> Result<Value, NotACell> {
        Ok(Value::Text(v.to_string()))
    }
    fn serialize_str(self, v: &str) -> Result<Value, NotACell> {
        Ok(Value::Text(v.to_string()))
    }
    fn serialize_bytes(self, _: &[u8]) -> Result<Value, NotACell> {
        Err(NotACell)
    }
    fn serialize_none(self) -> Result<Value, NotACell> {
        Ok(Value::Null)
    }
    fn serialize_some<T: ?Sized + Serialize>(self, value: &T) -> Result<Value, NotACell> {
        value.serialize(self)
    }
    fn serialize_unit(self) -> Result<Value, NotACell> {
        Ok(Value::Null)
    }
    fn serialize_unit_struct(self, _: &'static str) -> Result<Value, NotACell> {
        Ok(Value::Null)
    }
    fn serialize_unit_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
    ) -> Result<Value, NotACell> {
        Ok(Value::Text(variant.to_string()))
    }

    /// Dates and instants: the results write them inside a marked newtype, as milliseconds to
    /// this serializer (which is not human-readable), or as their text when out of range.
    fn serialize_newtype_struct<T: ?Sized + Serialize>(
        self,
        name: &'static str,
        value: &T,
    ) -> Result<Value, NotACell> {
        let inner = value.serialize(Cell)?;
        if name != DATE && name != INSTANT {
            return Ok(inner);
        }
        let millis = match inner {
            Value::Int(millis) => millis,
            Value::Text(text) => TimeParser::default()
                .parse(text.as_bytes())
                .ok_or(NotACell)?,
            _ => return Ok(inner),
        };
        Ok(if name == DATE {
            Value::Date(millis)
        } else {
            Value::Instant(millis)
        })
    }

    fn serialize_newtype_variant<T: ?Sized + Serialize>(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: &T,
    ) -> Result<Value, NotACell> {
        Err(NotACell)
    }
    fn serialize_seq(self, _: Option<usize>) -> Result<List, NotACell> {
        Ok(List(Vec::new()))
    }
    fn serialize_tuple(self, _: usize) -> Result<Self::SerializeTuple, NotACell> {
        Err(NotACell)
    }
    fn serialize_tuple_struct(
        self,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleStruct, NotACell> {
        Err(NotACell)
    }
    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleVariant, NotACell> {
        Err(NotACell)
    }
    fn serialize_map(self, _: Option<usize>) -> Result<Self::SerializeMap, NotACell> {
        Err(NotACell)
    }
    fn serialize_struct(
        self,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeStruct, NotACell> {
        Err(NotACell)
    }
    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeStructVariant, NotACell> {
        Err(NotACell)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::time::Millis;
    use serde::Serialize;

    #[derive(Serialize)]
    struct Row {
        id: String,
        count: u64,
        pct: f64,
        cost: Option<f64>,
        tags: Vec<String>,
        #[serde(serialize_with = "crate::results::time_format::opt_date")]
        created: Option<Millis>,
        #[serde(serialize_with = "crate::results::time_format::instant")]
        seen: Millis,
    }

    #[test]
    fn fields_keep_their_order_and_types() {
        let row = Row {
            id: "A1".into(),
            count: 3,
            pct: 100.0,
            cost: None,
            tags: vec!["x".into()],
            created: Some(86_400_000),
            seen: 90_061_001,
        };
        let f = fields(&row);
        let keys: Vec<&str> = f.iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(
            keys,
            ["id", "count", "pct", "cost", "tags", "created", "seen"]
        );
        assert_eq!(f[1].1, Value::Int(3));
        assert_eq!(f[2].1, Value::Num(100.0));
        assert_eq!(f[3].1, Value::Null);
        assert_eq!(f[4].1, Value::List(vec!["x".into()]));
        assert_eq!(f[5].1, Value::Date(86_400_000));
        assert_eq!(f[6].1, Value::Instant(90_061_001));
        assert_eq!(
            cells(&row, &["pct", "id", "nope"]),
            [Value::Num(100.0), Value::text("A1"), Value::Null]
        );
        // The same struct as JSON: times as text.
        let json = serde_json::to_value(&row).unwrap();
        assert_eq!(json["created"], "1970-01-02");
        assert_eq!(json["seen"], "1970-01-02T01:01:01.001Z");
    }

    /// A time handed over as milliseconds makes the cell its text would read back as: a
    /// date's midnight, an instant to the millisecond, across the years, before 1970 too;
    /// out of range, the text is read as before (and, unreadable, leaves the field out).
    #[test]
    fn time_cells_are_what_their_text_reads_back_as() {
        use crate::input::time::{format_date, format_instant, TimeParser};
        let parse = |text: &str| TimeParser::default().parse(text.as_bytes());
        let mut t: i64 = -62_135_596_800_000; // 0001-01-01
        let mut state = 7u64;
        while t < 253_402_300_799_999 {
            let row = Row {
                id: String::new(),
                count: 0,
                pct: 0.0,
                cost: None,
                tags: Vec::new(),
                created: Some(t),
                seen: t,
            };
            let f = fields(&row);
            assert_eq!(f[5].1, Value::Date(parse(&format_date(t)).unwrap()), "{t}");
            assert_eq!(
                f[6].1,
                Value::Instant(parse(&format_instant(t)).unwrap()),
                "{t}"
            );
            state = state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            t += (state >> 20) as i64 % 9_000_000_000_000 + 1;
        }
        let far = Row {
            id: String::new(),
            count: 0,
            pct: 0.0,
            cost: None,
            tags: Vec::new(),
            created: Some(i64::MAX / 2),
            seen: 0,
        };
        let keys: Vec<String> = fields(&far).into_iter().map(|(k, _)| k).collect();
        assert_eq!(keys, ["id", "count", "pct", "cost", "tags", "seen"]);
    }
}
