//! Text encodings: what `--encoding` asks for, what an input's bytes were read as, and how
//! that is told from the bytes when nobody says.

use crate::input::source::{read_up_to, SAMPLE_BYTES};
use anyhow::{Context, Result};
use encoding_rs_io::DecodeReaderBytesBuilder;
use std::io::{self, Cursor, Read};

/// `--encoding`: what every input is written in. UTF-16's byte order is still told by a
/// byte-order mark (little-endian without one).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    Utf8,
    /// Windows-1252, the superset browsers and spreadsheets read Latin-1 as.
    Windows1252,
    Utf16,
}

/// What an input's bytes were read as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TextEncoding {
    /// As they are: UTF-8, ASCII included, with or without a byte-order mark.
    Utf8,
    /// Decoded to UTF-8 from another encoding (UTF-16, or a legacy 8-bit one).
    Decoded(&'static encoding_rs::Encoding),
}

impl TextEncoding {
    /// The name it goes by in messages and in `check`: `utf-8`, `windows-1252`, `utf-16le`...
    pub fn label(self) -> &'static str {
        match self {
            TextEncoding::Utf8 => "utf-8",
            TextEncoding::Decoded(encoding) => label(encoding),
        }
    }
}

/// How much of a file is looked at to tell its encoding when no byte-order mark says it.
const DETECT_BYTES: usize = 1 << 20;

/// Wraps the stream in a decoder to UTF-8 when the encoding is not UTF-8: asked for, told by
/// a byte-order mark (in `head`, the stream's first bytes, which it still starts with), or
/// detected from the file's first megabyte (UTF-16 by its NULs; a legacy 8-bit encoding, by
/// `chardetng`, when the bytes are not UTF-8). Returns what the text was read as and a note
/// when it was detected.
pub fn decode(
    head: &[u8],
    mut stream: Box<dyn Read + Send>,
    asked: Option<Encoding>,
    name: &str,
) -> Result<(Box<dyn Read + Send>, TextEncoding, Vec<String>)> {
    let mut notes = Vec::new();
    let encoding = match asked {
        Some(Encoding::Utf8) => None,
        Some(Encoding::Windows1252) => Some(encoding_rs::WINDOWS_1252),
        Some(Encoding::Utf16) if head.starts_with(b"\xFE\xFF") => Some(encoding_rs::UTF_16BE),
        Some(Encoding::Utf16) => Some(encoding_rs::UTF_16LE),
        None if head.starts_with(b"\xFF\xFE") => Some(encoding_rs::UTF_16LE),
        None if head.starts_with(b"\xFE\xFF") => Some(encoding_rs::UTF_16BE),
        None if head.starts_with(b"\xEF\xBB\xBF") => None,
        None => {
            let sample =
                peek_detect(&mut *stream).with_context(|| format!("{name}: cannot read"))?;
            let detected = detect_encoding(&sample);
            stream = Box::new(Cursor::new(sample).chain(stream));
            if let Some(encoding) = detected {
                notes.push(format!(
                    "{name}: not UTF-8 text; read as {} (detected from its bytes; --encoding to choose another)",
                    label(encoding)
                ));
            }
            detected
        }
    };
    let Some(encoding) = encoding else {
        return Ok((stream, TextEncoding::Utf8, notes));
    };
    let decoder = DecodeReaderBytesBuilder::new()
        .encoding(Some(encoding))
        .bom_override(true)
        .build(stream);
    Ok((Box::new(decoder), TextEncoding::Decoded(encoding), notes))
}

/// The name an encoding goes by in messages and in `check`.
fn label(encoding: &'static encoding_rs::Encoding) -> &'static str {
    match encoding.name() {
        "windows-1252" => "windows-1252",
        "UTF-16BE" => "utf-16be",
        "UTF-16LE" => "utf-16le",
        other => other,
    }
}

/// Reads the first bytes of a stream, enough to tell its encoding: its first 64 KiB, and up to
/// a megabyte while they are all ASCII (a Latin-1 export may hold its first accent late).
fn peek_detect(stream: &mut dyn Read) -> io::Result<Vec<u8>> {
    let mut sample = Vec::new();
    while sample.len() < DETECT_BYTES {
        let want = if sample.is_empty() {
            SAMPLE_BYTES
        } else {
            sample.len()
        };
        let start = sample.len();
        sample.resize(start + want.min(DETECT_BYTES - start), 0);
        let got = read_up_to(stream, &mut sample[start..])?;
        sample.truncate(start + got);
        if got == 0 || !sample.is_ascii() {
            break;
        }
    }
    Ok(sample)
}

/// The encoding of a sample without a byte-order mark, when it is not UTF-8: UTF-16 when every
/// other byte is NUL, else what `chardetng` makes of bytes that are not UTF-8 and hold no
/// UTF-8 sequence of more than one byte (a file mixing both is read as UTF-8, and its bad
/// bytes are told row by row). `None` for UTF-8 (ASCII included) and for binary data.
pub fn detect_encoding(sample: &[u8]) -> Option<&'static encoding_rs::Encoding> {
    if sample.len() >= 4 && nuls_alternate(sample) {
        let nuls_first = sample.iter().step_by(2).filter(|&&b| b == 0).count()
            > sample
                .iter()
                .skip(1)
                .step_by(2)
                .filter(|&&b| b == 0)
                .count();
        return Some(if nuls_first {
            encoding_rs::UTF_16BE
        } else {
            encoding_rs::UTF_16LE
        });
    }
    if sample.contains(&0) {
        return None; // binary: refused by name later
    }
    let (mut invalid, mut multibyte) = (0usize, 0usize);
    let mut rest = sample;
    loop {
        match std::str::from_utf8(rest) {
            Ok(text) => {
                multibyte += text.chars().filter(|c| !c.is_ascii()).count();
                break;
            }
            Err(e) => {
                let valid = &rest[..e.valid_up_to()];
                multibyte += String::from_utf8_lossy(valid)
                    .chars()
                    .filter(|c| !c.is_ascii())
                    .count();
                // A sequence cut by the end of the sample is not an error.
                let Some(bad) = e.error_len() else { break };
                invalid += bad;
                rest = &rest[e.valid_up_to() + bad..];
            }
        }
    }
    if invalid == 0 || multibyte > 0 {
        return None;
    }
    let mut detector = chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Deny);
    detector.feed(sample, true);
    let guess = detector.guess(None, chardetng::Utf8Detection::Deny);
    (guess != encoding_rs::UTF_8).then_some(guess)
}

/// UTF-16 text of ASCII characters has a NUL in every other byte.
pub(crate) fn nuls_alternate(sample: &[u8]) -> bool {
    let nuls_at = |parity: usize| {
        sample
            .iter()
            .skip(parity)
            .step_by(2)
            .filter(|b| **b == 0)
            .count()
    };
    let half = sample.len() / 2;
    half > 0 && (nuls_at(0) * 4 > half * 3 || nuls_at(1) * 4 > half * 3)
}
