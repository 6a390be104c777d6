//! Records of text known to hold no quote character, read without a CSV state machine.
//!
//! A record ends at every `\r` or `\n` (empty ones skipped) and its fields lie between
//! delimiters, which is what the csv crate makes of quote-free text. Each buffer read is
//! classified once, 32 bytes a compare (16 without AVX2), into two bitmaps (delimiters, and
//! the bytes that end a record). Records are then split 64 at a time by one small loop over
//! the set bits of both, which stores each bit's position as a cut (see
//! [`Fields::between`]), and handed out in place: a few instructions a field and no copy. A
//! [`Visit`] sees each batch three times: a look at every record, a near step for every slot,
//! then the visits, so that the loads a look starts (a hash slot, a counter) have arrived by
//! the time the visit reads them. Reading stops before the first record holding a quote
//! character: the caller goes on with the csv crate from there, or re-reads a split file on
//! one thread.

use crate::input::fields::Fields;
use crate::input::quotes::RecordTooLong;
use std::io::{self, Read};
use std::ops::ControlFlow;

/// Reads quote-free records from `source`, each with the line it starts on (counted from the
/// source's first byte, blank lines included).
pub struct PlainRecords<R> {
    source: R,
    buf: Vec<u8>,
    /// Unread bytes are `buf[start..end]`.
    start: usize,
    end: usize,
    eof: bool,
    classes: ByteClasses,
    /// Which bytes of `buf[..end]` are the delimiter, a bit each (the lowest bit of word `w`
    /// is byte `64 * w`), classified once when read.
    delimiters: Vec<u64>,
    /// Likewise, the bytes that end a record: `\r`, `\n` and `"`.
    stops: Vec<u64>,
    /// Every byte of `buf[..end]` is ASCII (so is every record in it).
    ascii: bool,
    /// Newlines before `buf[start]`.
    newlines: u64,
    /// The records split last, waiting to be handed out.
    batch: Batch,
    quote_seen: bool,
    /// Largest record allowed, in bytes.
    max_record: usize,
}

impl<R: Read> PlainRecords<R> {
    pub fn new(source: R, delimiter: u8) -> Self {
        PlainRecords {
            source,
            buf: vec![0; 256 * 1024],
            start: 0,
            end: 0,
            eof: false,
            classes: ByteClasses::new(delimiter),
            delimiters: Vec::new(),
            stops: Vec::new(),
            ascii: false,
            newlines: 0,
            batch: Batch::default(),
            quote_seen: false,
            max_record: usize::MAX,
        }
    }

    /// Fails a read once a record grows past `max_record` bytes without ending.
    pub fn with_limit(mut self, max_record: u64) -> Self {
        self.max_record = usize::try_from(max_record).unwrap_or(usize::MAX);
        self
    }

