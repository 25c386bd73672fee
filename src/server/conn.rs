//! One WebSocket connection's context: its address, where its frames go and what it has
//! registered as (host of some pages, browser of one session).

use super::peer::{Frame, Out, Peer};
use super::session::Session;
use super::state::Page;
use parking_lot::Mutex;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use tokio::sync::mpsc;

pub struct Conn {
    pub id: u64,
    pub ip: String,
    pub loopback: bool,
    /// Strict durability: replies wait for their writes, in order, on a separate queue.
    strict: bool,
    out: Out,
    pub behind: Arc<AtomicBool>,
    replies: mpsc::UnboundedSender<(Option<u64>, Frame)>,
    /// The newest write ticket of this connection's commands, replied to or not (`setf`):
    /// in strict mode no later reply may overtake it.
    last_write: AtomicU64,
    /// Pages this connection registered to as a host.
    pub hosted: Mutex<Vec<String>>,
    /// The session this connection views as a browser.
    pub browsing: Mutex<Option<(Arc<Page>, Arc<Session>)>>,
}

/// Replies waiting for durability (strict mode), for the task that sends them in order.
pub type Replies = mpsc::UnboundedReceiver<(Option<u64>, Frame)>;

impl Conn {
    pub fn new(
        id: u64,
        ip: String,
        loopback: bool,
        strict: bool,
        out: Out,
    ) -> (Arc<Conn>, Replies) {
        let (replies, replies_rx) = mpsc::unbounded_channel();
        let conn = Arc::new(Conn {
            id,
            ip,
            loopback,
            strict,
            out,
            behind: Arc::new(AtomicBool::new(false)),
            replies,
            last_write: AtomicU64::new(0),
            hosted: Mutex::new(Vec::new()),
            browsing: Mutex::new(None),
        });
        (conn, replies_rx)
    }

    pub fn host_peer(&self) -> Peer {
        Peer::host(self.id, self.out.clone())
    }

    pub fn web_peer(&self) -> Peer {
        Peer::browser(self.id, self.out.clone(), self.behind.clone())
    }

    /// Sends a frame now.
    pub fn send(&self, frame: String) {
        self.send_frame(&frame.into());
    }

    pub fn send_frame(&self, frame: &Frame) {
        self.out.send(frame);
    }

    /// Records a write of this connection's (also of a command that gets no reply).
    pub fn wrote(&self, ticket: Option<u64>) {
        if let Some(t) = ticket {
            self.last_write.fetch_max(t, Ordering::AcqRel);
        }
    }

    /// Sends a reply once the write with `ticket` and every earlier write of this
    /// connection are durable, keeping the order of replies.
    pub fn reply_after(&self, ticket: Option<u64>, frame: String) {
        // In batched mode nothing waits, so replies take the direct path; in strict mode
        // every reply (even one that wrote nothing) queues behind earlier writes: a `get`
        // after a run of `setf`s is answered only once those are on disk.
        if self.strict {
            self.wrote(ticket);
            let t = self.last_write.load(Ordering::Acquire);
            let _ = self.replies.send(((t > 0).then_some(t), frame.into()));
        } else {
            self.send(frame);
        }
    }

    pub fn is_host_of(&self, page: &str) -> bool {
        self.hosted.lock().iter().any(|p| p == page)
    }
}
