//! Streaming in chunks: one thread reads chunks of whole records, a rayon pool classifies them,
//! the calling thread hands the results to the sink in input order. With one thread,
//! everything runs in turn on the calling thread.
//!
//! Memory is bounded by `Limits::memory_bytes` whatever the record sizes and the thread count:
//! the reader reserves the bytes it buffers and, before a chunk goes to a worker, what working
//! on it takes (`Limits::cost_factor` × its size: the chunk, its decoded cells, its output);
//! a reservation is released when the chunk's output has been written. A record longer than
//! `Limits::max_record_bytes` (a quarter of the bound) is not buffered: it is rejected with
//! its row and line, and reading resumes on the line after its first one.

use super::chunk::{self, ChunkOut};
use super::rejects::Rejects;
use psp_status::readers::{self, csv, jsonl};
use std::collections::BTreeMap;
use std::io::Read;
use std::sync::{mpsc, Arc, Condvar, Mutex};

/// Which record syntax to cut.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Syntax {
    /// RFC 4180 CSV with this delimiter and `"` quotes.
    Csv(u8),
    /// One record per line.
    Lines,
}

/// How the input is cut, and the memory it may take.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Bytes read per chunk (whole records are kept together).
    pub chunk_bytes: usize,
    /// A record longer than this is rejected, not buffered.
    pub max_record_bytes: usize,
    /// Classifying threads.
    pub threads: usize,
    /// The bound on the bytes buffered and worked on at once.
    pub memory_bytes: usize,
    /// Bytes of memory a chunk takes while it is worked on, per byte of input.
    pub cost_factor: usize,
}

/// Bytes of memory that may still be reserved; waits when there are not enough.
pub struct Budget {
    free: Mutex<usize>,
    freed: Condvar,
    capacity: usize,
}

impl Budget {
    fn new(capacity: usize) -> Arc<Budget> {
        Arc::new(Budget {
            free: Mutex::new(capacity),
            freed: Condvar::new(),
            capacity,
        })
    }

    /// Reserves `n` bytes, waiting for releases as needed. The caller already holds `held`
    /// bytes: it gets at most the rest of the budget, so it never waits for itself.
    fn reserve(self: &Arc<Self>, n: usize, held: usize) -> Lease {
        let n = n.min(self.capacity.saturating_sub(held));
        let mut free = self.free.lock().unwrap_or_else(|e| e.into_inner());
        while *free < n {
            free = self.freed.wait(free).unwrap_or_else(|e| e.into_inner());
        }
        *free -= n;
        Lease {
            budget: Some(Arc::clone(self)),
            bytes: n,
        }
    }
}

/// Reserved bytes, released on drop.
#[derive(Default)]
pub struct Lease {
    budget: Option<Arc<Budget>>,
    bytes: usize,
}

impl Lease {
    /// Moves `n` of this lease's bytes (at most all) to a lease of their own.
    fn split_off(&mut self, n: usize) -> Lease {
        let n = n.min(self.bytes);
        self.bytes -= n;
        Lease {
            budget: self.budget.clone(),
            bytes: n,
        }
    }

    /// Adds `other`'s bytes to this lease.
    fn join(&mut self, mut other: Lease) {
        if self.budget.is_none() {
            self.budget = other.budget.take();
        } else {
            other.budget = None;
        }
        self.bytes += std::mem::take(&mut other.bytes);
    }
}

impl Drop for Lease {
    fn drop(&mut self) {
        if let Some(b) = self.budget.take() {
            let mut free = b.free.lock().unwrap_or_else(|e| e.into_inner());
            *free += self.bytes;
            b.freed.notify_all();
        }
    }
}

enum Msg {
    /// Boxed: a chunk's result is a few hundred bytes of vectors' heads, moved once.
    Chunk(u64, Box<ChunkOut>, Lease),
    Done(u64),
    Failed(String),
}

/// A piece of the input, as the chunker hands it out.
enum Piece {
    /// Whole records.
    Chunk(Vec<u8>),
    /// A record over the size limit, skipped up to the end of its first line.
    Oversize {
        head: Vec<u8>,
        lines: u64,
        bytes: u64,
    },
}

