//! Streaming in chunks: one thread reads chunks of whole records, a rayon pool classifies them,
//! the calling thread hands the results to the sink in input order. At most `in_flight` chunks
//! exist at once, so memory is bounded by the chunk size, whatever the input size. With one
//! thread, everything runs in turn on the calling thread.

use super::chunk::{self, ChunkOut};
use super::split::{whole_records, Syntax};
use std::collections::BTreeMap;
use std::io::Read;
use std::sync::{mpsc, Arc};

/// How the input is cut and how many chunks may be in flight.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Bytes read per chunk (whole records are kept together).
    pub chunk_bytes: usize,
    /// A record longer than this is an error (an unclosed quote would otherwise swallow the
    /// whole input into memory).
    pub max_record_bytes: usize,
    /// Classifying threads.
    pub threads: usize,
}

enum Msg {
    Chunk(u64, ChunkOut),
    Done(u64),
    Failed(String),
}

/// Runs the pipeline: `input` (after the bytes already read, `carry`), cut by `syntax`, each
/// chunk through `work`, each result in order to `sink`. `offset` is where `carry` starts in the
/// input, for error messages.
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
    S: FnMut(ChunkOut) -> Result<(), String>,
{
    let mut chunker = Chunker {
        input,
        buf: carry,
        offset,
        eof: false,
        syntax,
        limits,
    };
    if limits.threads <= 1 {
        // One thread means one: read, classify and write in turn on the calling thread.
        while let Some(chunk) = chunker.next()? {
            let out = work(&chunk);
            chunk::recycle(chunk);
            sink(out)?;
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
                let chunk = match chunker.next() {
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
                    let out = work(&chunk);
                    chunk::recycle(chunk);
                    let _ = chunk_tx.send(Msg::Chunk(this, out));
                });
                seq += 1;
            }
        });

        let mut pending: BTreeMap<u64, ChunkOut> = BTreeMap::new();
        let mut next = 0u64;
        let mut total = None;
        while total != Some(next) {
            match rx.recv() {
                Ok(Msg::Chunk(seq, out)) => {
                    pending.insert(seq, out);
                    while let Some(out) = pending.remove(&next) {
                        next += 1;
                        sink(out)?;
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
}

impl<R: Read> Chunker<R> {
    /// The next chunk of whole records, `None` at the end of the input.
    fn next(&mut self) -> Result<Option<Vec<u8>>, String> {
        // Fill up to a chunk (more when one record is longer than a chunk).
        let mut want = self.limits.chunk_bytes;
        let cut = loop {
            if !self.eof && self.buf.len() < want {
                let need = (want - self.buf.len()) as u64;
                match self.input.by_ref().take(need).read_to_end(&mut self.buf) {
                    Ok(0) => self.eof = true,
                    Ok(_) => continue,
                    Err(e) => {
                        return Err(format!(
                            "read error at byte {}: {e}",
                            self.offset + self.buf.len() as u64
                        ))
                    }
                }
            }
            if self.eof {
                break self.buf.len();
            }
            let cut = whole_records(&self.buf, self.syntax);
            if cut > 0 {
                break cut;
            }
            if self.buf.len() >= self.limits.max_record_bytes {
                return Err(format!(
                    "a record starting at byte {} is longer than {} bytes (an unclosed quote?)",
                    self.offset, self.limits.max_record_bytes
                ));
            }
            want = self.buf.len() * 2;
        };
        if cut == 0 {
            return Ok(None);
        }
        let mut rest = chunk::buffer(self.limits.chunk_bytes.max(self.buf.len() - cut));
        rest.extend_from_slice(&self.buf[cut..]);
        self.buf.truncate(cut);
        self.offset += cut as u64;
        Ok(Some(std::mem::replace(&mut self.buf, rest)))
    }
}
