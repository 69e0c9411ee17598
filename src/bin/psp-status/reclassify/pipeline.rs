//! Streaming in chunks: one thread reads chunks of whole records, a rayon pool classifies them,
//! the calling thread writes the results in input order. At most `in_flight` chunks exist at
//! once, so memory is bounded by the chunk size, whatever the input size.

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
    mut input: R,
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
            let mut buf = carry;
            let mut seq = 0u64;
            let mut offset = offset;
            let mut eof = false;
            loop {
                // Fill up to a chunk (more when one record is longer than a chunk).
                let mut want = limits.chunk_bytes;
                let cut = loop {
                    if !eof && buf.len() < want {
                        let need = (want - buf.len()) as u64;
                        match input.by_ref().take(need).read_to_end(&mut buf) {
                            Ok(0) => eof = true,
                            Ok(_) => continue,
                            Err(e) => {
                                let _ = tx.send(Msg::Failed(format!(
                                    "read error at byte {}: {e}",
                                    offset + buf.len() as u64
                                )));
                                return;
                            }
                        }
                    }
                    if eof {
                        break buf.len();
                    }
                    let cut = whole_records(&buf, syntax);
                    if cut > 0 {
                        break cut;
                    }
                    if buf.len() >= limits.max_record_bytes {
                        let _ = tx.send(Msg::Failed(format!(
                            "a record starting at byte {offset} is longer than {} bytes (an unclosed quote?)",
                            limits.max_record_bytes
                        )));
                        return;
                    }
                    want = buf.len() * 2;
                };
                if cut == 0 {
                    let _ = tx.send(Msg::Done(seq));
                    return;
                }
                let mut rest = chunk::buffer(limits.chunk_bytes.max(buf.len() - cut));
                rest.extend_from_slice(&buf[cut..]);
                buf.truncate(cut);
                let chunk = std::mem::replace(&mut buf, rest);
                offset += cut as u64;
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
                if eof && buf.is_empty() {
                    let _ = tx.send(Msg::Done(seq));
                    return;
                }
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
