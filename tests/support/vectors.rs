//! Replays the reference's recorded vectors (`data/vectors.txt`): parses its cases and runs
//! them against our server through real `pglet page` / `pglet app` pipes and WebSocket
//! stand-ins, comparing bytes (pipes, event pipes) and JSON frames (WebSocket), with
//! encrypted ids and random session ids mapped from the recording to this run.
#![allow(dead_code)]

use serde_json::Value;
use std::collections::HashMap;
use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;
use tokio_tungstenite::tungstenite::{self, Message};

#[derive(Debug, Clone, PartialEq)]
pub enum Step {
    Pipe(String),
    Write(Vec<u8>),
    /// `None`: the reference wrote no reply; nothing is read.
    Read(Option<Vec<u8>>),
    WsSend(String, String),
    WsRecv(String, String),
    Event(String, Vec<u8>),
    /// Lines the interpreter does not run (stdout:, send:, status: ...): kept for hooks.
    Other(String),
}

#[derive(Debug, Clone)]
pub struct Case {
    pub section: String,
    pub name: String,
    pub steps: Vec<Step>,
}

fn json_bytes(s: &str) -> Option<Vec<u8>> {
    serde_json::from_str::<String>(s.trim())
        .ok()
        .map(String::into_bytes)
}

/// `[label] (+6.5s): rest` → (label, rest).
fn labelled(s: &str) -> Option<(String, String)> {
    let s = s.strip_prefix('[')?;
    let end = s.find(']')?;
    let label = s[..end].to_string();
    let rest = &s[end + 1..];
    let colon = rest.find(": ")?;
    Some((label, rest[colon + 2..].to_string()))
}

pub fn parse(text: &str) -> Vec<Case> {
    let mut cases = Vec::new();
    let mut section = String::new();
    let mut cur: Option<Case> = None;
    for line in text.lines() {
        if let Some(s) = line.strip_prefix("## ") {
            section = s.trim().to_string();
            continue;
        }
        if let Some(n) = line.strip_prefix("### case: ") {
            if let Some(c) = cur.take() {
                cases.push(c);
            }
            cur = Some(Case {
                section: section.clone(),
                name: n.trim().to_string(),
                steps: Vec::new(),
            });
            continue;
        }
        let Some(c) = cur.as_mut() else { continue };
        let step = if let Some(p) = line.strip_prefix("pipe: ") {
            Step::Pipe(p.trim().to_string())
        } else if let Some(w) = line.strip_prefix("write: ") {
            match json_bytes(w) {
                Some(b) => Step::Write(b),
                None => Step::Other(line.to_string()),
            }
        } else if let Some(r) = line.strip_prefix("read: ") {
            Step::Read(json_bytes(r))
        } else if let Some(r) = line.strip_prefix("ws-> ") {
            match labelled(r) {
                Some((l, f)) => Step::WsSend(l, f),
                None => Step::Other(line.to_string()),
            }
        } else if let Some(r) = line.strip_prefix("ws<- ") {
            match labelled(r) {
                Some((l, f)) => Step::WsRecv(l, f),
                None => Step::Other(line.to_string()),
            }
        } else if let Some(r) = line.strip_prefix("event ") {
            match labelled(r).and_then(|(l, b)| json_bytes(&b).map(|b| (l, b))) {
                Some((l, b)) => Step::Event(l, b),
                None => Step::Other(line.to_string()),
            }
        } else if line.trim().is_empty()
            || line.starts_with("note:")
            || line.starts_with("write-text:")
            || line.starts_with("| ")
            || line.starts_with('#')
        {
            continue;
        } else {
            Step::Other(line.to_string())
        };
        c.steps.push(step);
    }
    if let Some(c) = cur.take() {
        cases.push(c);
    }
    cases
}

pub fn load() -> Vec<Case> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("data/vectors.txt");
    let text = std::fs::read_to_string(&path).expect("data/vectors.txt");
    parse(&text)
}

/// A blocking WebSocket stand-in (host or browser).
pub struct Ws {
    ws: tungstenite::WebSocket<TcpStream>,
}

impl Ws {
    pub fn connect(port: u16) -> Ws {
        let stream = TcpStream::connect(("127.0.0.1", port)).expect("tcp connect");
        let url = format!("ws://127.0.0.1:{port}/ws");
        let (ws, _) = tungstenite::client::client(url.as_str(), stream).expect("ws handshake");
        Ws { ws }
    }

    pub fn send(&mut self, text: &str) {
        self.ws
            .send(Message::text(text.to_string()))
            .expect("ws send");
    }