    /// Calls `each` with every record in turn, until `each` breaks (its value is returned),
    /// the source ends, or the next record holds a quote character (see
    /// [`PlainRecords::quote_seen`] and [`PlainRecords::into_rest`]).
    #[inline]
    pub fn for_each<B>(
        &mut self,
        each: impl FnMut(&Fields<'_>) -> ControlFlow<B>,
    ) -> io::Result<ControlFlow<B>> {
        self.visit(&mut Each(each))
    }

    /// As [`PlainRecords::for_each`], with two steps for each batch of records before their
    /// visits (see [`Visit`]).
    ///
    /// Records are split [`BATCH`] at a time by a small loop of its own, which keeps its
    /// state in registers (inlined into a large caller, the same loop spilled it to the
    /// stack), then handed out one by one.
    #[inline]
    pub fn visit<V: Visit>(&mut self, visitor: &mut V) -> io::Result<ControlFlow<V::Break>> {
        loop {
            let split = self.split_batch();
            let batch = &self.batch;
            let records = &batch.records[..batch.len];
            let (buf, ascii) = (&self.buf[..], self.ascii);
            let fields = |record: &RecordAt| {
                let fields =
                    Fields::between(buf, &batch.cuts[record.first..=record.last], record.line);
                if ascii {
                    fields.known_ascii()
                } else {
                    fields
                }
            };
            for (slot, record) in records.iter().enumerate() {
                visitor.look(slot, &fields(record));
            }
            for slot in 0..records.len() {
                visitor.near(slot);
            }
            for (slot, record) in records.iter().enumerate() {
                if let ControlFlow::Break(value) = visitor.visit(slot, &fields(record)) {
                    // Unread: the records after this one.
                    if let Some(next) = records.get(slot + 1) {
                        self.start = batch.cuts[next.first].wrapping_add(1);
                        self.newlines = next.line - 1;
                    }
                    return Ok(ControlFlow::Break(value));
                }
            }
            match split {
                BatchEnd::Full => {}
                BatchEnd::Quote => {
                    self.quote_seen = true;
                    return Ok(ControlFlow::Continue(()));
                }
                BatchEnd::Open if self.eof => return Ok(ControlFlow::Continue(())),
                BatchEnd::Open => self.refill()?,
            }
        }
    }

    /// True when reading stopped before a record holding a quote character, which only a CSV
    /// reader can read right (a quoted field may hold delimiters and newlines).
    pub fn quote_seen(&self) -> bool {
        self.quote_seen
    }

    /// The source from the first record not read on: for a CSV reader to go on with after a
    /// quote, as if it had read the records before (they held no quote, so it reads them alike).
    pub fn into_rest(self) -> impl Read {
        io::Cursor::new(self.buf[self.start..self.end].to_vec()).chain(self.source)
    }

    /// Newlines read so far (all of them, once `read` has returned `None`).
    pub fn newlines(&self) -> u64 {
        self.newlines
    }

    /// Keeps the unread bytes, growing the buffer when one record fills it, and reads more.
    fn refill(&mut self) -> io::Result<()> {
        self.buf.copy_within(self.start..self.end, 0);
        self.end -= self.start;
        self.start = 0;
        if self.end == self.buf.len() {
            if self.end > self.max_record {
                return Err(io::Error::other(RecordTooLong {
                    line: self.newlines + 1,
                    open_quote_line: None,
                    limit: self.max_record as u64,
                }));
            }
            self.buf.resize(self.buf.len() * 2, 0);
        }
        let n = self.source.read(&mut self.buf[self.end..])?;
        self.end += n;
        self.eof = n == 0;
        self.classes
            .classify(&self.buf[..self.end], &mut self.delimiters, &mut self.stops);
        // One look at the whole buffer (a few bytes a cycle) instead of one at each record.
        self.ascii = self.buf[..self.end].is_ascii();
        Ok(())
    }

    /// Splits up to [`BATCH`] records into `batch`, from `buf[start]`, and steps past them:
    /// up to the first that runs past the buffer (all of them once the source has ended) or
    /// holds a quote. A record ends at its first `\r` or `\n` (a record of no bytes is none);
    /// its fields are split at the delimiters before that.
    ///
    /// One loop walks the set bits of both classes in byte order, storing each as a cut: a
    /// record's last cut (its terminator) is the next record's first.
    #[inline(never)]
    fn split_batch(&mut self) -> BatchEnd {
        let end = self.end;
        let buf = &self.buf[..end];
        let words = end.div_ceil(64);
        let (delimiters, stops) = (&self.delimiters[..words], &self.stops[..words]);
        let Batch { records, len, cuts } = &mut self.batch;
        let mut newlines = self.newlines;
        let mut count = 0;
        // The cut before the record being split, and the next free cut.
        let (mut first, mut n) = (0, 1);
        if cuts.len() < 66 {
            cuts.resize(66 + 64 * 8, 0);
        }
        cuts[0] = self.start.wrapping_sub(1);
        let mut word = self.start / 64;
        let mut keep = u64::MAX << (self.start % 64);
        let outcome = 'words: loop {
            if word == words {
                break BatchEnd::Open;
            }
            // Room for every cut a word can hold.
            if cuts.len() < n + 64 {
                cuts.resize(n + 64 + 64 * 8, 0);
            }
            let base = word * 64;
            let stop_bits = stops[word];
            let mut bits = (delimiters[word] | stop_bits) & keep;
            while bits != 0 {
                let bit = bits.trailing_zeros();
                bits &= bits - 1;
                let at = base + bit as usize;
                cuts[n] = at;
                n += 1;
                if stop_bits >> bit & 1 == 0 {
                    continue;
                }
                let byte = buf[at];
                if byte == b'"' {
                    break 'words BatchEnd::Quote;
                }
                if at != cuts[first].wrapping_add(1) {
                    records[count] = RecordAt {
                        first,
                        last: n - 1,
                        line: newlines + 1,
                    };
                    count += 1;
                }
                newlines += u64::from(byte == b'\n');
                first = n - 1;
                if count == BATCH {
                    break 'words BatchEnd::Full;
                }
            }
            word += 1;
            keep = u64::MAX;
        };
        let start = cuts[first].wrapping_add(1);
        let outcome = match outcome {
            // The last record, with no terminator.
            BatchEnd::Open if self.eof && start < end => {
                if cuts.len() <= n {
                    cuts.push(0);
                }
                cuts[n] = end;
                records[count] = RecordAt {
                    first,
                    last: n,
                    line: newlines + 1,
                };
                count += 1;
                self.start = end;
                BatchEnd::Open
            }
            outcome => {
                self.start = start;
                outcome
            }
        };
        *len = count;
        self.newlines = newlines;
        outcome
    }
}

