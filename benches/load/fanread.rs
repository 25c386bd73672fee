//! Lean browser stand-ins for the fan-out measure: plain sockets that speak just enough
//! WebSocket (an upgrade, one masked `registerWebClient` frame, unmasked frames read back)
//! and reader threads on `epoll`, each for its share of them.
//!
//! With one tokio task, one tungstenite stream and one channel message per browser, the
//! client spent about twice the server's CPU on a 500-browser update (`perf record -a`), so
//! it measured itself. Here a browser costs the kernel's read and a byte search; only the
//! arrival that completes an update wakes the measuring task.

use anyhow::{anyhow, bail, Context, Result};
use std::io::{Cursor, Read, Write};
use std::net::TcpStream;
use std::os::fd::{AsRawFd, RawFd};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Instant;
use tokio::sync::mpsc;
use tokio_tungstenite::tungstenite::protocol::frame::coding::{Data, OpCode};
use tokio_tungstenite::tungstenite::protocol::frame::{Frame, FrameHeader};

/// What the reader counts: frames that carry `needle`, until `expected` of them arrived.
struct Round {
    needle: Vec<u8>,
    expected: usize,
    seen: usize,
}

/// The reader threads and their sockets; dropping it stops the threads.
pub struct Browsers {
    readers: Vec<Reader>,
    round: Arc<Mutex<Round>>,
    stop: Arc<AtomicBool>,
    done: mpsc::UnboundedReceiver<Instant>,
    count: usize,
}

/// One reader thread: its epoll set, its wake-up eventfd and the sockets handed to it.
struct Reader {
    epoll: RawFd,
    wake: RawFd,
    pending: Arc<Mutex<Vec<Conn>>>,
    count: usize,
    thread: Option<std::thread::JoinHandle<()>>,
}

/// One browser socket and the bytes of a frame not read to its end yet.
struct Conn {
    s: TcpStream,
    buf: Vec<u8>,
}

impl Browsers {
    /// `threads` readers share the browsers round-robin (one per core: a single reader
    /// was the slowest part of a 500-browser update).
    pub fn start(threads: usize) -> Result<Browsers> {
        let round = Arc::new(Mutex::new(Round {
            needle: Vec::new(),
            expected: 0,
            seen: 0,
        }));
        let (tx, done) = mpsc::unbounded_channel();
        let stop: Arc<AtomicBool> = Arc::default();
        let mut readers = Vec::new();
        for _ in 0..threads.max(1) {
            // SAFETY: plain syscalls; every fd is checked and owned by its Reader.
            let epoll = unsafe { libc::epoll_create1(libc::EPOLL_CLOEXEC) };
            let wake = unsafe { libc::eventfd(0, libc::EFD_CLOEXEC | libc::EFD_NONBLOCK) };
            if epoll < 0 || wake < 0 {
                bail!("epoll/eventfd: {}", std::io::Error::last_os_error());
            }
            let mut r = Reader {
                epoll,
                wake,
                pending: Arc::default(),
                count: 0,
                thread: None,
            };
            add_fd(epoll, wake, u64::MAX)?;
            let (ro, p, st, tx) = (round.clone(), r.pending.clone(), stop.clone(), tx.clone());
            r.thread = Some(
                std::thread::Builder::new()
                    .name("fan-read".into())
                    .spawn(move || read_loop(epoll, wake, st, ro, p, tx))?,
            );
            readers.push(r);
        }
        Ok(Browsers {
            readers,
            round,
            stop,
            done,
            count: 0,
        })
    }

    pub fn len(&self) -> usize {
        self.count
    }

    /// Connects and registers one more browser on `page` (blocking; not timed).
    pub fn add(&mut self, port: u16, page: &str) -> Result<()> {
        let c = register(port, page)?;
        c.s.set_nonblocking(true)?;
        let fd = c.s.as_raw_fd();
        let n = self.readers.len();
        let r = &mut self.readers[self.count % n];
        let key = r.count as u64;
        r.pending.lock().map_err(|_| anyhow!("poisoned"))?.push(c);
        // The reader takes the socket from `pending` before reading it: wake it first.
        signal(r.wake)?;
        add_fd(r.epoll, fd, key)?;
        r.count += 1;
        self.count += 1;
        Ok(())
    }