    /// The next text frame, waiting up to `timeout`; `None` on timeout or close.
    pub fn recv(&mut self, timeout: Duration) -> Option<String> {
        let _ = self.ws.get_ref().set_read_timeout(Some(timeout));
        loop {
            match self.ws.read() {
                Ok(Message::Text(t)) => return Some(t.as_str().to_string()),
                Ok(Message::Close(_)) | Err(_) => return None,
                Ok(_) => {}
            }
        }
    }

    pub fn close(mut self) {
        let _ = self.ws.close(None);
        let _ = self.ws.flush();
        let _ = self.recv(Duration::from_millis(500));
    }
}

/// Reads a FIFO to EOF on a helper thread, giving up after `timeout`.
pub fn read_fifo(path: &Path, timeout: Duration) -> Result<Vec<u8>, String> {
    read_fifo_upto(path, usize::MAX, timeout)
}

/// Reads a FIFO until EOF or `limit` bytes, as `read line < fifo` takes one event and no more.
pub fn read_fifo_upto(path: &Path, limit: usize, timeout: Duration) -> Result<Vec<u8>, String> {
    let (tx, rx) = mpsc::channel();
    let p = path.to_path_buf();
    std::thread::spawn(move || {
        let r = std::fs::File::open(&p).and_then(|f| {
            let mut v = Vec::new();
            f.take(limit as u64).read_to_end(&mut v).map(|_| v)
        });
        let _ = tx.send(r.map_err(|e| e.to_string()));
    });
    rx.recv_timeout(timeout)
        .map_err(|_| format!("nothing to read from {} within {timeout:?}", path.display()))?
}

pub fn write_fifo(path: &Path, bytes: &[u8], timeout: Duration) -> Result<(), String> {
    let deadline = std::time::Instant::now() + timeout;
    loop {
        // Held while the write end is open, so no process starts with a copy of it; only
        // held once a reader is there, or a write waiting for a server that a test is about
        // to start would keep that start (it takes the write lock) waiting forever.
        let _open = super::FORK.read().unwrap_or_else(|e| e.into_inner());
        match open_writer(path) {
            Ok(Some(mut f)) => return f.write_all(bytes).map_err(|e| e.to_string()),
            Ok(None) => {}
            Err(e) => return Err(e.to_string()),
        }
        drop(_open);
        if std::time::Instant::now() > deadline {
            return Err(format!(
                "could not write to {} within {timeout:?}",
                path.display()
            ));
        }
        // A FIFO tells nothing when a reader arrives; poll for it.
        std::thread::sleep(Duration::from_millis(2));
    }
}

/// The write end of a FIFO if a reader has it open now (`None` if not), in blocking mode.
fn open_writer(path: &Path) -> std::io::Result<Option<std::fs::File>> {
    use std::os::unix::fs::OpenOptionsExt;
    use std::os::unix::io::AsRawFd;
    match std::fs::OpenOptions::new()
        .write(true)
        .custom_flags(libc::O_NONBLOCK)
        .open(path)
    {
        Ok(f) => {
            let fd = f.as_raw_fd();
            // SAFETY: fd is open and owned by `f` for both calls.
            let flags = unsafe { libc::fcntl(fd, libc::F_GETFL) };
            if flags < 0 || unsafe { libc::fcntl(fd, libc::F_SETFL, flags & !libc::O_NONBLOCK) } < 0
            {
                return Err(std::io::Error::last_os_error());
            }
            Ok(Some(f))
        }
        Err(e) if e.raw_os_error() == Some(libc::ENXIO) => Ok(None),
        Err(e) => Err(e),
    }
}

/// The keys whose values differ on every run: encrypted ids and generated session ids.
const RUN_SPECIFIC: &[&str] = &["hostClientID", "sessionID"];

/// Runs vector cases against one server, with the pipes of one `$TMPDIR`.
pub struct Harness {
    pub port: u16,
    pub server_url: String,
    pub tmp: PathBuf,
    pub pipes: HashMap<String, PathBuf>,
    pub events: HashMap<String, PathBuf>,
    pub ws: HashMap<String, Ws>,
    /// Recorded value → value in this run (encrypted ids, session UUIDs, random names).
    pub mapped: HashMap<String, String>,
    pipe: String,
    pub apps: Vec<Child>,
    /// Use the proxy daemon even though the server serves pipes itself.
    pub proxy: bool,
}