/// Records split at a time: enough that splitting is a loop of its own, few enough that their
/// cuts stay in the first-level cache. A [`Visit`]'s slots are below it.
pub const BATCH: usize = 64;

/// What [`PlainRecords::visit`] calls for each record, with its slot in its batch (below
/// [`BATCH`]): `look` at every record of the batch first, then `near` with every slot, then
/// `visit` each record. A look may start loading what comes next (a hash slot, a counter's
/// cache line) and leave in the record's slot what it worked out; a near step may follow
/// what the look loaded to start the next load. Each finds in a slot only what the earlier
/// steps of the same record left, and never a slot no look filled since its batch began.
///
/// A whole batch a step, rather than each record a few ahead of its visit: each step is a
/// short loop of its own (fewer instructions), its loads all in flight at once, and what they
/// bring, three lines a record, still fits the first-level cache until the visits.
pub trait Visit {
    type Break;

    #[inline]
    fn look(&mut self, slot: usize, record: &Fields<'_>) {
        let _ = (slot, record);
    }

    #[inline]
    fn near(&mut self, slot: usize) {
        let _ = slot;
    }

    fn visit(&mut self, slot: usize, record: &Fields<'_>) -> ControlFlow<Self::Break>;
}

/// A closure as a [`Visit`] that only visits.
struct Each<F>(F);

impl<B, F: FnMut(&Fields<'_>) -> ControlFlow<B>> Visit for Each<F> {
    type Break = B;

    #[inline]
    fn visit(&mut self, _: usize, record: &Fields<'_>) -> ControlFlow<B> {
        (self.0)(record)
    }
}

/// Records split and not yet handed out.
struct Batch {
    records: [RecordAt; BATCH],
    /// Records in `records`.
    len: usize,
    /// Their cuts (see [`Fields::between`]), one record after the other; those past the last
    /// record's are stale, and so may be some between two records.
    cuts: Vec<usize>,
}

impl Default for Batch {
    fn default() -> Self {
        Batch {
            records: [RecordAt::default(); BATCH],
            len: 0,
            cuts: Vec::new(),
        }
    }
}

/// Where a split record's cuts lie in [`Batch::cuts`], and the line it starts on.
#[derive(Debug, Clone, Copy, Default)]
struct RecordAt {
    first: usize,
    last: usize,
    line: u64,
}

/// Where [`PlainRecords::split_batch`] stopped.
enum BatchEnd {
    /// With [`BATCH`] records split.
    Full,
    /// At a record running past the buffered bytes, or at their end.
    Open,
    /// At a record holding a quote (only the csv crate reads such a record right).
    Quote,
}

/// Finds the bytes that matter to a quote-free record: the delimiter, `\r`, `\n` and `"`.
struct ByteClasses {
    delimiter: u8,
    /// The CPU has AVX2 (known at run time): 32 bytes a compare instead of 16.
    #[cfg(target_arch = "x86_64")]
    avx2: bool,
}

impl ByteClasses {
    fn new(delimiter: u8) -> Self {
        ByteClasses {
            delimiter,
            #[cfg(target_arch = "x86_64")]
            avx2: std::arch::is_x86_feature_detected!("avx2"),
        }
    }

