//! Gzip input, as `gzip -d` reads it: members one after another, and zeros after the last
//! member (tape blocks, preallocated files) ignored with a note rather than an error.

use crate::input::source::read_up_to;
use flate2::bufread::GzDecoder;
use std::io::{self, BufRead, BufReader, Cursor, Read};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

/// Large reads: event files are big and read sequentially.
const READ_BUFFER: usize = 256 * 1024;

type Stream = Box<dyn Read + Send>;

/// Wraps `raw` in a decoder when it starts with gzip's magic number; returns whether it did.
/// `padding` is set when zeros after the last member were passed over.
pub fn ungzip(mut raw: Stream, padding: Arc<AtomicBool>) -> io::Result<(Stream, bool)> {
    let mut magic = [0u8; 2];
    let got = read_up_to(&mut raw, &mut magic)?;
    let stream: Stream = Box::new(Cursor::new(magic[..got].to_vec()).chain(raw));
    if got == 2 && magic == [0x1f, 0x8b] {
        let members = Members {
            member: None,
            rest: Some(BufReader::with_capacity(READ_BUFFER, stream)),
            padding,
        };
        Ok((Box::new(members), true))
    } else {
        Ok((stream, false))
    }
}

/// The members of a gzip stream, decompressed one after another.
struct Members {
    member: Option<GzDecoder<BufReader<Stream>>>,
    /// The bytes after the last member read, between members.
    rest: Option<BufReader<Stream>>,
    padding: Arc<AtomicBool>,
}

impl Read for Members {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if buf.is_empty() {
            return Ok(0);
        }
        loop {
            if let Some(member) = &mut self.member {
                let n = member.read(buf)?;
                if n > 0 {
                    return Ok(n);
                }
                self.rest = self.member.take().map(GzDecoder::into_inner);
            }
            let Some(rest) = &mut self.rest else {
                return Ok(0);
            };
            let head = rest.fill_buf()?;
            match head.first() {
                None => {
                    self.rest = None;
                    return Ok(0);
                }
                Some(0x1f) => {
                    self.member = self.rest.take().map(GzDecoder::new);
                }
                Some(0) => {
                    skip_zeros(rest)?;
                    self.padding.store(true, Ordering::Relaxed);
                    self.rest = None;
                    return Ok(0);
                }
                Some(_) => {
                    return Err(io::Error::new(
                        io::ErrorKind::InvalidData,
                        "data after the end of the gzip stream that is neither another gzip member nor zero padding",
                    ))
                }
            }
        }
    }
}

/// Reads to the end, failing on anything but zeros.
fn skip_zeros(rest: &mut BufReader<Stream>) -> io::Result<()> {
    loop {
        let head = rest.fill_buf()?;
        if head.is_empty() {
            return Ok(());
        }
        if head.iter().any(|&b| b != 0) {
            return Err(io::Error::new(
                io::ErrorKind::InvalidData,
                "data after the zero padding that ends the gzip stream",
            ));
        }
        let n = head.len();
        rest.consume(n);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn gz(text: &[u8]) -> Vec<u8> {
        let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        encoder.write_all(text).unwrap();
        encoder.finish().unwrap()
    }

    fn read_all(bytes: Vec<u8>) -> (io::Result<Vec<u8>>, bool) {
        let padding = Arc::new(AtomicBool::new(false));
        let (mut stream, gzip) = ungzip(Box::new(Cursor::new(bytes)), padding.clone()).unwrap();
        assert!(gzip);
        let mut out = Vec::new();
        let result = stream.read_to_end(&mut out).map(|_| out);
        (result, padding.load(Ordering::Relaxed))
    }

    #[test]
    fn members_follow_each_other_and_zero_padding_is_passed_over() {
        let mut two = gz(b"a,b\n");
        two.extend(gz(b"1,2\n"));
        assert_eq!(read_all(two.clone()).0.unwrap(), b"a,b\n1,2\n");
        assert!(!read_all(two.clone()).1);
        let mut padded = two;
        padded.extend(vec![0u8; 100_000]);
        let (text, padding) = read_all(padded.clone());
        assert_eq!(text.unwrap(), b"a,b\n1,2\n");
        assert!(padding);
        padded.push(7);
        assert!(read_all(padded).0.is_err());
        let mut garbage = gz(b"a\n");
        garbage.extend(b"trailing");
        assert!(read_all(garbage).0.is_err());
    }
}