impl Harness {
    pub fn new(port: u16, tmp: &Path) -> Harness {
        Harness {
            port,
            server_url: format!("http://127.0.0.1:{port}"),
            tmp: tmp.to_path_buf(),
            pipes: HashMap::new(),
            events: HashMap::new(),
            ws: HashMap::new(),
            mapped: HashMap::new(),
            pipe: String::new(),
            apps: Vec::new(),
            proxy: false,
        }
    }

    /// The same harness, with pipes through the proxy daemon instead of the server's own.
    pub fn via_proxy(mut self, proxy: bool) -> Harness {
        self.proxy = proxy;
        self
    }

    pub fn pglet(&self) -> Command {
        let mut c = Command::new(env!("CARGO_BIN_EXE_pglet"));
        c.env("TMPDIR", &self.tmp).env(
            "PGLET_LOG_LEVEL",
            std::env::var("VECTORS_LOG").unwrap_or("warn".into()),
        );
        if self.proxy {
            c.env("PGLET_DIRECT_PIPES", "false");
        }
        c
    }

    /// `pglet page ARGS --server ... --no-window`: (stdout, stderr, success).
    pub fn page_raw(&self, args: &[&str]) -> (String, String, bool) {
        let out = super::output(self.pglet().arg("page").args(args).args([
            "--server",
            &self.server_url,
            "--no-window",
        ]))
        .expect("run pglet page");
        (
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
            out.status.success(),
        )
    }

    /// Connects a page and names its command pipe `pipe_label` and its event pipe
    /// `event_label`; returns the printed URL.
    pub fn page(&mut self, pipe_label: &str, event_label: &str, args: &[&str]) -> String {
        let (out, err, ok) = self.page_raw(args);
        assert!(ok, "pglet page {args:?} failed: {err}");
        let mut it = out.split_whitespace();
        let pipe = it.next().expect("pipe path").to_string();
        let url = it.next().expect("url").to_string();
        self.name_pipe(pipe_label, event_label, Path::new(&pipe));
        url
    }

    pub fn name_pipe(&mut self, pipe_label: &str, event_label: &str, pipe: &Path) {
        self.pipes.insert(pipe_label.into(), pipe.to_path_buf());
        let ev = PathBuf::from(format!("{}.events", pipe.display()));
        self.events.insert(event_label.into(), ev);
    }

