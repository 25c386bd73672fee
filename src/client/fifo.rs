//! Named FIFOs as the reference's pipe transport uses them: one command per writer session
//! (everything written until the last writer closes), replies and event lines written one per
//! open so that `read line < fifo` and `while read; done < fifo` readers both work.
//!
//! The reference closed its read end after each command; a writer that opened in the gap
//! between its EOF and its close had its bytes thrown away with the pipe buffer, which is how
//! back-to-back `echo ... > $PIPE` lost commands. Here a new read end is opened *before* the
//! old one is closed, so there is never a moment without a reader while the pipe is idle.

use std::ffi::CString;
use std::io;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd, RawFd};
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

fn cpath(p: &Path) -> io::Result<CString> {
    CString::new(p.as_os_str().as_bytes()).map_err(|_| io::Error::other("NUL in path"))
}

/// Creates a FIFO with mode 0660, as the reference.
pub fn mkfifo(path: &Path) -> io::Result<()> {
    let c = cpath(path)?;
    // SAFETY: c is a valid NUL-terminated path.
    if unsafe { libc::mkfifo(c.as_ptr(), 0o660) } != 0 {
        return Err(io::Error::last_os_error());
    }
    Ok(())
}

fn open(path: &Path, flags: libc::c_int) -> io::Result<OwnedFd> {
    let c = cpath(path)?;
    loop {
        // SAFETY: c is a valid path; the returned fd is owned by the OwnedFd below.
        let fd = unsafe { libc::open(c.as_ptr(), flags | libc::O_CLOEXEC) };
        if fd >= 0 {
            // SAFETY: fd was just opened and is not owned elsewhere.
            return Ok(unsafe { OwnedFd::from_raw_fd(fd) });
        }
        let e = io::Error::last_os_error();
        if e.kind() != io::ErrorKind::Interrupted {
            return Err(e);
        }
    }
}

fn read_fd(fd: RawFd, buf: &mut [u8]) -> io::Result<usize> {
    // SAFETY: buf is valid for buf.len() bytes.
    let n = unsafe { libc::read(fd, buf.as_mut_ptr().cast(), buf.len()) };
    if n < 0 {
        Err(io::Error::last_os_error())
    } else {
        Ok(n as usize)
    }
}

/// Writes all of `data`; EPIPE (the reader left) is an error the caller handles.
pub fn write_all(fd: RawFd, mut data: &[u8]) -> io::Result<()> {
    while !data.is_empty() {
        // SAFETY: data is valid for data.len() bytes.
        let n = unsafe { libc::write(fd, data.as_ptr().cast(), data.len()) };
        if n < 0 {
            let e = io::Error::last_os_error();
            if e.kind() == io::ErrorKind::Interrupted {
                continue;
            }
            return Err(e);
        }
        data = &data[n as usize..];
    }
    Ok(())
}

/// A flag plus a way to interrupt a thread blocked on a FIFO: in `poll` (the wake pipe) or in
/// a blocking `open` (the stopper opens the FIFO both ways itself, which completes it).
///
/// A thread announces a blocking open in `parked` before it checks the flag, and the stopper
/// sets the flag before it looks at `parked` (both sequentially consistent): either the thread
/// sees the flag and does not block, or the stopper sees the thread and keeps opening the
/// FIFO until the thread has left the open.
pub struct Stop {
    flag: AtomicBool,
    parked: AtomicUsize,
    wake_r: OwnedFd,
    wake_w: OwnedFd,
}

impl Stop {
    pub fn new() -> io::Result<Arc<Stop>> {
        let mut fds = [0 as RawFd; 2];
        // SAFETY: fds has room for the two descriptors pipe2 writes.
        if unsafe { libc::pipe2(fds.as_mut_ptr(), libc::O_CLOEXEC | libc::O_NONBLOCK) } != 0 {
            return Err(io::Error::last_os_error());
        }
        // SAFETY: both fds were just created and are owned here.
        let (r, w) = unsafe { (OwnedFd::from_raw_fd(fds[0]), OwnedFd::from_raw_fd(fds[1])) };
        Ok(Arc::new(Stop {
            flag: AtomicBool::new(false),
            parked: AtomicUsize::new(0),
            wake_r: r,
            wake_w: w,
        }))
    }

    /// Blocks until the flag is set.
    pub fn wait(&self) {
        while !self.is_set() {
            let _ = wait_readable(self.wake_r.as_raw_fd(), self, -1);
        }
    }

    pub fn is_set(&self) -> bool {
        self.flag.load(Ordering::SeqCst)
    }

