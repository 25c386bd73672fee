//! Named FIFOs: creating them, opening them (with blocking opens that a stop can always
//! interrupt), and the event FIFO's writer. The command FIFO's reader is in `cmdfifo`.

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

pub(crate) fn open(path: &Path, flags: libc::c_int) -> io::Result<OwnedFd> {
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

pub(crate) fn read_fd(fd: RawFd, buf: &mut [u8]) -> io::Result<usize> {
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
    pub(crate) fn open_blocking(
        &self,
        path: &Path,
        flags: libc::c_int,
    ) -> Option<io::Result<OwnedFd>> {
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

/// Bytes written to a pipe and not read yet.
fn unread(fd: RawFd) -> io::Result<usize> {
    let mut n: libc::c_int = 0;
    // SAFETY: FIONREAD writes one c_int.
    if unsafe { libc::ioctl(fd, libc::FIONREAD, &mut n) } != 0 {
        return Err(io::Error::last_os_error());
    }
    Ok(n.max(0) as usize)
}

/// The write side of an event FIFO. Its write end stays open from the first reader until the
/// pipe closes, so the kernel keeps lines that one reader did not take for the next one
/// (`read x < fifo` takes a line and goes), a streaming reader gets every line, and no
/// reader ever sees an end of file before the last event.
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

    /// Puts a line into the pipe, waiting for a reader when there is none. Ok(false) when
    /// stopped first.
    pub fn write(&mut self, line: &[u8], stop: &Stop) -> io::Result<bool> {
        let mut rest = line;
        while !rest.is_empty() {
            if self.fd.is_none() {
                let Some(fd) = stop.open_blocking(&self.path, libc::O_WRONLY) else {
                    return Ok(false);
                };
                let fd = fd?;
                // SAFETY: fd is open; non-blocking so a full pipe never stalls a stop.
                unsafe { libc::fcntl(fd.as_raw_fd(), libc::F_SETFL, libc::O_NONBLOCK) };
                self.fd = Some(fd);
            }
            let Some(raw) = self.fd.as_ref().map(|f| f.as_raw_fd()) else {
                continue;
            };
            // SAFETY: rest is valid for rest.len() bytes.
            let n = unsafe { libc::write(raw, rest.as_ptr().cast(), rest.len()) };
            if n >= 0 {
                rest = &rest[n as usize..];
                continue;
            }
            let e = io::Error::last_os_error();
            match e.raw_os_error() {
                Some(libc::EINTR) => {}
                // Full: wait for the reader to take some.
                Some(libc::EAGAIN) => {
                    if stop.is_set() {
                        return Ok(false);
                    }
                    let mut p = libc::pollfd {
                        fd: raw,
                        events: libc::POLLOUT,
                        revents: 0,
                    };
                    // SAFETY: one valid pollfd.
                    unsafe { libc::poll(&mut p, 1, 200) };
                }
                // No reader now: wait for the next one (our write end keeps what is queued).
                Some(libc::EPIPE) => match stop.open_blocking(&self.path, libc::O_WRONLY) {
                    Some(r) => drop(r?),
                    None => return Ok(false),
                },
                _ => return Err(e),
            }
        }
        Ok(true)
    }

    /// Waits (up to `grace`) until a reader took everything, then lets go of the pipe.
    pub fn finish(mut self, stop: &Stop, grace: Duration) {
        let Some(fd) = self.fd.take() else { return };
        let deadline = std::time::Instant::now() + grace;
        let mut wait = Duration::from_millis(1);
        while unread(fd.as_raw_fd()).unwrap_or(0) > 0
            && !stop.is_set()
            && std::time::Instant::now() < deadline
        {
            std::thread::sleep(wait);
            wait = (wait * 2).min(Duration::from_millis(50));
        }
    }
}
