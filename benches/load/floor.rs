//! Floors: what this machine allows at best, measured with the same client, so a target
//! can be shown out of reach rather than only missed.
//!
//! - The bare fan-out server speaks just enough of the protocol for `fan_out`: it answers
//!   registrations, and on a host's `set` writes one prebuilt `updateControlProps` frame to
//!   every browser socket with one `write` each, from plain threads (no runtime, no
//!   queues, no JSON per browser), then replies: the least a server that writes each
//!   browser's socket with its own system call can do. (Ours hands a fan-out's sends to
//!   the kernel in batches, io_uring, and so can go below it.)
//! - The disk floor: one small write + `fdatasync`, the least a strict reply must wait for.

use anyhow::{Context, Result};
use serde_json::{json, Value};
use std::io::Write;
use std::net::{TcpListener, TcpStream};
use std::os::fd::AsRawFd;
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::Instant;
use tokio_tungstenite::tungstenite::{self, Message};

/// A bare fan-out server on a loopback port; its threads end with the process (the load
/// generator), its sockets with their peers.
pub struct BareFanOut {
    pub port: u16,
}

/// One update for a sender thread: the frame, and where to say it is written.
type Job = (Arc<Vec<u8>>, std::sync::mpsc::Sender<()>);

/// Browser sockets dealt round-robin to sender threads; one update = every sender writes
/// the frame to its own list, the caller waits until all are done.
struct Fan {
    lists: Vec<Arc<Mutex<Vec<TcpStream>>>>,
    go: Vec<std::sync::mpsc::Sender<Job>>,
    next: std::sync::atomic::AtomicUsize,
}

impl Fan {
    fn start(senders: usize) -> Result<Fan> {
        let (mut lists, mut go) = (Vec::new(), Vec::new());
        for _ in 0..senders {
            let list: Arc<Mutex<Vec<TcpStream>>> = Arc::default();
            let (tx, rx) = std::sync::mpsc::channel::<Job>();
            let l = list.clone();
            std::thread::Builder::new()
                .name("floor-send".into())
                .spawn(move || {
                    for (f, done) in rx {
                        if let Ok(mut all) = l.lock() {
                            // A browser gone (an earlier round's) is dropped, or every
                            // later round would pay a failing write for it.
                            all.retain_mut(|b| b.write_all(&f).is_ok());
                        }
                        let _ = done.send(());
                    }
                })?;
            lists.push(list);
            go.push(tx);
        }
        Ok(Fan {
            lists,
            go,
            next: Default::default(),
        })
    }

    fn add(&self, s: TcpStream) -> Result<()> {
        let n = self.next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let list = &self.lists[n % self.lists.len()];
        list.lock()
            .map_err(|_| anyhow::anyhow!("poisoned"))?
            .push(s);
        Ok(())
    }

    fn send_all(&self, frame: Vec<u8>) -> Result<()> {
        let frame = Arc::new(frame);
        let (tx, rx) = std::sync::mpsc::channel();
        for g in &self.go {
            g.send((frame.clone(), tx.clone()))?;
        }
        for _ in &self.go {
            rx.recv()?;
        }
        Ok(())
    }
}

impl BareFanOut {
    /// `senders` threads (kept for the server's life) split the browsers between them.
    pub fn start(senders: usize) -> Result<BareFanOut> {
        let listener = TcpListener::bind("127.0.0.1:0")?;
        let port = listener.local_addr()?.port();
        let fan = Arc::new(Fan::start(senders.max(1))?);
        std::thread::Builder::new()
            .name("floor-accept".into())
            .spawn(move || {
                for stream in listener.incoming().flatten() {
                    let fan = fan.clone();
                    let _ = std::thread::Builder::new()
                        .name("floor-conn".into())
                        .stack_size(64 << 10)
                        .spawn(move || {
                            let _ = serve(stream, &fan);
                        });
                }
            })?;
        Ok(BareFanOut { port })
    }
}

/// The frame our server sends for `set x value=V`, as a server-to-client WebSocket text
/// frame (unmasked), built once per update for all browsers.
fn update_frame(value: &str) -> Result<Vec<u8>> {
    let payload = json!({"action": "updateControlProps",
        "payload": {"props": [{"i": "x", "value": value}]}});
    crate::fanread::text_frame(&payload.to_string(), None)
}

fn serve(stream: TcpStream, fan: &Fan) -> Result<()> {
    stream.set_nodelay(true)?;
    let mut ws = tungstenite::accept(stream).context("handshake")?;
    loop {
        let Message::Text(t) = ws.read()? else {
            continue;
        };
        let v: Value = serde_json::from_str(t.as_str())?;
        let id = v["id"].as_str().unwrap_or("").to_string();
        let reply = match v["action"].as_str().unwrap_or("") {
            "registerWebClient" => {
                // Listed before the reply: once the client has it, no update may miss it.
                fan.add(ws.get_ref().try_clone()?)?;
                ws.send(Message::text(
                    json!({"id": id, "action": "registerWebClient", "payload": {
                        "error": "", "session": {"id": "0", "controls": {}}}})
                    .to_string(),
                ))?;
                // Nothing more is read from a browser; keep the socket open until it goes.
                while ws.read().is_ok() {}
                return Ok(());
            }
            "registerHostClient" => {
                json!({"pageName": "load/fan", "sessionID": "0", "error": ""})
            }
            _ => {
                let cmd = &v["payload"]["command"];
                if cmd["name"] == "set" {
                    let value = cmd["attrs"]["value"].as_str().unwrap_or("");
                    fan.send_all(update_frame(value)?)?;
                }
                json!({"result": "0", "error": ""})
            }
        };
        ws.send(Message::text(
            json!({"id": id, "action": "", "payload": reply}).to_string(),
        ))?;
    }
}

/// Median and p99 of `n` rounds of a 5 KiB write + `fdatasync` in `dir` (ms).
pub fn disk_sync_ms(dir: &Path, n: usize) -> Result<Vec<f64>> {
    std::fs::create_dir_all(dir)?;
    let path = dir.join("floor-sync");
    let mut f = std::fs::OpenOptions::new()
        .create(true)
        .truncate(true)
        .write(true)
        .open(&path)?;
    let block = vec![b'x'; 5 << 10];
    let mut out = Vec::with_capacity(n);
    for _ in 0..n {
        let t = Instant::now();
        f.write_all(&block)?;
        // SAFETY: fdatasync on a file we own and keep open.
        let rc = unsafe { libc::fdatasync(f.as_raw_fd()) };
        anyhow::ensure!(rc == 0, "fdatasync: {}", std::io::Error::last_os_error());
        out.push(t.elapsed().as_secs_f64() * 1000.0);
    }
    drop(f);
    std::fs::remove_file(&path).ok();
    Ok(out)
}
