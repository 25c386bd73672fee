//! Many non-blocking socket sends in one system call (Linux io_uring), for the fan-out: a
//! broadcast to hundreds of browsers is one `io_uring_enter` per part instead of one
//! `send` each. Each thread that sends keeps a ring of its own; where io_uring is not
//! available (an old kernel, a seccomp profile that forbids it) `send_all` sends nothing
//! and callers write the plain way.

use std::io;
use std::os::fd::RawFd;

/// One send: the socket and the bytes to offer it.
pub type Job<'a> = (RawFd, &'a [u8]);

/// Sends jobs without waiting for buffer space, as `send(fd, buf, MSG_DONTWAIT)` would,
/// and returns how many of the first jobs were sent: `results[i]` gets what job `i` took,
/// or its error (`WouldBlock` when the socket is full). Every send has completed when this
/// returns. Fewer than all (0 when io_uring cannot be used on this thread): the caller
/// writes the rest itself.
pub fn send_all(jobs: &[Job], results: &mut Vec<io::Result<usize>>) -> usize {
    imp::send_all(jobs, results)
}

#[cfg(target_os = "linux")]
mod imp {
    use super::Job;
    use io_uring::{opcode, types, IoUring};
    use std::cell::RefCell;
    use std::io;
    use std::sync::atomic::{AtomicBool, Ordering};

    /// Sends one submission holds; a larger fan-out part goes in several.
    const ENTRIES: u32 = 256;

    /// Set once a ring could not be made: no thread tries again.
    static UNAVAILABLE: AtomicBool = AtomicBool::new(false);

    thread_local! {
        static RING: RefCell<Option<IoUring>> = const { RefCell::new(None) };
    }

    pub fn send_all(jobs: &[Job], results: &mut Vec<io::Result<usize>>) -> usize {
        if UNAVAILABLE.load(Ordering::Relaxed) {
            return 0;
        }
        RING.with(|cell| {
            let Ok(mut slot) = cell.try_borrow_mut() else {
                return 0;
            };
            if slot.is_none() {
                match IoUring::new(ENTRIES) {
                    Ok(r) => *slot = Some(r),
                    Err(e) => {
                        tracing::info!("io_uring unavailable ({e}): fan-out writes one by one");
                        UNAVAILABLE.store(true, Ordering::Relaxed);
                        return 0;
                    }
                }
            }
            let Some(ring) = slot.as_mut() else {
                return 0;
            };
            let mut done = 0;
            for chunk in jobs.chunks(ENTRIES as usize) {
                let start = results.len();
                if let Err(e) = submit_chunk(ring, chunk, results) {
                    // Nothing of this chunk was taken by the kernel (a failed enter
                    // consumes no entry): drop the ring with its entries; the caller
                    // writes this chunk and the rest plainly.
                    tracing::warn!("io_uring submit: {e}; fan-out writes one by one");
                    *slot = None;
                    UNAVAILABLE.store(true, Ordering::Relaxed);
                    results.truncate(start);
                    return done;
                }
                done += chunk.len();
            }
            done
        })
    }

    /// Pushes one send per job, submits them, and waits for all their completions: the
    /// buffers are borrowed, so nothing may still be in flight on return.
    fn submit_chunk(
        ring: &mut IoUring,
        chunk: &[Job],
        results: &mut Vec<io::Result<usize>>,
    ) -> io::Result<()> {
        let base = results.len();
        {
            let mut sq = ring.submission();
            for (i, (fd, buf)) in chunk.iter().enumerate() {
                // A frame longer than u32 cannot exist (the frame limit is far below);
                // offering its first 4 GiB is still a correct partial send.
                let len = u32::try_from(buf.len()).unwrap_or(u32::MAX);
                let e = opcode::Send::new(types::Fd(*fd), buf.as_ptr(), len)
                    // Never park on a full socket: the writer task waits for it.
                    .flags(libc::MSG_DONTWAIT | libc::MSG_NOSIGNAL)
                    .build()
                    .user_data(i as u64);
                // SAFETY: `buf` stays borrowed until its completion is reaped below.
                if unsafe { sq.push(&e) }.is_err() {
                    // Cannot happen: the chunk is no longer than the queue, which is
                    // empty here.
                    return Err(io::Error::other("submission queue full"));
                }
            }
        }
        results.extend(chunk.iter().map(|_| Err(io::ErrorKind::Interrupted.into())));
        let mut submitted = false;
        let mut done = 0;
        while done < chunk.len() {
            match ring.submit_and_wait(chunk.len() - done) {
                Ok(_) => submitted = true,
                Err(e) if retry(&e) => {}
                // Before anything was taken, the entries can be dropped with the ring.
                Err(e) if !submitted => return Err(e),
                // Entries are in flight: their completions must still be waited for.
                Err(_) => std::thread::yield_now(),
            }
            for cqe in ring.completion() {
                let i = base + cqe.user_data() as usize;
                let r = cqe.result();
                if let Some(slot) = results.get_mut(i) {
                    *slot = if r >= 0 {
                        Ok(r as usize)
                    } else {
                        Err(io::Error::from_raw_os_error(-r))
                    };
                }
                done += 1;
            }
        }
        Ok(())
    }

    fn retry(e: &io::Error) -> bool {
        matches!(
            e.raw_os_error(),
            Some(libc::EINTR) | Some(libc::EAGAIN) | Some(libc::EBUSY)
        )
    }
}

#[cfg(not(target_os = "linux"))]
mod imp {
    use super::Job;
    use std::io;

    pub fn send_all(_: &[Job], _: &mut Vec<io::Result<usize>>) -> usize {
        0
    }
}

#[cfg(all(test, target_os = "linux"))]
mod tests {
    use super::*;
    use std::io::Read;
    use std::net::{TcpListener, TcpStream};
    use std::os::fd::AsRawFd;

    fn pair() -> (TcpStream, TcpStream) {
        let l = TcpListener::bind("127.0.0.1:0").unwrap();
        let a = TcpStream::connect(l.local_addr().unwrap()).unwrap();
        let (b, _) = l.accept().unwrap();
        (a, b)
    }

    #[test]
    fn sends_reach_every_socket_and_a_full_one_would_block() {
        let socks: Vec<(TcpStream, TcpStream)> = (0..300).map(|_| pair()).collect();
        let msg = b"hello fan-out";
        let jobs: Vec<Job> = socks
            .iter()
            .map(|(s, _)| (s.as_raw_fd(), &msg[..]))
            .collect();
        let mut res = Vec::new();
        if send_all(&jobs, &mut res) == 0 {
            eprintln!("io_uring unavailable here; nothing to test");
            return;
        }
        assert_eq!(res.len(), 300);
        for (r, (_, mut peer)) in res.iter().zip(socks) {
            assert_eq!(*r.as_ref().unwrap(), msg.len());
            let mut got = [0u8; 13];
            peer.read_exact(&mut got).unwrap();
            assert_eq!(&got, msg);
        }

        // Nobody reads this one: it fills, and a send must not park until it drains.
        let (s, _peer) = pair();
        let big = vec![7u8; 1 << 20];
        let mut blocked = false;
        for _ in 0..64 {
            let mut r = Vec::new();
            assert_eq!(send_all(&[(s.as_raw_fd(), &big)], &mut r), 1);
            match &r[0] {
                Ok(_) => {}
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => {
                    blocked = true;
                    break;
                }
                Err(e) => panic!("unexpected {e}"),
            }
        }
        assert!(blocked, "a full socket never said WouldBlock");
    }
}
