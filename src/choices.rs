//! What the user chose about presentation, as plain values: the settings produce them, the
//! renderers read them, and neither depends on the other for it.

/// How a report is written: `--format`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Table,
    Csv,
    Json,
    Markdown,
    /// An Excel workbook of typed cells.
    Xlsx,
}

/// `--color`: whether tables are coloured.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColorChoice {
    /// When stdout is a terminal and `NO_COLOR` is unset or empty.
    Auto,
    Always,
    Never,
}
