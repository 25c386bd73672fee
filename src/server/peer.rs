//! A connected WebSocket as seen by pages and sessions: where to send its frames.
//! Hosts get an unbounded queue (their replies must never be dropped, and they pace
//! themselves by waiting for replies); browsers get a bounded one, and one that falls behind
//! is marked for a fresh full state instead of growing without bound.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use tokio::sync::mpsc;

pub type Frame = Arc<str>;

/// Frames a browser may have queued before it is resynchronised with a full state.
pub const BROWSER_QUEUE: usize = 4096;

#[derive(Clone)]
pub struct Peer {
    pub conn_id: u64,
    tx: Tx,
}

#[derive(Clone)]
enum Tx {
    Host(mpsc::UnboundedSender<Frame>),
    Browser(mpsc::Sender<Frame>, Arc<AtomicBool>),
}

impl Peer {
    pub fn host(conn_id: u64, tx: mpsc::UnboundedSender<Frame>) -> Peer {
        Peer {
            conn_id,
            tx: Tx::Host(tx),
        }
    }

    pub fn browser(conn_id: u64, tx: mpsc::Sender<Frame>, behind: Arc<AtomicBool>) -> Peer {
        Peer {
            conn_id,
            tx: Tx::Browser(tx, behind),
        }
    }

    /// Queues a frame; never blocks.
    pub fn send(&self, frame: &Frame) {
        match &self.tx {
            Tx::Host(tx) => {
                let _ = tx.send(frame.clone());
            }
            Tx::Browser(tx, behind) => {
                if behind.load(Ordering::Acquire) {
                    return; // a full state is coming; it will include this change
                }
                if let Err(mpsc::error::TrySendError::Full(_)) = tx.try_send(frame.clone()) {
                    // The writer checks this flag after every frame it takes off the queue.
                    behind.store(true, Ordering::Release);
                }
            }
        }
    }

    pub fn send_str(&self, frame: String) {
        self.send(&Frame::from(frame));
    }
}
