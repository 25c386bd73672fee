//! A WebSocket connection's outbound side. Frames are written to the socket by whichever
//! thread produced them (a broadcast writes to many sockets from both cores, with no task
//! woken per browser); what the socket cannot take yet waits here in order, and the
//! connection's writer task sends it once the socket is writable again.

use super::wsframe::Frame;
use parking_lot::Mutex;
use std::collections::VecDeque;
use std::io::ErrorKind;
use std::os::fd::AsRawFd;
use std::sync::Arc;
use tokio::net::TcpStream;
use tokio::sync::Notify;

pub struct Outbox {
    stream: Arc<TcpStream>,
    q: Mutex<Queue>,
    /// Wakes the writer task: the socket stopped taking bytes, or a browser fell behind.
    pub wake: Notify,
}

struct Queue {
    frames: VecDeque<Frame>,
    /// Bytes of the front frame already written.
    sent: usize,
    closed: bool,
}

/// What `push` did with a frame.
#[derive(Debug, PartialEq)]
pub enum Pushed {
    /// Queued first: somebody must call `flush`.
    First,
    /// Queued behind others: whoever writes those writes it too.
    Behind,
    /// The queue holds `limit` frames already; the frame was not queued.
    Full,
    Closed,
}

/// What `flush` left.
#[derive(Debug, PartialEq)]
pub enum Flushed {
    Empty,
    /// The socket takes no more for now; the writer task was woken to wait for it.
    Blocked,
    Closed,
}

impl Outbox {
    pub fn new(stream: Arc<TcpStream>) -> Outbox {
        Outbox {
            stream,
            q: Mutex::new(Queue {
                frames: VecDeque::new(),
                sent: 0,
                closed: false,
            }),
            wake: Notify::new(),
        }
    }

    pub fn push(&self, frame: &Frame, limit: Option<usize>) -> Pushed {
        let mut q = self.q.lock();
        if q.closed {
            return Pushed::Closed;
        }
        if limit.is_some_and(|l| q.frames.len() >= l) {
            return Pushed::Full;
        }
        q.frames.push_back(frame.clone());
        if q.frames.len() == 1 {
            Pushed::First
        } else {
            Pushed::Behind
        }
    }

    /// Queues a frame and writes what the socket takes now.
    pub fn send(&self, frame: &Frame) {
        if self.push(frame, None) == Pushed::First {
            self.flush();
        }
    }

    /// Writes queued frames until the queue is empty or the socket would block. Frames
    /// go out whole and in order: every write happens under the queue's lock.
    pub fn flush(&self) -> Flushed {
        self.flush_locked(self.q.lock())
    }

    /// `flush` for many sockets at once: each one's first write goes out in one batch
    /// (io_uring, see `uring`), and whatever a socket did not take, or what is queued
    /// behind, is then finished as `flush` would. Every queue stays locked until its write
    /// is done, so frames still go out whole and in order.
    pub fn flush_many(outs: &[Arc<Outbox>]) {
        // Locked in address order: two threads holding many queues at once (fan-outs of
        // sessions that share a connection, or of one session as its browsers change)
        // then never wait for each other in a circle.
        let mut outs: Vec<&Arc<Outbox>> = outs.iter().collect();
        outs.sort_unstable_by_key(|o| Arc::as_ptr(o) as usize);
        // Only queues with something to write (a writer task may have emptied one since).
        let locked: Vec<_> = outs
            .into_iter()
            .map(|o| (o, o.q.lock()))
            .filter(|(_, q)| !q.frames.is_empty())
            .collect();
        let mut results = Vec::with_capacity(locked.len());
        {
            let jobs: Vec<super::uring::Job> = locked
                .iter()
                .map_while(|(o, q)| {
                    let front = q.frames.front()?;
                    Some((o.stream.as_raw_fd(), front.wire().get(q.sent..)?))
                })
                .collect();
            let sent = super::uring::send_all(&jobs, &mut results);
            results.truncate(sent);
        }
        // Those io_uring did not send (none where it is unavailable) are written plainly.
        let mut results = results.into_iter();
        for (o, mut q) in locked {
            if let Some(r) = results.next() {
                if o.advance(&mut q, r).is_some() {
                    continue;
                }
            }
            o.flush_locked(q);
        }
    }

    /// Takes one write's result into the queue; `Some` when the queue is done for now
    /// (blocked or closed), `None` when writing may go on.
    fn advance(&self, q: &mut Queue, r: std::io::Result<usize>) -> Option<Flushed> {
        match r {
            Ok(n) => {
                let len = q.frames.front().map_or(0, |f| f.wire().len());
                if q.sent + n >= len {
                    q.frames.pop_front();
                    q.sent = 0;
                } else {
                    q.sent += n;
                }
                None
            }
            Err(e) if e.kind() == ErrorKind::WouldBlock => {
                self.wake.notify_one();
                Some(Flushed::Blocked)
            }
            Err(e) if e.kind() == ErrorKind::Interrupted => None,
            Err(e) => {
                tracing::debug!("websocket write: {e}");
                q.closed = true;
                q.frames.clear();
                Some(Flushed::Closed)
            }
        }
    }

    fn flush_locked(&self, mut q: parking_lot::MutexGuard<'_, Queue>) -> Flushed {
        loop {
            let Some(front) = q.frames.front() else {
                return Flushed::Empty;
            };
            let r = self.stream.try_write(&front.wire()[q.sent..]);
            if let Some(done) = self.advance(&mut q, r) {
                return done;
            }
        }
    }

