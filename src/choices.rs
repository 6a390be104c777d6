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

/// Presentation choices that change no figure: the settings decide them once per run.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RenderStyle {
    /// The width a table for people must fit, in terminal columns; `None` lays it out whole
    /// (`--wide`, or stdout is not a terminal and `COLUMNS` is not set).
    pub width: Option<usize>,
    /// Leave CSV text cells as they came, even those a spreadsheet would run as formulas.
    pub raw_csv: bool,
    /// Colour statuses and headers in tables.
    pub color: bool,
}

/// `--sort COLUMN[:asc|desc]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SortKey {
    /// An output column, as named in the CSV header.
    pub column: String,
    /// `None`: numbers largest first, everything else ascending.
    pub direction: Option<Direction>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    Asc,
    Desc,
}

/// Which rows of a table report are written, in what order: `--sort` and `--top`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RowPick {
    pub sort: Option<SortKey>,
    /// Keep the first N rows (after sorting).
    pub top: Option<usize>,
}

impl RowPick {
    pub fn is_empty(&self) -> bool {
        self.sort.is_none() && self.top.is_none()
    }
}
