//! The input layer: opening files, dialects, header mapping, time parsing, the inventory.

pub mod assets;
pub mod chunks;
pub mod count;
pub mod currency;
pub mod date_order;
pub mod decimal;
pub mod encoding;
pub mod fields;
pub mod file_report;
pub mod gzip;
pub mod headers;
pub mod identity;
pub mod lines;
pub mod numbers;
pub mod opportunities;
pub mod options;
pub mod plain;
pub mod plan;
pub mod problems;
pub mod quotes;
pub mod records;
pub mod roster;
pub mod sheet;
pub mod source;
pub mod time;
