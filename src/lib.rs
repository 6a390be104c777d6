//! collateral-audit: join a sales-collateral inventory with its usage log and report what
//! sales never opens.
//!
//! Data flows one way: [`input`] reads and normalises, [`analysis`] joins and aggregates in
//! one pass, [`commands`] turn the result into [`report::Report`]s, and [`report`] renders them.

pub mod analysis;
pub mod choices;
pub mod cli;
pub mod commands;
pub mod config;
pub mod error;
pub mod gates;
pub mod heap;
pub mod input;
pub mod keys;
pub mod manpage;
pub mod messages;
pub mod model;
pub mod output;
pub mod prefetch;
pub mod presets;
pub mod progress;
pub mod pseudonym;
pub mod report;
pub mod results;
pub mod settings;
pub mod snapshot;