    /// Drops queued frames not begun yet (a full state replaces them); a frame partly on
    /// the wire is finished first.
    pub fn discard_unsent(&self) {
        let mut q = self.q.lock();
        let keep = usize::from(q.sent > 0);
        q.frames.truncate(keep);
    }

    /// Waits until the socket takes bytes again; false when it failed.
    pub async fn writable(&self) -> bool {
        self.stream.writable().await.is_ok()
    }

    /// Writes until the queue is empty, waiting for the socket when it is full.
    pub async fn drain(&self) -> Flushed {
        loop {
            match self.flush() {
                Flushed::Blocked => {
                    if !self.writable().await {
                        return Flushed::Closed;
                    }
                }
                done => return done,
            }
        }
    }

    /// Nothing more is queued or written.
    pub fn close(&self) {
        let mut q = self.q.lock();
        q.closed = true;
        q.frames.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::io::AsyncReadExt;

    async fn pair() -> (Outbox, TcpStream) {
        let l = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let client = TcpStream::connect(l.local_addr().unwrap()).await.unwrap();
        let (server, _) = l.accept().await.unwrap();
        (Outbox::new(Arc::new(server)), client)
    }

    /// `n` outboxes, shared as a fan-out holds them, and the client end of each.
    async fn pairs(n: usize) -> (Vec<Arc<Outbox>>, Vec<TcpStream>) {
        let (mut outs, mut clients) = (Vec::new(), Vec::new());
        for _ in 0..n {
            let (o, c) = pair().await;
            outs.push(Arc::new(o));
            clients.push(c);
        }
        (outs, clients)
    }

    #[tokio::test]
    async fn frames_queued_on_a_full_socket_arrive_whole_and_in_order() {
        let (out, mut client) = pair().await;
        // Enough to fill the socket buffers several times over before anyone reads.
        let frames: Vec<Frame> = (0..200)
            .map(|i| Frame::text(&format!("{i:05}{}", "x".repeat(20_000))))
            .collect();
        let mut blocked = false;
        for f in &frames {
            if out.push(f, None) == Pushed::First {
                blocked |= out.flush() == Flushed::Blocked;
            }
        }
        assert!(blocked, "the socket never filled up");
        let expected: Vec<u8> = frames.iter().flat_map(|f| f.wire().to_vec()).collect();
        let reader = tokio::spawn(async move {
            let mut got = vec![0u8; expected.len()];
            client.read_exact(&mut got).await.map(|_| got == expected)
        });
        assert_eq!(out.drain().await, Flushed::Empty);
        assert!(reader.await.unwrap().unwrap(), "bytes differ");
    }

    #[tokio::test]
    async fn many_sockets_flushed_together_get_every_frame_whole_and_in_order() {
        let (outs, clients) = pairs(40).await;
        // A first frame larger than a socket takes at once, so the batched write is
        // partial and the rest must follow it, then a small one behind.
        let frames: Vec<Vec<Frame>> = (0..40)
            .map(|i| {
                vec![
                    Frame::text(&format!("{i:03}{}", "z".repeat(3 << 20))),
                    Frame::text(&format!("tail {i}")),
                ]
            })
            .collect();
        for (o, fs) in outs.iter().zip(&frames) {
            for f in fs {
                o.push(f, None);
            }
        }
        Outbox::flush_many(&outs);
        let mut readers = Vec::new();
        for (mut c, fs) in clients.into_iter().zip(&frames) {
            let expected: Vec<u8> = fs.iter().flat_map(|f| f.wire().to_vec()).collect();
            readers.push(tokio::spawn(async move {
                let mut got = vec![0u8; expected.len()];
                c.read_exact(&mut got).await.map(|_| got == expected)
            }));
        }
        for o in &outs {
            assert_eq!(o.drain().await, Flushed::Empty);
        }
        for r in readers {
            assert!(r.await.unwrap().unwrap(), "bytes differ");
        }
    }

    #[tokio::test]
    async fn threads_flushing_overlapping_sets_in_opposite_orders_never_deadlock() {
        let (outs, clients) = pairs(64).await;
        let (tx, rx) = std::sync::mpsc::channel();
        for reverse in [false, true] {
            let mut mine = outs.clone();
            if reverse {
                mine.reverse();
            }
            let tx = tx.clone();
            std::thread::spawn(move || {
                let f = Frame::text("tick");
                for _ in 0..3000 {
                    for o in &mine {
                        o.push(&f, Some(64));
                    }
                    Outbox::flush_many(&mine);
                }
                let _ = tx.send(());
            });
        }
        for _ in 0..2 {
            rx.recv_timeout(std::time::Duration::from_secs(20))
                .expect("two fan-outs waited for each other's queues");
        }
        drop(clients);
    }

    #[tokio::test]
    async fn a_limit_refuses_frames_and_discarding_keeps_a_partly_written_one() {
        let (out, _client) = pair().await;
        let big = Frame::text(&"y".repeat(4 << 20));
        assert_eq!(out.push(&big, Some(2)), Pushed::First);
        assert_eq!(out.flush(), Flushed::Blocked);
        assert_eq!(out.push(&Frame::text("a"), Some(2)), Pushed::Behind);
        assert_eq!(out.push(&Frame::text("b"), Some(2)), Pushed::Full);
        out.discard_unsent();
        assert_eq!(
            out.q.lock().frames.len(),
            1,
            "the partly written frame stays"
        );
        out.close();
        assert_eq!(out.push(&Frame::text("c"), None), Pushed::Closed);
    }
}