    /// Arms the next round: `n` frames carrying `needle`.
    pub fn expect(&self, needle: &str, n: usize) -> Result<()> {
        let mut r = self.round.lock().map_err(|_| anyhow!("poisoned"))?;
        *r = Round {
            needle: needle.as_bytes().to_vec(),
            expected: n,
            seen: 0,
        };
        Ok(())
    }

    /// When the last of the round's frames arrived.
    pub async fn wait(&mut self) -> Result<Instant> {
        tokio::time::timeout(crate::ws::TIMEOUT, self.done.recv())
            .await
            .context("a browser missed an update")?
            .ok_or_else(|| anyhow!("the fan-out reader ended"))
    }
}

impl Drop for Browsers {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        for r in &mut self.readers {
            let _ = signal(r.wake);
            if let Some(t) = r.thread.take() {
                let _ = t.join();
            }
            // SAFETY: both fds are owned here and no longer used by the joined thread.
            unsafe {
                libc::close(r.epoll);
                libc::close(r.wake);
            }
        }
    }
}

fn add_fd(epoll: RawFd, fd: RawFd, key: u64) -> Result<()> {
    let mut ev = libc::epoll_event {
        events: libc::EPOLLIN as u32,
        u64: key,
    };
    // SAFETY: `ev` lives across the call; the kernel copies it.
    if unsafe { libc::epoll_ctl(epoll, libc::EPOLL_CTL_ADD, fd, &mut ev) } < 0 {
        bail!("epoll_ctl: {}", std::io::Error::last_os_error());
    }
    Ok(())
}

fn signal(wake: RawFd) -> Result<()> {
    let v: u64 = 1;
    // SAFETY: writes 8 bytes from a local.
    if unsafe { libc::write(wake, (&v as *const u64).cast(), 8) } != 8 {
        bail!("eventfd write: {}", std::io::Error::last_os_error());
    }
    Ok(())
}

fn read_loop(
    epoll: RawFd,
    wake: RawFd,
    stop: Arc<AtomicBool>,
    round: Arc<Mutex<Round>>,
    pending: Arc<Mutex<Vec<Conn>>>,
    done: mpsc::UnboundedSender<Instant>,
) {
    let mut conns: Vec<Conn> = Vec::new();
    let mut events = vec![libc::epoll_event { events: 0, u64: 0 }; 512];
    let mut chunk = vec![0u8; 16 * 1024];
    loop {
        // SAFETY: `events` outlives the call and its length is passed.
        let n = unsafe { libc::epoll_wait(epoll, events.as_mut_ptr(), events.len() as i32, -1) };
        if n < 0 {
            if std::io::Error::last_os_error().kind() == std::io::ErrorKind::Interrupted {
                continue;
            }
            return;
        }
        let now = Instant::now();
        for ev in &events[..n as usize] {
            let key = ev.u64;
            if key == u64::MAX {
                let mut v: u64 = 0;
                // SAFETY: reads 8 bytes into a local.
                unsafe { libc::read(wake, (&mut v as *mut u64).cast(), 8) };
                if stop.load(Ordering::SeqCst) {
                    return;
                }
                if let Ok(mut p) = pending.lock() {
                    conns.append(&mut p);
                }
                continue;
            }
            let Some(c) = conns.get_mut(key as usize) else {
                continue;
            };
            let mut got = false;
            loop {
                match c.s.read(&mut chunk) {
                    Ok(k) if k > 0 => {
                        c.buf.extend_from_slice(&chunk[..k]);
                        got = true;
                        // Less than asked for: the socket is empty. Epoll is level-
                        // triggered, so anything still there is reported again; a read
                        // only to hear EAGAIN would double this client's system calls.
                        if k < chunk.len() {
                            break;
                        }
                    }
                    Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => break,
                    _ => {
                        // Closed: level-triggered epoll would report it forever.
                        // SAFETY: removes an fd this loop registered; a null event is
                        // allowed for EPOLL_CTL_DEL.
                        unsafe {
                            libc::epoll_ctl(
                                epoll,
                                libc::EPOLL_CTL_DEL,
                                c.s.as_raw_fd(),
                                std::ptr::null_mut(),
                            )
                        };
                        break;
                    }
                }
            }
            if !got {
                continue;
            }
            if let Ok(mut r) = round.lock() {
                let r = &mut *r;
                take_frames(&mut c.buf, |f| {
                    if r.expected > 0 && contains(f, &r.needle) {
                        r.seen += 1;
                        if r.seen == r.expected {
                            let _ = done.send(now);
                        }
                    }
                });
            }
        }
    }
}