    /// Sets the flag and releases threads blocked on `fifos`.
    pub fn set(self: &Arc<Self>, fifos: &[&Path]) {
        self.flag.store(true, Ordering::SeqCst);
        let _ = write_all(self.wake_w.as_raw_fd(), b"x");
        if self.parked.load(Ordering::SeqCst) == 0 {
            return;
        }
        let me = self.clone();
        let fifos: Vec<PathBuf> = fifos.iter().map(|p| p.to_path_buf()).collect();
        std::thread::spawn(move || {
            for _ in 0..1000 {
                for p in &fifos {
                    // Our reader completes an open for writing; our writer (allowed while our
                    // reader is open) completes an open for reading.
                    let r = open(p, libc::O_RDONLY | libc::O_NONBLOCK);
                    let w = open(p, libc::O_WRONLY | libc::O_NONBLOCK);
                    drop((r, w));
                }
                if me.parked.load(Ordering::SeqCst) == 0 {
                    return;
                }
                std::thread::sleep(Duration::from_millis(2));
            }
        });
    }

    /// A blocking open that [`Stop::set`] can interrupt; `None` when stopped.
    fn open_blocking(&self, path: &Path, flags: libc::c_int) -> Option<io::Result<OwnedFd>> {
        self.parked.fetch_add(1, Ordering::SeqCst);
        let r = if self.is_set() {
            None
        } else {
            Some(open(path, flags))
        };
        self.parked.fetch_sub(1, Ordering::SeqCst);
        if self.is_set() {
            return None;
        }
        r
    }
}

/// Waits for `fd` to be readable (or hung up) or for the stop flag; `timeout_ms` -1 = forever.
/// Returns false when stopped.
fn wait_readable(fd: RawFd, stop: &Stop, timeout_ms: i32) -> io::Result<bool> {
    let mut fds = [
        libc::pollfd {
            fd,
            events: libc::POLLIN,
            revents: 0,
        },
        libc::pollfd {
            fd: stop.wake_r.as_raw_fd(),
            events: libc::POLLIN,
            revents: 0,
        },
    ];
    loop {
        if stop.is_set() {
            return Ok(false);
        }
        // SAFETY: fds is a valid array of two pollfd.
        let n = unsafe { libc::poll(fds.as_mut_ptr(), 2, timeout_ms) };
        if n < 0 {
            let e = io::Error::last_os_error();
            if e.kind() == io::ErrorKind::Interrupted {
                continue;
            }
            return Err(e);
        }
        return Ok(!stop.is_set());
    }
}

/// The read side of a command FIFO. Holds an open read end while idle, except while a reply
/// is written and until the host writes again: then the next read end is opened blocking, so
/// that it only exists once the host is writing and cannot take the reply from its reader.
pub struct CommandReader {
    path: PathBuf,
    fd: Option<OwnedFd>,
    after_reply: bool,
    stop: Arc<Stop>,
}

impl CommandReader {
    pub fn new(path: &Path, stop: Arc<Stop>) -> CommandReader {
        CommandReader {
            path: path.to_path_buf(),
            fd: None,
            after_reply: false,
            stop,
        }
    }

    fn fresh(&self) -> io::Result<OwnedFd> {
        open(&self.path, libc::O_RDONLY | libc::O_NONBLOCK)
    }

    /// The bytes of the next writer session: from the first byte until no writer is left.
    /// `None` once stopped. Zero-byte sessions (a writer that wrote nothing) are skipped.
    pub fn next(&mut self) -> io::Result<Option<Vec<u8>>> {
        let mut buf = Vec::new();
        let mut chunk = [0u8; 64 * 1024];
        loop {
            let fd = match self.fd.take() {
                Some(fd) => fd,
                None if self.after_reply => {
                    let Some(fd) = self.stop.open_blocking(&self.path, libc::O_RDONLY) else {
                        return Ok(None);
                    };
                    let fd = fd?;
                    self.after_reply = false;
                    // SAFETY: fd is open; O_NONBLOCK lets the read loop tell "no data yet"
                    // from the end of the host's write.
                    unsafe { libc::fcntl(fd.as_raw_fd(), libc::F_SETFL, libc::O_NONBLOCK) };
                    fd
                }
                None => self.fresh()?,
            };
            let raw = fd.as_raw_fd();
            self.fd = Some(fd);
            // With a command half read, wake now and then even without a hang-up: a writer
            // that opened before our current read end might not raise one on every kernel.
            let timeout = if buf.is_empty() { -1 } else { 50 };
            if !wait_readable(raw, &self.stop, timeout)? {
                return Ok(None);
            }
            loop {
                match read_fd(raw, &mut chunk) {
                    Ok(0) => {
                        // No writer left: the session ended. Open the next read end before
                        // dropping this one so that a writer arriving now keeps its bytes.
                        let next = self.fresh()?;
                        self.fd = Some(next);
                        if buf.is_empty() {
                            break;
                        }
                        return Ok(Some(buf));
                    }
                    Ok(n) => buf.extend_from_slice(&chunk[..n]),
                    Err(e) if e.kind() == io::ErrorKind::WouldBlock => break,
                    Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                    Err(e) => return Err(e),
                }
            }
        }
    }