/// Runs the pipeline: `input` (after the bytes already read, `carry`), cut by `syntax`, each
/// chunk through `work`, each result in order to `sink` with its memory lease (drop it once
/// the output is written). `offset` is where `carry` starts in the input, for messages.
pub fn run<R, W, S>(
    input: R,
    carry: Vec<u8>,
    offset: u64,
    syntax: Syntax,
    limits: Limits,
    work: Arc<W>,
    mut sink: S,
) -> Result<(), String>
where
    R: Read + Send,
    W: Fn(&[u8]) -> ChunkOut + Send + Sync + ?Sized + 'static,
    S: FnMut(ChunkOut, Lease) -> Result<(), String>,
{
    let budget = Budget::new(limits.memory_bytes);
    let mut chunker = Chunker {
        input,
        buf: carry,
        offset,
        eof: false,
        syntax,
        limits,
        budget: Arc::clone(&budget),
        held: Lease::default(),
    };
    if limits.threads <= 1 {
        // One thread means one: read, classify and write in turn on the calling thread.
        while let Some((piece, lease)) = chunker.next()? {
            let out = process(piece, &*work);
            sink(out, lease)?;
        }
        return Ok(());
    }
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(limits.threads)
        .thread_name(|i| format!("reclassify-{i}"))
        .build()
        .map_err(|e| format!("cannot start worker threads: {e}"))?;
    let in_flight = limits.threads * 2 + 2;
    let (tx, rx) = mpsc::channel::<Msg>();
    let (token_tx, token_rx) = mpsc::sync_channel::<()>(in_flight);
    for _ in 0..in_flight {
        token_tx.send(()).expect("the channel has room");
    }
    std::thread::scope(|scope| {
        // Owned here so that it is dropped when the writer stops, which unblocks the reader.
        let token_tx = token_tx;
        let pool = &pool;
        scope.spawn(move || {
            let mut seq = 0u64;
            loop {
                let (piece, lease) = match chunker.next() {
                    Ok(Some(c)) => c,
                    Ok(None) => {
                        let _ = tx.send(Msg::Done(seq));
                        return;
                    }
                    Err(e) => {
                        let _ = tx.send(Msg::Failed(e));
                        return;
                    }
                };
                if token_rx.recv().is_err() {
                    return; // the writer stopped
                }
                let chunk_tx = tx.clone();
                let work = Arc::clone(&work);
                let this = seq;
                pool.spawn(move || {
                    let out = process(piece, &*work);
                    let _ = chunk_tx.send(Msg::Chunk(this, Box::new(out), lease));
                });
                seq += 1;
            }
        });

        let mut pending: BTreeMap<u64, (ChunkOut, Lease)> = BTreeMap::new();
        let mut next = 0u64;
        let mut total = None;
        while total != Some(next) {
            match rx.recv() {
                Ok(Msg::Chunk(seq, out, lease)) => {
                    pending.insert(seq, (*out, lease));
                    while let Some((out, lease)) = pending.remove(&next) {
                        next += 1;
                        sink(out, lease)?;
                        let _ = token_tx.send(());
                    }
                }
                Ok(Msg::Done(n)) => total = Some(n),
                Ok(Msg::Failed(e)) => return Err(e),
                Err(_) => return Err("the reader stopped unexpectedly".to_string()),
            }
        }
        Ok(())
    })
}

/// Bytes of a skipped record kept for the rejects file.
const HEAD_KEPT: usize = 1024;

fn process<W: Fn(&[u8]) -> ChunkOut + ?Sized>(piece: Piece, work: &W) -> ChunkOut {
    match piece {
        Piece::Chunk(c) => {
            let out = work(&c);
            chunk::recycle(c);
            out
        }
        Piece::Oversize { head, lines, bytes } => {
            let mut rejects = Rejects::default();
            rejects.push(
                0,
                0,
                "record longer than the limit (--max-record-bytes; a quote that never closes?): \
                 skipped up to the end of its first line",
                &head,
            );
            ChunkOut {
                rejects,
                rows: 1,
                lines,
                bytes,
                ..ChunkOut::default()
            }
        }
    }
}

/// Cuts the input into chunks of whole records.
struct Chunker<R> {
    input: R,
    /// Bytes read and not yet handed out.
    buf: Vec<u8>,
    /// Input offset of `buf[0]`, for error messages.
    offset: u64,
    eof: bool,
    syntax: Syntax,
    limits: Limits,
    budget: Arc<Budget>,
    /// The reservation covering `buf`.
    held: Lease,
}

