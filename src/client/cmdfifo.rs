//! The command FIFO of a pipe, read on the proxy's runtime (no thread of its own, so a
//! command reaches the WebSocket without crossing threads). One command per writer session:
//! everything written until the last writer closed.
//!
//! Two rules keep every byte where it belongs:
//! - While idle the FIFO always has our read end, and at each end of a writer session the
//!   next read end is opened before the old one is closed, so a writer arriving in between
//!   keeps its bytes (the reference lost back-to-back commands exactly there).
//! - A reply is written while we hold no read end (so only the host's reader can take it);
//!   the read end opened after it ignores the pipe's contents until a writer of the host
//!   came and went (a hang-up), since until then the contents may still be the reply.

use super::fifo::{open, read_fd, Stop};
use std::io;
use std::os::fd::{AsRawFd, OwnedFd, RawFd};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;
use tokio::io::unix::AsyncFd;
use tokio::io::Interest;
use tokio::sync::watch;

pub struct CommandFifo {
    path: PathBuf,
    fd: Option<AsyncFd<OwnedFd>>,
    after_reply: bool,
    /// Interrupts a blocking open (the rare reply whose reader is not there yet).
    stop: Arc<Stop>,
    stopped: watch::Receiver<bool>,
    chunk: Vec<u8>,
}

fn register(fd: OwnedFd, interest: Interest) -> io::Result<AsyncFd<OwnedFd>> {
    // SAFETY: the OwnedFd is open, and the AsyncFd owns it (same fd) until it is dropped.
    unsafe { AsyncFd::register_with_interest(fd, interest) }
        .map_err(|e| io::Error::other(e.to_string()))
}

/// Writes what the pipe takes now: Ok(0) when it is full (or interrupted).
fn write_some(fd: RawFd, data: &[u8]) -> io::Result<usize> {
    // SAFETY: data is valid for data.len() bytes.
    let n = unsafe { libc::write(fd, data.as_ptr().cast(), data.len()) };
    if n >= 0 {
        return Ok(n as usize);
    }
    let e = io::Error::last_os_error();
    match e.kind() {
        io::ErrorKind::WouldBlock | io::ErrorKind::Interrupted => Ok(0),
        _ => Err(e),
    }
}

/// Whether every writer of the pipe left since this read end was opened.
fn hung_up(fd: RawFd) -> bool {
    let mut p = libc::pollfd {
        fd,
        events: 0,
        revents: 0,
    };
    // SAFETY: one valid pollfd.
    unsafe { libc::poll(&mut p, 1, 0) };
    p.revents & libc::POLLHUP != 0
}

enum Got {
    Eof,
    Empty,
}

impl CommandFifo {
    pub fn new(path: &Path, stop: Arc<Stop>, stopped: watch::Receiver<bool>) -> CommandFifo {
        CommandFifo {
            path: path.to_path_buf(),
            fd: None,
            after_reply: false,
            stop,
            stopped,
            chunk: vec![0; 64 * 1024],
        }
    }

    fn fresh(&self) -> io::Result<AsyncFd<OwnedFd>> {
        register(
            open(&self.path, libc::O_RDONLY | libc::O_NONBLOCK)?,
            Interest::READABLE,
        )
    }

    async fn stopped(&mut self) {
        // An error means the pipe is gone: stopped as well.
        let _ = self.stopped.wait_for(|s| *s).await;
    }

