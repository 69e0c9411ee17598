//! Output written by several threads at once. Each chunk's bytes go to their own offset in the
//! file with positional writes (`pwrite`), so the kernel's copy into the page cache (on this
//! machine as costly as classifying the rows) runs on every core instead of one. Offsets are
//! handed out in input order, so the file's content is the same as a sequential write; a
//! bounded queue keeps memory bounded when the device is slower than the classifier.

use super::chunk;
use super::pipeline::Lease;
use std::fs::File;
use std::io;
use std::sync::mpsc::{sync_channel, Receiver, SyncSender};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;

type Job = (u64, Vec<u8>, Lease);

/// Writes chunks at increasing offsets of one file from `threads` threads.
pub struct PositionalWriter {
    jobs: Option<SyncSender<Job>>,
    workers: Vec<JoinHandle<io::Result<()>>>,
    next: u64,
}

impl PositionalWriter {
    /// Starts `threads` writers on `file`, the first chunk going at byte `start`.
    pub fn new(file: &File, start: u64, threads: usize) -> io::Result<PositionalWriter> {
        let threads = threads.max(1);
        let (tx, rx) = sync_channel::<Job>(threads);
        let rx = Arc::new(Mutex::new(rx));
        let mut workers = Vec::with_capacity(threads);
        for i in 0..threads {
            let file = file.try_clone()?;
            let rx = Arc::clone(&rx);
            workers.push(
                std::thread::Builder::new()
                    .name(format!("reclassify-write-{i}"))
                    .spawn(move || write_jobs(&file, &rx))?,
            );
        }
        Ok(PositionalWriter {
            jobs: Some(tx),
            workers,
            next: start,
        })
    }

    /// Queues `bytes` right after the previous chunk. Blocks while every writer is busy and
    /// the queue is full.
    pub fn write(&mut self, bytes: Vec<u8>, lease: Lease) -> io::Result<()> {
        let at = self.next;
        self.next += bytes.len() as u64;
        let sent = self.jobs.as_ref().map(|tx| tx.send((at, bytes, lease)));
        match sent {
            Some(Ok(())) => Ok(()),
            // Every writer stopped: one of them failed; `finish` reports why.
            _ => Err(self
                .stop()
                .err()
                .unwrap_or_else(|| io::Error::other("the output writers stopped"))),
        }
    }

    /// Waits for every queued chunk to be written; the first write error, if any.
    pub fn finish(mut self) -> io::Result<u64> {
        self.stop()?;
        Ok(self.next)
    }

    fn stop(&mut self) -> io::Result<()> {
        self.jobs = None;
        let mut first = Ok(());
        for w in self.workers.drain(..) {
            let r = w
                .join()
                .unwrap_or_else(|_| Err(io::Error::other("an output writer panicked")));
            if first.is_ok() {
                first = r;
            }
        }
        first
    }
}

impl Drop for PositionalWriter {
    fn drop(&mut self) {
        let _ = self.stop();
    }
}

fn write_jobs(file: &File, jobs: &Mutex<Receiver<Job>>) -> io::Result<()> {
    loop {
        let job = match jobs.lock() {
            Ok(rx) => rx.recv(),
            Err(_) => return Err(io::Error::other("an output writer panicked")),
        };
        let Ok((at, bytes, lease)) = job else {
            return Ok(());
        };
        write_at(file, &bytes, at)?;
        chunk::recycle(bytes);
        drop(lease);
    }
}

#[cfg(unix)]
fn write_at(file: &File, bytes: &[u8], at: u64) -> io::Result<()> {
    use std::os::unix::fs::FileExt;
    file.write_all_at(bytes, at)
}

#[cfg(windows)]
fn write_at(file: &File, mut bytes: &[u8], mut at: u64) -> io::Result<()> {
    use std::os::windows::fs::FileExt;
    while !bytes.is_empty() {
        let n = file.seek_write(bytes, at)?;
        if n == 0 {
            return Err(io::ErrorKind::WriteZero.into());
        }
        bytes = &bytes[n..];
        at += n as u64;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::{Lease, PositionalWriter};

    #[test]
    fn chunks_land_in_order_whatever_thread_writes_them() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out");
        let file = std::fs::File::create(&path).unwrap();
        let mut expected = b"header\n".to_vec();
        std::fs::write(&path, &expected).unwrap();
        let mut w = PositionalWriter::new(&file, expected.len() as u64, 3).unwrap();
        for i in 0..500u32 {
            let chunk: Vec<u8> = format!("{i}:{}\n", "x".repeat((i % 97) as usize)).into_bytes();
            expected.extend_from_slice(&chunk);
            w.write(chunk, Lease::default()).unwrap();
        }
        assert_eq!(w.finish().unwrap(), expected.len() as u64);
        assert_eq!(std::fs::read(&path).unwrap(), expected);
    }

    #[test]
    fn a_write_error_is_reported() {
        // A read-only handle: every positional write fails.
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("ro");
        std::fs::write(&path, b"").unwrap();
        let file = std::fs::File::open(&path).unwrap();
        let mut w = PositionalWriter::new(&file, 0, 2).unwrap();
        let mut failed = false;
        for _ in 0..10 {
            if w.write(vec![b'a'; 10], Lease::default()).is_err() {
                failed = true;
                break;
            }
        }
        assert!(failed || w.finish().is_err());
    }
}
