//! Progress on stderr for long runs: bytes and rows read, shown only to a person at a terminal.
//!
//! Readers add to process-wide counters (one atomic add per buffer or per few thousand rows,
//! nothing per row); a ticker thread turns them into a bar while the pass runs.

use indicatif::{ProgressBar, ProgressStyle};
use std::io::{self, Read};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::Duration;

static BYTES_READ: AtomicU64 = AtomicU64::new(0);
static ROWS_READ: AtomicU64 = AtomicU64::new(0);

/// Rows are reported in batches of this many.
pub const ROW_BATCH: u64 = 4096;

pub fn add_bytes(bytes: u64) {
    BYTES_READ.fetch_add(bytes, Ordering::Relaxed);
}

pub fn add_rows(rows: u64) {
    ROWS_READ.fetch_add(rows, Ordering::Relaxed);
}

/// A reader that adds what it reads to the byte counter.
pub struct Counted<R> {
    inner: R,
}

impl<R> Counted<R> {
    pub fn new(inner: R) -> Counted<R> {
        Counted { inner }
    }
}

impl<R: Read> Read for Counted<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        add_bytes(n as u64);
        Ok(n)
    }
}

/// A running progress display; dropping it clears the bar.
pub struct Ticker {
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl Ticker {
    /// Starts a bar over `total_bytes` (the input files' sizes on disk).
    pub fn start(total_bytes: u64) -> Ticker {
        let stop = Arc::new(AtomicBool::new(false));
        let flag = Arc::clone(&stop);
        let thread = std::thread::spawn(move || {
            let bar = ProgressBar::new(total_bytes);
            let style = ProgressStyle::with_template(
                "{spinner} {bar:30} {bytes}/{total_bytes} {msg} ({elapsed})",
            )
            .unwrap_or_else(|_| ProgressStyle::default_bar());
            bar.set_style(style);
            while !flag.load(Ordering::Relaxed) {
                // A file's first buffer is read again after its header is mapped (and a
                // split file with a quote is read twice), so bytes can pass the total.
                bar.set_position(BYTES_READ.load(Ordering::Relaxed).min(total_bytes));
                bar.set_message(format!("{} rows", ROWS_READ.load(Ordering::Relaxed)));
                std::thread::sleep(Duration::from_millis(150));
            }
            bar.finish_and_clear();
        });
        Ticker {
            stop,
            thread: Some(thread),
        }
    }
}

impl Drop for Ticker {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}