    /// The bytes of the next writer session; `None` once stopped. Sessions that wrote
    /// nothing are skipped.
    pub async fn next(&mut self) -> io::Result<Option<Vec<u8>>> {
        let mut buf = Vec::new();
        loop {
            if self.fd.is_none() {
                self.fd = Some(self.fresh()?);
            }
            let Some(afd) = self.fd.as_ref() else {
                continue;
            };
            let raw = afd.as_raw_fd();
            // With a command half read, look again now and then even without a hang-up.
            let patience = if buf.is_empty() {
                Duration::from_secs(3600)
            } else {
                Duration::from_millis(50)
            };
            let mut guard = tokio::select! {
                g = afd.readable() => Some(g?),
                _ = tokio::time::sleep(patience) => None,
                _ = self.stopped.wait_for(|s| *s) => return Ok(None),
            };
            if self.after_reply {
                if !hung_up(raw) {
                    if let Some(g) = guard.as_mut() {
                        g.clear_ready();
                    }
                    continue;
                }
                self.after_reply = false;
            }
            let got = loop {
                match read_fd(raw, &mut self.chunk) {
                    Ok(0) => break Got::Eof,
                    Ok(n) => buf.extend_from_slice(&self.chunk[..n]),
                    Err(e) if e.kind() == io::ErrorKind::WouldBlock => break Got::Empty,
                    Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                    Err(e) => return Err(e),
                }
            };
            match got {
                Got::Eof => {
                    // The next read end first, then the old one goes: no gap for a writer.
                    let next = self.fresh()?;
                    self.fd = Some(next);
                    if !buf.is_empty() {
                        return Ok(Some(buf));
                    }
                }
                Got::Empty => {
                    if let Some(g) = guard.as_mut() {
                        g.clear_ready();
                    }
                }
            }
        }
    }

