//! A connected client as seen by pages and sessions: where to send its frames. Hosts are
//! never dropped a frame (they pace themselves by waiting for replies); a browser whose
//! socket stops taking frames is, once too many are waiting, marked for a fresh full state
//! instead of growing without bound.

use super::outbox::{Outbox, Pushed};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use tokio::sync::mpsc;

pub use super::wsframe::Frame;

/// Frames a browser may have waiting before it is resynchronised with a full state.
const BROWSER_QUEUE: usize = 4096;

/// Where a connection's frames go: its socket, or (the server's own direct pipes) a queue.
#[derive(Clone)]
pub enum Out {
    Socket(Arc<Outbox>),
    Queue(mpsc::UnboundedSender<Frame>),
}

impl Out {
    /// Sends a frame with no limit (what the connection itself sends: replies, errors).
    pub fn send(&self, frame: &Frame) {
        match self {
            Out::Socket(out) => out.send(frame),
            Out::Queue(tx) => {
                let _ = tx.send(frame.clone());
            }
        }
    }
}

#[derive(Clone)]
pub struct Peer {
    pub conn_id: u64,
    out: Out,
    /// Browsers only: set when frames were dropped and a full state is due.
    behind: Option<Arc<AtomicBool>>,
}

impl Peer {
    pub fn host(conn_id: u64, out: Out) -> Peer {
        Peer {
            conn_id,
            out,
            behind: None,
        }
    }

    pub fn browser(conn_id: u64, out: Out, behind: Arc<AtomicBool>) -> Peer {
        Peer {
            conn_id,
            out,
            behind: Some(behind),
        }
    }

    /// Queues a frame; returns the socket to flush when it was queued first.
    fn push(&self, frame: &Frame) -> Option<&Arc<Outbox>> {
        let out = match &self.out {
            Out::Queue(_) => {
                self.out.send(frame);
                return None;
            }
            Out::Socket(out) => out,
        };
        let limit = match &self.behind {
            // A full state is coming; it will include this change.
            Some(behind) if behind.load(Ordering::Acquire) => return None,
            Some(_) => Some(BROWSER_QUEUE),
            None => None,
        };
        match out.push(frame, limit) {
            Pushed::First => Some(out),
            Pushed::Full => {
                if let Some(behind) = &self.behind {
                    behind.store(true, Ordering::Release);
                }
                out.wake.notify_one();
                None
            }
            Pushed::Behind | Pushed::Closed => None,
        }
    }

    /// Sends a frame now (written before this returns, as far as the socket takes it).
    pub fn send(&self, frame: &Frame) {
        if let Some(out) = self.push(frame) {
            out.flush();
        }
    }

    pub fn send_str(&self, frame: String) {
        self.send(&Frame::from(frame));
    }
}

/// Sends one frame to many peers. It is queued to each in the caller's order (callers
/// hold the session's lock, so every browser sees the log's order); the writes of a large
/// fan-out are shared out to the fan-out threads, one part per core, and each part's
/// sends go to the kernel in one batch (`Outbox::flush_many`).
pub fn fan_out<'a>(peers: impl IntoIterator<Item = &'a Peer>, frame: &Frame) {
    let peers = peers.into_iter();
    let threads = match fan_threads() {
        // A session's one host, a few browsers: sent here, nothing collected.
        Some(t) if peers.size_hint().1.is_none_or(|n| n > FAN_INLINE) => t,
        _ => return peers.for_each(|p| p.send(frame)),
    };
    let peers: Vec<&Peer> = peers.collect();
    // One part per core. Each part is handed to its thread as soon as it is queued, so
    // the writes begin while the rest is queued; this thread, already running, writes the
    // last part itself.
    let part = peers.len().div_ceil(threads.len() + 1).max(1);
    let mut parts = peers.chunks(part);
    for t in threads {
        let Some(chunk) = parts.next() else { break };
        let outs = queue(chunk, frame);
        if let Err(e) = t.send(outs) {
            // The thread is gone (it cannot panic on its own): write here.
            Outbox::flush_many(&e.0);
        }
    }
    for chunk in parts {
        Outbox::flush_many(&queue(chunk, frame));
    }
}

/// Queues the frame to each peer; the sockets it was queued first to, to be flushed.
fn queue(peers: &[&Peer], frame: &Frame) -> Vec<Arc<Outbox>> {
    peers
        .iter()
        .filter_map(|p| p.push(frame).cloned())
        .collect()
}

/// Sockets a fan-out writes on the caller's thread: waking another thread costs about as
/// much as this many writes.
const FAN_INLINE: usize = 16;

type FanThread = std::sync::mpsc::Sender<Vec<Arc<Outbox>>>;

/// Plain threads, one per core but the caller's, that only write sockets: a fan-out to
/// hundreds of browsers is one wake-up per core instead of a task per browser. (Tasks spawned on the runtime
/// were no substitute: tokio runs the newest one on the spawning worker, after it, and the
/// other worker had to steal the rest.) None when no thread could be started.
fn fan_threads() -> Option<&'static [FanThread]> {
    static THREADS: std::sync::OnceLock<Vec<FanThread>> = std::sync::OnceLock::new();
    let threads = THREADS.get_or_init(|| {
        let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
        (1..cores)
            .filter_map(|i| {
                let (tx, rx) = std::sync::mpsc::channel::<Vec<Arc<Outbox>>>();
                std::thread::Builder::new()
                    .name(format!("pglet-fan-{i}"))
                    .spawn(move || {
                        for outs in rx {
                            Outbox::flush_many(&outs);
                        }
                    })
                    .map_err(|e| tracing::warn!("fan-out thread: {e}"))
                    .ok()
                    .map(|_| tx)
            })
            .collect()
    });
    (!threads.is_empty()).then_some(threads.as_slice())
}