    /// Sets `delimiters` and `stops` to one bit per byte of `bytes` that is the delimiter, or
    /// `\r`, `\n` or `"` (a stop, even when it is also the delimiter); bits past the end of
    /// `bytes` are clear.
    fn classify(&self, bytes: &[u8], delimiters: &mut Vec<u64>, stops: &mut Vec<u64>) {
        let words = bytes.len().div_ceil(64);
        delimiters.resize(words, 0);
        stops.resize(words, 0);
        let whole = bytes.len() / 64;
        let (blocks, tail) = bytes.split_at(whole * 64);
        let (delimiter_words, stop_words) = (&mut delimiters[..whole], &mut stops[..whole]);
        #[cfg(target_arch = "x86_64")]
        if self.avx2 {
            // SAFETY: the CPU has AVX2, as checked when `self` was made.
            unsafe { classify_avx2(self.delimiter, blocks, delimiter_words, stop_words) };
        } else {
            classify_sse2(self.delimiter, blocks, delimiter_words, stop_words);
        }
        #[cfg(not(target_arch = "x86_64"))]
        for (i, block) in blocks.chunks_exact(64).enumerate() {
            (delimiter_words[i], stop_words[i]) = self.bytewise(block);
        }
        if !tail.is_empty() {
            (delimiters[whole], stops[whole]) = self.bytewise(tail);
        }
    }