/// Hands every complete text frame's payload to `each` and drops it from `buf` (server
/// frames are unmasked).
fn take_frames(buf: &mut Vec<u8>, mut each: impl FnMut(&[u8])) {
    let mut at = 0;
    loop {
        let mut c = Cursor::new(&buf[at..]);
        let Ok(Some((header, len))) = FrameHeader::parse(&mut c) else {
            break;
        };
        let start = at + c.position() as usize;
        let Some(end) = usize::try_from(len)
            .ok()
            .and_then(|l| start.checked_add(l))
            .filter(|&e| e <= buf.len())
        else {
            break;
        };
        if header.opcode == OpCode::Data(Data::Text) {
            each(&buf[start..end]);
        }
        at = end;
    }
    buf.drain(..at);
}

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    needle.is_empty() || hay.windows(needle.len()).any(|w| w == needle)
}

/// A blocking WebSocket upgrade and `registerWebClient`; returns once the reply arrived.
fn register(port: u16, page: &str) -> Result<Conn> {
    let mut s = TcpStream::connect(("127.0.0.1", port))?;
    s.set_nodelay(true)?;
    s.set_read_timeout(Some(crate::ws::TIMEOUT))?;
    write!(
        s,
        "GET /ws HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nUpgrade: websocket\r\n\
         Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\
         Sec-WebSocket-Version: 13\r\n\r\n"
    )?;
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    let head_end = loop {
        if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break i + 4;
        }
        let k = s.read(&mut chunk)?;
        if k == 0 {
            bail!("closed during the WebSocket upgrade");
        }
        buf.extend_from_slice(&chunk[..k]);
    };
    if !buf.starts_with(b"HTTP/1.1 101") {
        bail!(
            "upgrade refused: {}",
            String::from_utf8_lossy(&buf[..head_end.min(80)])
        );
    }
    buf.drain(..head_end);
    let register = crate::ws::register_web_frame(page);
    s.write_all(&text_frame(&register, Some([0x37, 0xfa, 0x21, 0x3d]))?)?;
    loop {
        let mut registered = false;
        take_frames(&mut buf, |f| {
            registered |= contains(f, b"\"action\":\"registerWebClient\"");
        });
        if registered {
            return Ok(Conn { s, buf });
        }
        let k = s.read(&mut chunk)?;
        if k == 0 {
            bail!("closed before the registerWebClient reply");
        }
        buf.extend_from_slice(&chunk[..k]);
    }
}

/// A final text frame with `text`, masked with `mask` (clients must mask; a fixed key is
/// as valid as any) or not (a server's frame).
pub fn text_frame(text: &str, mask: Option<[u8; 4]>) -> Result<Vec<u8>> {
    let mut f = Frame::message(text.as_bytes().to_vec(), OpCode::Data(Data::Text), true);
    f.header_mut().mask = mask;
    let mut out = Vec::with_capacity(text.len() + 14);
    f.format(&mut out)?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frames_are_cut_at_their_lengths() {
        let mut b = vec![0x81, 3, b'a', b'b', b'c', 0x89, 0, 0x81, 126, 0, 200];
        b.extend(std::iter::repeat_n(b'x', 100));
        let mut out = Vec::new();
        take_frames(&mut b, &mut out);
        assert_eq!(out, vec![b"abc".to_vec()]);
        assert_eq!(b.len(), 104, "the half frame stays");
        b.extend(std::iter::repeat_n(b'y', 100));
        take_frames(&mut b, &mut out);
        assert_eq!(out.len(), 2);
        assert_eq!(out[1].len(), 200);
        assert!(b.is_empty());
        let mut b = text_frame("hello", None).unwrap();
        take_frames(&mut b, &mut out);
        assert_eq!(out[2], b"hello");
        let masked = text_frame("hello", Some([1, 2, 3, 4])).unwrap();
        assert_eq!(
            masked[1],
            0x80 | 5,
            "a masked frame says so, with its length"
        );
    }
}