    /// Writes a reply: gives up the read end (so that our open for writing waits for the
    /// host's reader and nothing of ours can read the reply), writes, closes: that close is
    /// the end of the reply for the host. Ok(false) when stopped while waiting.
    pub fn reply(&mut self, text: &[u8]) -> io::Result<bool> {
        self.fd = None;
        self.after_reply = true;
        let Some(w) = self.stop.open_blocking(&self.path, libc::O_WRONLY) else {
            return Ok(false);
        };
        match write_all(w?.as_raw_fd(), text) {
            Ok(()) => Ok(true),
            // The host's reader left without its reply; the pipe goes on.
            Err(e) if e.raw_os_error() == Some(libc::EPIPE) => Ok(true),
            Err(e) => Err(e),
        }
    }
}

/// Bytes written to a pipe and not read yet.
fn unread(fd: RawFd) -> io::Result<usize> {
    let mut n: libc::c_int = 0;
    // SAFETY: FIONREAD writes one c_int.
    if unsafe { libc::ioctl(fd, libc::FIONREAD, &mut n) } != 0 {
        return Err(io::Error::last_os_error());
    }
    Ok(n.max(0) as usize)
}

/// The write side of an event FIFO. The write end stays open between events, so a reader
/// that keeps the FIFO open gets them as a stream and a reader that opens right after the
/// last one left never sees an empty EOF; a line that no reader took is reported, so the
/// caller keeps it for the next reader.
pub struct EventWriter {
    path: PathBuf,
    fd: Option<OwnedFd>,
}

impl EventWriter {
    pub fn new(path: &Path) -> EventWriter {
        EventWriter {
            path: path.to_path_buf(),
            fd: None,
        }
    }

    /// Ok(true): a reader took the whole line. Ok(false): no reader took it (or stopped).
    pub fn write(&mut self, line: &[u8], stop: &Stop) -> io::Result<bool> {
        let fd = match self.fd.take() {
            Some(fd) => fd,
            // Waits for a reader.
            None => match stop.open_blocking(&self.path, libc::O_WRONLY) {
                Some(fd) => fd?,
                None => return Ok(false),
            },
        };
        let raw = fd.as_raw_fd();
        match write_all(raw, line) {
            Ok(()) => {}
            // Every reader left: the next write waits for a new one.
            Err(e) if e.raw_os_error() == Some(libc::EPIPE) => return Ok(false),
            Err(e) => return Err(e),
        }
        // A reader that takes one line and closes (`read x < fifo`) may be on its way out as
        // we write: the line counts as delivered only once it was read.
        let mut wait = Duration::from_micros(20);
        loop {
            if unread(raw)? == 0 {
                self.fd = Some(fd);
                return Ok(true);
            }
            let mut p = libc::pollfd {
                fd: raw,
                events: 0,
                revents: 0,
            };
            // SAFETY: one valid pollfd.
            unsafe { libc::poll(&mut p, 1, 0) };
            if p.revents & libc::POLLERR != 0 || stop.is_set() {
                return Ok(false);
            }
            std::thread::sleep(wait);
            wait = (wait * 2).min(Duration::from_millis(10));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::{Read, Write};

    fn fifo() -> (tempfile::TempDir, PathBuf, Arc<Stop>, CommandReader) {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("cmd");
        mkfifo(&p).unwrap();
        let stop = Stop::new().unwrap();
        let r = CommandReader::new(&p, stop.clone());
        (dir, p, stop, r)
    }

    #[test]
    fn back_to_back_writers_lose_nothing() {
        let (_dir, p, _stop, mut r) = fifo();
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
            let b = r.next().unwrap().unwrap();
            text.push_str(&String::from_utf8(b).unwrap());
        }
        writer.join().unwrap();
        let got: Vec<&str> = text.lines().collect();
        let want: Vec<String> = (0..2000).map(|i| format!("setf p value={i}")).collect();
        assert_eq!(got, want);
    }

    #[test]
    fn reply_reaches_a_reader_and_stop_unblocks() {
        let (_dir, p, stop, mut r) = fifo();
        let p2 = p.clone();
        let host = std::thread::spawn(move || {
            std::fs::write(&p2, "get x value\n").unwrap();
            let mut s = String::new();
            std::fs::File::open(&p2)
                .unwrap()
                .read_to_string(&mut s)
                .unwrap();
            s
        });
        assert_eq!(r.next().unwrap().unwrap(), b"get x value\n");
        assert!(r.reply(b"0 v\n").unwrap());
        assert_eq!(host.join().unwrap(), "0 v\n");
        // A reader blocked waiting for a writer is released by stop.
        let t = std::thread::spawn(move || r.next().unwrap());
        stop.set(&[&p]);
        assert!(t.join().unwrap().is_none());
    }
}