    /// Writes a reply for the host's reader and closes our write end, which ends the reply
    /// for the host. Ok(false) when stopped first.
    pub async fn reply(&mut self, text: &[u8]) -> io::Result<bool> {
        self.fd = None;
        self.after_reply = true;
        let w = match open(&self.path, libc::O_WRONLY | libc::O_NONBLOCK) {
            Ok(w) => w,
            // The host is not reading yet: wait for its reader off the runtime.
            Err(e) if e.raw_os_error() == Some(libc::ENXIO) => {
                let (p, stop) = (self.path.clone(), self.stop.clone());
                let waited =
                    tokio::task::spawn_blocking(move || stop.open_blocking(&p, libc::O_WRONLY));
                let opened = tokio::select! {
                    r = waited => r.map_err(io::Error::other)?,
                    _ = self.stopped() => return Ok(false),
                };
                match opened {
                    Some(fd) => fd?,
                    None => return Ok(false),
                }
            }
            Err(e) => return Err(e),
        };
        // SAFETY: w is open; non-blocking so a reply larger than the pipe waits on the runtime.
        unsafe { libc::fcntl(w.as_raw_fd(), libc::F_SETFL, libc::O_NONBLOCK) };
        // A reply fits the pipe almost always: write at once, and register with the runtime
        // only for the rest of a bigger one.
        let rest = match write_some(w.as_raw_fd(), text) {
            Ok(n) => &text[n..],
            Err(e) if e.raw_os_error() == Some(libc::EPIPE) => return Ok(true),
            Err(e) => return Err(e),
        };
        if rest.is_empty() {
            return Ok(true);
        }
        let w = register(w, Interest::WRITABLE)?;
        let mut rest = rest;
        while !rest.is_empty() {
            let mut guard = tokio::select! {
                g = w.writable() => g?,
                _ = self.stopped() => return Ok(false),
            };
            // A full pipe must read as WouldBlock here, so that the guard waits for room.
            let wrote = guard.try_io(|fd| match write_some(fd.as_raw_fd(), rest) {
                Ok(0) => Err(io::ErrorKind::WouldBlock.into()),
                r => r,
            });
            match wrote {
                Ok(Ok(n)) => rest = &rest[n..],
                // The host's reader left without its reply; the pipe goes on.
                Ok(Err(e)) if e.raw_os_error() == Some(libc::EPIPE) => break,
                Ok(Err(e)) => return Err(e),
                Err(_would_block) => {}
            }
        }
        Ok(true)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::client::fifo::mkfifo;
    use std::io::{Read, Write};

    fn fifo() -> (
        tempfile::TempDir,
        PathBuf,
        Arc<Stop>,
        watch::Sender<bool>,
        CommandFifo,
    ) {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("cmd");
        mkfifo(&p).unwrap();
        let stop = Stop::new().unwrap();
        let (tx, rx) = watch::channel(false);
        let r = CommandFifo::new(&p, stop.clone(), rx);
        (dir, p, stop, tx, r)
    }

    #[tokio::test]
    async fn back_to_back_writers_lose_nothing() {
        let (_dir, p, _stop, _tx, mut r) = fifo();
        let p2 = p.clone();
        let writer = std::thread::spawn(move || {
            for i in 0..2000 {
                let mut f = std::fs::OpenOptions::new().write(true).open(&p2).unwrap();
                f.write_all(format!("setf p value={i}\n").as_bytes())
                    .unwrap();
            }
        });
        let mut text = String::new();
        while text.matches('\n').count() < 2000 {
            let b = r.next().await.unwrap().unwrap();
            text.push_str(&String::from_utf8(b).unwrap());
        }
        writer.join().unwrap();
        let got: Vec<&str> = text.lines().collect();
        let want: Vec<String> = (0..2000).map(|i| format!("setf p value={i}")).collect();
        assert_eq!(got, want);
    }

    /// A host that reads one line and writes its next command at once (`read r < $PIPE`)
    /// never reads its own command back, and every reply reaches it.
    #[tokio::test]
    async fn line_reading_host_gets_each_reply() {
        let (_dir, p, _stop, _tx, mut r) = fifo();
        let p2 = p.clone();
        let host = std::thread::spawn(move || {
            let mut replies = Vec::new();
            for i in 0..300 {
                std::fs::write(&p2, format!("get x{i}\n")).unwrap();
                let mut line = Vec::new();
                let mut f = std::fs::File::open(&p2).unwrap();
                let mut b = [0u8; 1];
                while f.read(&mut b).unwrap() == 1 && b[0] != b'\n' {
                    line.push(b[0]);
                }
                replies.push(String::from_utf8(line).unwrap());
            }
            replies
        });
        for i in 0..300 {
            let cmd = r.next().await.unwrap().unwrap();
            assert_eq!(cmd, format!("get x{i}\n").into_bytes());
            assert!(r.reply(format!("0 v{i}\n").as_bytes()).await.unwrap());
        }
        let want: Vec<String> = (0..300).map(|i| format!("0 v{i}")).collect();
        assert_eq!(host.join().unwrap(), want);
    }

    /// A reply bigger than the pipe's buffer waits for the host to make room.
    #[tokio::test]
    async fn a_reply_larger_than_the_pipe_arrives_whole() {
        let (_dir, p, _stop, _tx, mut r) = fifo();
        let p2 = p.clone();
        let host = std::thread::spawn(move || {
            std::fs::write(&p2, "get big value\n").unwrap();
            let mut s = Vec::new();
            std::fs::File::open(&p2)
                .unwrap()
                .read_to_end(&mut s)
                .unwrap();
            s
        });
        assert_eq!(r.next().await.unwrap().unwrap(), b"get big value\n");
        let big = vec![b'x'; 1 << 20];
        assert!(r.reply(&big).await.unwrap());
        assert_eq!(host.join().unwrap(), big);
    }

    #[tokio::test]
    async fn stop_ends_a_waiting_reader_and_a_waiting_reply() {
        let (_dir, p, stop, tx, mut r) = fifo();
        let t = tokio::spawn(async move {
            // No reader for this reply: it waits, then the stop ends it.
            let replied = r.reply(b"0 \n").await.unwrap();
            let next = r.next().await.unwrap();
            (replied, next)
        });
        tokio::task::yield_now().await;
        stop.set(&[&p]);
        tx.send(true).unwrap();
        let (replied, next) = t.await.unwrap();
        assert!(!replied);
        assert!(next.is_none());
    }
}