    /// The delimiter and stop bits of up to 64 bytes, a byte at a time (for a buffer's last
    /// bytes and other CPUs; tests hold the SIMD versions to it).
    fn bytewise(&self, bytes: &[u8]) -> (u64, u64) {
        bytes
            .iter()
            .enumerate()
            .fold((0, 0), |(delimiters, stops), (i, &b)| {
                let stop = matches!(b, b'\n' | b'\r' | b'"');
                let delimiter = !stop && b == self.delimiter;
                (
                    delimiters | u64::from(delimiter) << i,
                    stops | u64::from(stop) << i,
                )
            })
    }
}

/// Sets the delimiter and stop bits of whole 64-byte blocks, `LANE` bytes at a time:
/// `lane(bytes)` gives the delimiter and stop bits of the first `LANE` of `bytes` (a stop
/// that is also the delimiter counts as a stop). Inlined into each SIMD version, so that its
/// compares are compiled with that version's instructions.
#[cfg(target_arch = "x86_64")]
#[inline(always)]
fn classify_blocks<const LANE: usize>(
    blocks: &[u8],
    delimiters: &mut [u64],
    stops: &mut [u64],
    lane: impl Fn(&[u8]) -> (u64, u64),
) {
    for (i, block) in blocks.chunks_exact(64).enumerate() {
        let (mut delimiter_bits, mut stop_bits) = (0u64, 0u64);
        for part in 0..64 / LANE {
            let (delimiter, stop) = lane(&block[LANE * part..]);
            delimiter_bits |= (delimiter & !stop) << (LANE * part);
            stop_bits |= stop << (LANE * part);
        }
        delimiters[i] = delimiter_bits;
        stops[i] = stop_bits;
    }
}

/// [`ByteClasses::classify`] of whole 64-byte blocks, sixteen bytes a compare.
#[cfg(target_arch = "x86_64")]
fn classify_sse2(delimiter: u8, blocks: &[u8], delimiters: &mut [u64], stops: &mut [u64]) {
    use std::arch::x86_64::*;
    // SAFETY: SSE2 is part of every x86_64 CPU.
    let (d, n, r, q) = unsafe {
        (
            _mm_set1_epi8(delimiter as i8),
            _mm_set1_epi8(b'\n' as i8),
            _mm_set1_epi8(b'\r' as i8),
            _mm_set1_epi8(b'"' as i8),
        )
    };
    classify_blocks::<16>(blocks, delimiters, stops, |lane| {
        // SAFETY: SSE2 is part of every x86_64 CPU, and the unaligned load reads sixteen
        // bytes of a 64-byte block from its lane's start.
        unsafe {
            let bytes = _mm_loadu_si128(lane.as_ptr().cast());
            let mask = |splat| u64::from(_mm_movemask_epi8(_mm_cmpeq_epi8(bytes, splat)) as u16);
            (mask(d), mask(n) | mask(r) | mask(q))
        }
    });
}

/// [`ByteClasses::classify`] of whole 64-byte blocks, 32 bytes a compare.
///
/// # Safety
/// The CPU must have AVX2.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
unsafe fn classify_avx2(delimiter: u8, blocks: &[u8], delimiters: &mut [u64], stops: &mut [u64]) {
    use std::arch::x86_64::*;
    let (d, n, r, q) = (
        _mm256_set1_epi8(delimiter as i8),
        _mm256_set1_epi8(b'\n' as i8),
        _mm256_set1_epi8(b'\r' as i8),
        _mm256_set1_epi8(b'"' as i8),
    );
    classify_blocks::<32>(blocks, delimiters, stops, |lane| {
        // SAFETY: the unaligned load reads 32 bytes of a 64-byte block from its lane's start.
        let bytes = unsafe { _mm256_loadu_si256(lane.as_ptr().cast()) };
        // One mask per byte compared (LLVM makes a byte-by-byte shuffle of a movemask of
        // or-ed compares).
        let mask = |splat| u64::from(_mm256_movemask_epi8(_mm256_cmpeq_epi8(bytes, splat)) as u32);
        (mask(d), mask(n) | mask(r) | mask(q))
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::lines::Counting;

    type Records = Vec<(Vec<Vec<u8>>, u64)>;

    /// The fields the csv crate reads from `text`, and the lines they start on.
    fn by_csv(text: &[u8]) -> Records {
        let (counting, lines) = Counting::new(text);
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .quoting(false)
            .from_reader(counting);
        let mut record = csv::ByteRecord::new();
        let mut out = Vec::new();
        while reader.read_byte_record(&mut record).unwrap() {
            let mut bounds = Vec::new();
            let fields = Fields::of_record(&record, &mut bounds, &lines);
            out.push((fields.iter().map(<[u8]>::to_vec).collect(), fields.line()));
        }
        out
    }

    /// What `PlainRecords` reads from `text` through a buffer this small.
    fn by_plain(text: &[u8], buffer: usize) -> (Records, u64) {
        let mut plain = PlainRecords::new(text, b',');
        plain.buf = vec![0; buffer];
        let mut out = Vec::new();
        let flow = plain.for_each(|fields| {
            out.push((fields.iter().map(<[u8]>::to_vec).collect(), fields.line()));
            ControlFlow::<()>::Continue(())
        });
        assert_eq!(flow.unwrap(), ControlFlow::Continue(()));
        (out, plain.newlines())
    }

    /// A record is ASCII exactly when its bytes are, whether or not the buffer around it was
    /// (the reader skips the per-record look only when its whole buffer is ASCII).
    #[test]
    fn records_are_ascii_exactly_when_their_bytes_are() {
        let text: &[u8] = b"a,b\nx,J\xe9r\xf4me\nc,d\n\xc3\xa9,e\nf,g\n";
        for buffer in [1, 2, 5, 8, 64, 4096] {
            let mut plain = PlainRecords::new(text, b',');
            plain.buf = vec![0; buffer];
            let mut seen = Vec::new();
            let flow = plain.for_each(|fields| {
                let bytes: Vec<u8> = fields.iter().flatten().copied().collect();
                assert_eq!(fields.is_ascii(), bytes.is_ascii(), "buffer {buffer}");
                seen.push(fields.is_ascii());
                ControlFlow::<()>::Continue(())
            });
            assert_eq!(flow.unwrap(), ControlFlow::Continue(()));
            assert_eq!(seen, [true, false, true, false, true], "buffer {buffer}");
        }
    }

    #[test]
    fn plain_records_read_what_the_csv_crate_reads_on_the_same_lines() {
        let long = format!("{},x,{}\n,,\n", "a".repeat(40), "b,".repeat(30));
        let texts: [&[u8]; 7] = [
            b"a,b,c\n\n1,,3\n,,\nlast,row",
            b"a,b,c\r\n1,2\r\n\r\nx,y,z\r\n",
            b"a\rb,c\r\r\nd\n",
            b"\n\nfirst\n\n\n",
            b"",
            b"AST-07653,deborah.williams@example.com,SDR,view,2024-11-01T00:02:22Z\n",
            long.as_bytes(),
        ];
        for text in texts {
            let newlines = text.iter().filter(|&&b| b == b'\n').count() as u64;
            for buffer in [1, 2, 3, 7, 16, 17, 64, 4096] {
                assert_eq!(
                    by_plain(text, buffer),
                    (by_csv(text), newlines),
                    "{text:?}, buffer {buffer}"
                );
            }
        }
    }

    /// More records than a batch holds, blank lines and CRLF among them, read through buffers
    /// that end anywhere: still the csv crate's records on the same lines.
    #[test]
    fn records_past_a_batch_read_as_the_csv_crate_reads_them() {
        let mut text = String::new();
        for i in 0..(3 * BATCH + 5) {
            let end = ["\n", "\r\n", "\n\n", "\r", "\n\r\n"][i % 5];
            text.push_str(&format!("id{i},{},,x{}{end}", "y".repeat(i % 70), i % 3));
        }
        text.push_str("last,no,end");
        let text = text.as_bytes();
        let newlines = text.iter().filter(|&&b| b == b'\n').count() as u64;
        for buffer in [1, 7, 64, 100, 257, 4096, 1 << 16] {
            assert_eq!(
                by_plain(text, buffer),
                (by_csv(text), newlines),
                "buffer {buffer}"
            );
        }
    }

    /// `each` breaking mid-batch leaves the reader at the next record, on its line.
    #[test]
    fn reading_goes_on_after_each_breaks() {
        let text: String = (0..150).map(|i| format!("r{i},v\n\n")).collect();
        let mut plain = PlainRecords::new(text.as_bytes(), b',');
        let mut seen = Vec::new();
        loop {
            let flow = plain.for_each(|fields| {
                seen.push((fields[0].to_vec(), fields.line()));
                if seen.len() % 10 == 3 {
                    ControlFlow::Break(())
                } else {
                    ControlFlow::Continue(())
                }
            });
            if flow.unwrap() == ControlFlow::Continue(()) {
                break;
            }
        }
        let want: Vec<(Vec<u8>, u64)> = (0..150)
            .map(|i| (format!("r{i}").into_bytes(), 2 * i + 1))
            .collect();
        assert_eq!(seen, want);
        assert_eq!(plain.newlines(), 300);
    }

    /// A visitor that checks each visit against what the looks and near steps left in its
    /// slot, and notes in which order the steps came.
    struct Steps {
        looked: Vec<Option<Vec<u8>>>,
        near: Vec<bool>,
        visited: Vec<Vec<u8>>,
        break_every: usize,
    }

    impl Visit for Steps {
        type Break = ();

        fn look(&mut self, slot: usize, record: &Fields<'_>) {
            self.looked[slot] = Some(record[0].to_vec());
            self.near[slot] = false;
        }

        fn near(&mut self, slot: usize) {
            assert!(
                self.looked[slot].is_some(),
                "near before look in slot {slot}"
            );
            self.near[slot] = true;
        }

        fn visit(&mut self, slot: usize, record: &Fields<'_>) -> ControlFlow<()> {
            let looked = self.looked[slot].take();
            assert_eq!(looked.as_deref(), Some(&record[0]), "slot {slot}");
            assert!(self.near[slot], "visit before near in slot {slot}");
            self.near[slot] = false;
            self.visited.push(record[0].to_vec());
            if self.break_every > 0 && self.visited.len() % self.break_every == 0 {
                ControlFlow::Break(())
            } else {
                ControlFlow::Continue(())
            }
        }
    }

    /// Every record is looked at, then come near, then visited, each in its own slot, through
    /// batches, small buffers and visits that break mid-batch.
    #[test]
    fn each_visit_follows_the_look_and_near_step_of_its_own_record() {
        let text: String = (0..300).map(|i| format!("r{i},v\n")).collect();
        for (size, break_every) in [
            (7, 0),
            (64, 3),
            (1000, 0),
            (256 * 1024, 0),
            (256 * 1024, 65),
        ] {
            let mut plain = PlainRecords::new(text.as_bytes(), b',');
            plain.buf = vec![0; size];
            let mut steps = Steps {
                looked: vec![None; BATCH],
                near: vec![false; BATCH],
                visited: Vec::new(),
                break_every,
            };
            while plain.visit(&mut steps).unwrap() == ControlFlow::Break(()) {}
            let want: Vec<Vec<u8>> = (0..300).map(|i| format!("r{i}").into_bytes()).collect();
            assert_eq!(
                steps.visited, want,
                "buffer {size}, break every {break_every}"
            );
        }
    }

    #[test]
    fn a_quote_anywhere_is_noted() {
        for text in [
            &b"a,b\nc,\"d\n"[..],
            b"a,b\nc,d\n\"",
            b"0123456789abcdef\"x\n",
        ] {
            let mut plain = PlainRecords::new(text, b',');
            let _ = plain.for_each(|_| ControlFlow::<()>::Continue(())).unwrap();
            assert!(plain.quote_seen(), "{text:?}");
        }
        let mut plain = PlainRecords::new(&b"a,b\nc,d\n"[..], b',');
        let _ = plain.for_each(|_| ControlFlow::<()>::Continue(())).unwrap();
        assert!(!plain.quote_seen());
    }

    #[test]
    fn a_csv_reader_goes_on_from_the_quoted_record() {
        let text = b"a,b\r\nc,d\r\n\r\n\"e,1\",\"f\ng\"\r\nh,i\r\n";
        let mut plain = PlainRecords::new(&text[..], b',');
        plain.buf = vec![0; 5];
        let mut read = Vec::new();
        let flow = plain.for_each(|fields| {
            read.push(fields.iter().map(<[u8]>::to_vec).collect::<Vec<_>>());
            ControlFlow::<()>::Continue(())
        });
        assert_eq!(flow.unwrap(), ControlFlow::Continue(()));
        assert!(plain.quote_seen());
        assert_eq!(plain.newlines(), 3);
        let mut rest = csv::ReaderBuilder::new()
            .has_headers(false)
            .from_reader(plain.into_rest());
        for record in rest.byte_records() {
            read.push(record.unwrap().iter().map(<[u8]>::to_vec).collect());
        }
        let whole: Vec<Vec<Vec<u8>>> = csv::ReaderBuilder::new()
            .has_headers(false)
            .from_reader(&text[..])
            .byte_records()
            .map(|r| r.unwrap().iter().map(<[u8]>::to_vec).collect())
            .collect();
        assert_eq!(read, whole);
    }

    /// The classes of `bytes` a byte at a time, 64 to a word.
    fn bytewise(classes: &ByteClasses, bytes: &[u8]) -> (Vec<u64>, Vec<u64>) {
        bytes
            .chunks(64)
            .map(|chunk| classes.bytewise(chunk))
            .unzip()
    }

    #[test]
    fn the_simd_classes_are_the_bytewise_ones() {
        let mut state = 1u64;
        for delimiter in [b',', b';', b'\t', b'|', b'"', b'\n', 0xFF, 0] {
            let classes = ByteClasses::new(delimiter);
            for len in [0, 1, 15, 16, 63, 64, 65, 127, 128, 200, 1000] {
                let bytes: Vec<u8> = (0..len)
                    .map(|_| {
                        state = state.wrapping_mul(6364136223846793005).wrapping_add(1);
                        // Mostly the bytes that matter, so that every mix turns up.
                        [b',', b';', b'\t', b'|', b'\n', b'\r', b'"', b'a', 0xFF, 0]
                            [(state >> 60) as usize % 10]
                    })
                    .collect();
                let want = bytewise(&classes, &bytes);
                let (mut delimiters, mut stops) = (vec![7; 3], vec![7; 3]);
                classes.classify(&bytes, &mut delimiters, &mut stops);
                assert_eq!(
                    (&delimiters, &stops),
                    (&want.0, &want.1),
                    "{delimiter} {len}"
                );
                #[cfg(target_arch = "x86_64")]
                {
                    let whole = len / 64 * 64;
                    let (mut d, mut s) = (vec![0; len / 64], vec![0; len / 64]);
                    classify_sse2(delimiter, &bytes[..whole], &mut d, &mut s);
                    assert_eq!(d, want.0[..len / 64]);
                    assert_eq!(s, want.1[..len / 64]);
                    if std::arch::is_x86_feature_detected!("avx2") {
                        let (mut d, mut s) = (vec![0; len / 64], vec![0; len / 64]);
                        // SAFETY: the CPU has AVX2, as just checked.
                        unsafe { classify_avx2(delimiter, &bytes[..whole], &mut d, &mut s) };
                        assert_eq!(d, want.0[..len / 64]);
                        assert_eq!(s, want.1[..len / 64]);
                    }
                }
            }
        }
    }

    #[test]
    fn every_delimiter_position_in_a_block_splits() {
        for len in 0..140 {
            let mut text = vec![b'x'; len];
            text.extend_from_slice(b";y;");
            text.extend(std::iter::repeat_n(b'z', 140 - len));
            text.extend_from_slice(b"\nnext");
            let mut plain = PlainRecords::new(&text[..], b';');
            let mut records: Vec<Vec<Vec<u8>>> = Vec::new();
            let flow = plain.for_each(|fields| {
                records.push(fields.iter().map(<[u8]>::to_vec).collect());
                ControlFlow::<()>::Continue(())
            });
            assert_eq!(flow.unwrap(), ControlFlow::Continue(()));
            let (x, z) = (vec![b'x'; len], vec![b'z'; 140 - len]);
            assert_eq!(records, [vec![x, b"y".to_vec(), z], vec![b"next".to_vec()]]);
        }
    }
}
