//! Two event inputs that hold the same data (the same path given twice, a link to it, or a
//! glob matching both `jan.csv` and `jan.csv.gz`) would count every event twice: such pairs
//! are refused before the pass.
//!
//! The same file is told by device and inode; the same data by comparing the decompressed
//! bytes, first their first 64 KiB (and their size when both are plain), then, only for pairs
//! alike so far, all of them. Streams (pipes, standard input) are read once and cannot be
//! compared beforehand.

use crate::input::source::{read_up_to, reopen_at, InputPath};
use crate::input_error;
use anyhow::Result;
use std::io::Read;

/// How much of each file is compared first.
const HEAD_BYTES: usize = 64 * 1024;

/// Fails naming both inputs when two of `events` are the same file or hold the same bytes.
pub fn refuse_same_data(events: &[InputPath]) -> Result<()> {
    let files: Vec<&InputPath> = events.iter().filter(|e| !e.is_stream()).collect();
    if files.len() < 2 {
        return Ok(());
    }
    let ids: Vec<Option<(u64, u64)>> = files.iter().map(|f| file_id(&f.path)).collect();
    for i in 0..files.len() {
        for j in i + 1..files.len() {
            if ids[i].is_some() && ids[i] == ids[j] || files[i].path == files[j].path {
                return Err(input_error!(
                    "--events {} and {} are the same file: every event would count twice; give it once",
                    files[i].path,
                    files[j].path
                ));
            }
        }
    }
    let heads = files.iter().map(|f| head(f)).collect::<Result<Vec<_>>>()?;
    for i in 0..files.len() {
        for j in i + 1..files.len() {
            let (a, b) = (&heads[i], &heads[j]);
            let sizes_differ = matches!((a.plain_len, b.plain_len), (Some(x), Some(y)) if x != y);
            if a.bytes != b.bytes || sizes_differ || !same_bytes(files[i], files[j])? {
                continue;
            }
            return Err(input_error!(
                "--events {} and {} hold the same data (byte for byte once decompressed): every event would count twice; give only one of them",
                files[i].path,
                files[j].path
            ));
        }
    }
    Ok(())
}

/// The first bytes of a file once decompressed, and its length when it is not compressed.
struct Head {
    bytes: Vec<u8>,
    plain_len: Option<u64>,
}

fn head(input: &InputPath) -> Result<Head> {
    let mut bytes = Vec::with_capacity(HEAD_BYTES);
    decompressed(input)?
        .take(HEAD_BYTES as u64)
        .read_to_end(&mut bytes)
        .map_err(|e| input_error!("{}: cannot read: {e}", input.path))?;
    let mut magic = [0u8; 2];
    let gzip = std::fs::File::open(&input.path)
        .and_then(|mut f| f.read_exact(&mut magic))
        .is_ok()
        && magic == [0x1f, 0x8b];
    let plain_len = (!gzip)
        .then(|| std::fs::metadata(&input.path).ok().map(|m| m.len()))
        .flatten();
    Ok(Head { bytes, plain_len })
}

fn decompressed(input: &InputPath) -> Result<Box<dyn Read + Send>> {
    reopen_at(input, 0)
}

/// True when both files decompress to the same bytes (read side by side, stopping at the
/// first difference).
fn same_bytes(a: &InputPath, b: &InputPath) -> Result<bool> {
    let (mut a_reader, mut b_reader) = (decompressed(a)?, decompressed(b)?);
    let (mut a_buf, mut b_buf) = (vec![0u8; 1 << 16], vec![0u8; 1 << 16]);
    loop {
        let n = fill(&mut a_reader, &mut a_buf, &a.path)?;
        let m = fill(&mut b_reader, &mut b_buf, &b.path)?;
        if n != m || a_buf[..n] != b_buf[..m] {
            return Ok(false);
        }
        if n == 0 {
            return Ok(true);
        }
    }
}

/// Fills `buf` as far as the reader allows; the count read.
fn fill(reader: &mut dyn Read, buf: &mut [u8], path: &str) -> Result<usize> {
    read_up_to(reader, buf).map_err(|e| input_error!("{path}: cannot read: {e}"))
}

#[cfg(unix)]
pub fn file_id(path: &str) -> Option<(u64, u64)> {
    use std::os::unix::fs::MetadataExt;
    std::fs::metadata(path).ok().map(|m| (m.dev(), m.ino()))
}

#[cfg(not(unix))]
pub fn file_id(path: &str) -> Option<(u64, u64)> {
    let _ = path;
    None
}
