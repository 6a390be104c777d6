//! The input layer: opening files, dialects, header mapping, time parsing, the inventory.

pub mod assets;
pub mod chunks;
pub mod date_order;
pub mod fields;
pub mod headers;
pub mod lines;
pub mod plain;
pub mod problems;
pub mod roster;
pub mod source;
pub mod time;