impl<R: Read> Chunker<R> {
    /// Reads up to `want` bytes in `buf` in all (reserving them first).
    fn fill(&mut self, want: usize) -> Result<(), String> {
        while !self.eof && self.buf.len() < want {
            let need = want - self.buf.len();
            if self.limits.threads > 1 {
                let more = self.budget.reserve(need, self.held.bytes);
                self.held.join(more);
            }
            match self
                .input
                .by_ref()
                .take(need as u64)
                .read_to_end(&mut self.buf)
            {
                Ok(0) => self.eof = true,
                Ok(_) => {}
                Err(e) => {
                    return Err(format!(
                        "read error at byte {}: {e}",
                        self.offset + self.buf.len() as u64
                    ))
                }
            }
        }
        Ok(())
    }

    fn cut(&self) -> csv::Cut {
        match self.syntax {
            Syntax::Csv(d) => csv::whole_records(&self.buf, d, self.eof),
            Syntax::Lines => csv::Cut {
                len: jsonl::whole_lines(&self.buf, self.eof),
                open: false,
            },
        }
    }

    /// Hands out `buf[..n]`, keeping the rest for the next piece.
    fn take(&mut self, n: usize) -> (Vec<u8>, Lease) {
        let mut rest = chunk::buffer(self.limits.chunk_bytes.max(self.buf.len() - n));
        rest.extend_from_slice(&self.buf[n..]);
        self.buf.truncate(n);
        self.offset += n as u64;
        let piece = std::mem::replace(&mut self.buf, rest);
        // The piece takes its share of the reservation; working on it takes more.
        let mut lease = std::mem::take(&mut self.held);
        if self.limits.threads > 1 {
            self.held = lease.split_off(self.buf.len());
            let extra = n * self.limits.cost_factor.saturating_sub(1);
            let more = self.budget.reserve(extra, lease.bytes + self.held.bytes);
            lease.join(more);
        }
        (piece, lease)
    }

    /// The next piece of whole records, `None` at the end of the input.
    fn next(&mut self) -> Result<Option<(Piece, Lease)>, String> {
        let mut want = self.limits.chunk_bytes;
        loop {
            self.fill(want)?;
            let cut = self.cut();
            if cut.len > 0 && !(self.eof && cut.len < self.buf.len() && !cut.open) {
                let (c, lease) = self.take(cut.len);
                return Ok(Some((Piece::Chunk(c), lease)));
            }
            if self.buf.is_empty() && self.eof {
                return Ok(None);
            }
            if self.eof && !cut.open {
                // The last record, without a terminator.
                let n = self.buf.len();
                let (c, lease) = self.take(n);
                return Ok(Some((Piece::Chunk(c), lease)));
            }
            if self.eof && cut.open {
                // A quote that never closes: the reader rejects the record's first line and
                // goes on with the next.
                let (_, end) = readers::line_end(&self.buf, 0);
                let (c, lease) = self.take(end);
                return Ok(Some((Piece::Chunk(c), lease)));
            }
            if self.buf.len() >= self.limits.max_record_bytes {
                return self.skip_oversize().map(Some);
            }
            want = (self.buf.len() + (self.buf.len() / 4).max(self.limits.chunk_bytes))
                .min(self.limits.max_record_bytes);
        }
    }

    /// The record at the start of `buf` is over the limit: skip to the end of its first line
    /// (reading on without buffering if it has none yet).
    fn skip_oversize(&mut self) -> Result<(Piece, Lease), String> {
        let head = self.buf[..self.buf.len().min(HEAD_KEPT)].to_vec();
        let mut skipped = 0u64;
        loop {
            let (content_end, end) = readers::line_end(&self.buf, 0);
            // A `\r` at the end of what was read may be followed by its `\n`.
            let cr_at_end =
                end == self.buf.len() && end > content_end && self.buf[content_end] == b'\r';
            if end > content_end && (self.eof || !cr_at_end) {
                let (_, lease) = self.take(end);
                let piece = Piece::Oversize {
                    head,
                    lines: 1,
                    bytes: skipped + end as u64,
                };
                return Ok((piece, lease));
            }
            if self.eof {
                let n = self.buf.len();
                let (_, lease) = self.take(n);
                return Ok((
                    Piece::Oversize {
                        head,
                        lines: 0,
                        bytes: skipped + n as u64,
                    },
                    lease,
                ));
            }
            // No line break yet: drop what was read (but a trailing `\r`) and read on.
            let keep = usize::from(cr_at_end);
            let drop_n = self.buf.len() - keep;
            skipped += drop_n as u64;
            self.offset += drop_n as u64;
            // A new buffer: the old one's pages go back to the system.
            self.buf = self.buf[drop_n..].to_vec();
            self.held = Lease::default();
            let want = self.limits.chunk_bytes;
            self.fill(want)?;
        }
    }
}