    /// `pglet app ARGS`: the running process and a channel of its stdout lines.
    pub fn app(&mut self, args: &[&str]) -> mpsc::Receiver<String> {
        let mut child = super::spawn(
            self.pglet()
                .arg("app")
                .args(args)
                .args(["--server", &self.server_url, "--no-window"])
                .stdout(Stdio::piped()),
        )
        .expect("run pglet app");
        let stdout = child.stdout.take().expect("app stdout");
        self.apps.push(child);
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            use std::io::BufRead;
            for line in std::io::BufReader::new(stdout).lines() {
                let Ok(l) = line else { return };
                if tx.send(l).is_err() {
                    return;
                }
            }
        });
        rx
    }

    pub fn ws(&mut self, label: &str) -> &mut Ws {
        let port = self.port;
        self.ws
            .entry(label.to_string())
            .or_insert_with(|| Ws::connect(port))
    }

    pub fn close_ws(&mut self, label: &str) {
        if let Some(w) = self.ws.remove(label) {
            w.close();
        }
    }

    fn map_outgoing(&self, frame: &str) -> String {
        let mut f = frame.to_string();
        for (from, to) in &self.mapped {
            f = f.replace(from.as_str(), to.as_str());
        }
        f
    }

    /// Records run-specific values of `actual` under their recorded counterparts and
    /// returns `actual` with them replaced, so that the rest compares exactly.
    fn align(&mut self, expected: &Value, actual: &Value) -> Value {
        match (expected, actual) {
            (Value::Object(e), Value::Object(a)) => {
                let mut out = serde_json::Map::new();
                for (k, av) in a {
                    let ev = e.get(k);
                    let run_specific = RUN_SPECIFIC.contains(&k.as_str())
                        || (k == "id"
                            && ev.is_some_and(|v| v.as_str().is_some_and(|s| s.len() > 40)));
                    match (ev, av) {
                        (Some(Value::String(es)), Value::String(as_))
                            if run_specific && !es.is_empty() && !as_.is_empty() && es != "0" =>
                        {
                            self.mapped.insert(es.clone(), as_.clone());
                            out.insert(k.clone(), Value::String(es.clone()));
                        }
                        (Some(ev), av) => {
                            let v = self.align(ev, av);
                            out.insert(k.clone(), v);
                        }
                        (None, av) => {
                            out.insert(k.clone(), av.clone());
                        }
                    }
                }
                Value::Object(out)
            }
            (Value::Array(e), Value::Array(a)) if e.len() == a.len() => {
                Value::Array(e.iter().zip(a).map(|(e, a)| self.align(e, a)).collect())
            }
            _ => actual.clone(),
        }
    }

    /// Compares a received frame with a recorded one.
    pub fn expect_frame(
        &mut self,
        label: &str,
        expected: &str,
        timeout: Duration,
    ) -> Result<(), String> {
        let got = self
            .ws(label)
            .recv(timeout)
            .ok_or_else(|| format!("[{label}] expected {expected}, got nothing"))?;
        let e: Value = serde_json::from_str(expected).map_err(|e| format!("bad vector: {e}"))?;
        let a: Value = serde_json::from_str(&got).map_err(|e| format!("bad frame {got}: {e}"))?;
        let a = self.align(&e, &a);
        if a != e {
            return Err(format!("[{label}]\n  expected {e}\n  got      {a}"));
        }
        Ok(())
    }

    pub fn expect_event(
        &mut self,
        label: &str,
        expected: &[u8],
        timeout: Duration,
    ) -> Result<(), String> {
        let path = self
            .events
            .get(label)
            .ok_or_else(|| format!("no event pipe named [{label}]"))?
            .clone();
        let got = read_fifo_upto(&path, expected.len(), timeout)?;
        if got != expected {
            return Err(format!(
                "event [{label}]: expected {:?}, got {:?}",
                String::from_utf8_lossy(expected),
                String::from_utf8_lossy(&got)
            ));
        }
        Ok(())
    }

    fn cur_pipe(&self) -> Result<PathBuf, String> {
        self.pipes
            .get(&self.pipe)
            .cloned()
            .ok_or_else(|| format!("no pipe named '{}'", self.pipe))
    }

    /// Runs one step; timing notes like `(+6.5s)` in the recording only mean "wait longer".
    pub fn step(&mut self, step: &Step) -> Result<(), String> {
        let t = Duration::from_secs(20);
        match step {
            Step::Pipe(p) => self.pipe = p.clone(),
            Step::Write(b) => write_fifo(&self.cur_pipe()?, b, t)?,
            Step::Read(None) => {}
            Step::Read(Some(want)) => {
                let got = read_fifo(&self.cur_pipe()?, t)?;
                if &got != want {
                    return Err(format!(
                        "pipe '{}': expected {:?}, got {:?}",
                        self.pipe,
                        String::from_utf8_lossy(want),
                        String::from_utf8_lossy(&got)
                    ));
                }
            }
            Step::WsSend(l, f) => {
                let f = self.map_outgoing(f);
                self.ws(l).send(&f);
            }
            Step::WsRecv(l, f) => self.expect_frame(l, f, t)?,
            Step::Event(l, b) => self.expect_event(l, b, t)?,
            Step::Other(_) => {}
        }
        Ok(())
    }

    pub fn run(&mut self, case: &Case) -> Result<(), String> {
        for s in &case.steps {
            self.step(s)
                .map_err(|e| format!("case '{}': {e}", case.name))?;
        }
        Ok(())
    }

    /// Stops the pipe proxy of this `$TMPDIR` and every `pglet app` started.
    pub fn stop(&mut self) {
        for mut a in self.apps.drain(..) {
            let _ = a.kill();
            let _ = a.wait();
        }
        stop_daemon(&self.tmp);
    }
}

impl Drop for Harness {
    fn drop(&mut self) {
        self.stop();
    }
}

/// Kills the proxy daemon of a `$TMPDIR` by the pid it recorded, and waits until it is gone.
pub fn stop_daemon(tmp: &Path) {
    let Ok(pid) = std::fs::read_to_string(tmp.join("pglet-rs-client.pid")) else {
        return;
    };
    let Ok(pid) = pid.trim().parse::<i32>() else {
        return;
    };
    // SAFETY: plain kill(2) on a pid our own test started (through `pglet page`).
    unsafe { libc::kill(pid, libc::SIGKILL) };
    for _ in 0..200 {
        // Gone, or a zombie waiting for a parent that does not reap (pid 1 in some sandboxes).
        let state = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
        let zombie = state
            .rsplit_once(") ")
            .is_some_and(|(_, rest)| rest.starts_with('Z'));
        if state.is_empty() || zombie {
            break;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    let _ = std::fs::remove_file(tmp.join("pglet-rs-client.pid"));
}
