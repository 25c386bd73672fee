//! Test support: a real `pglet server` process on a free loopback port (killed on drop) and
//! a minimal WebSocket client that speaks the host/browser JSON protocol.
#![allow(dead_code)]

pub mod vectors;

use futures_util::{SinkExt, StreamExt};
use serde_json::{json, Value};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::RwLock;
use std::time::{Duration, Instant};
use tokio::net::TcpStream;
use tokio_tungstenite::{tungstenite::Message, MaybeTlsStream, WebSocketStream};

/// A child gets a copy of every open descriptor and holds it until it execs. A FIFO write
/// end copied that way keeps the FIFO written to after the test closed it, so the test's
/// own reader, opened next, takes its command back before the pipe's server reads it (a
/// script does not start processes while it writes a command; a threaded test does).
/// Writes to FIFOs share this lock, and starting a process takes it alone.
pub static FORK: RwLock<()> = RwLock::new(());

/// `cmd.spawn()` while no FIFO write end is open.
pub fn spawn(cmd: &mut Command) -> std::io::Result<Child> {
    let _alone = FORK.write().unwrap_or_else(|e| e.into_inner());
    cmd.spawn()
}

/// `cmd.output()` while no FIFO write end is open.
pub fn output(cmd: &mut Command) -> std::io::Result<Output> {
    cmd.stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    spawn(cmd)?.wait_with_output()
}

pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .unwrap_or(0)
}

pub struct Server {
    pub child: Child,
    pub port: u16,
    pub dir: PathBuf,
}

impl Server {
    /// Starts `pglet server` on a port it picks itself (`--port 0`, so parallel tests never
    /// share one) with `dir` as its data dir; returns once it is listening.
    pub fn start(dir: &Path, extra: &[&str], env: &[(&str, &str)]) -> Server {
        Self::start_on(0, dir, extra, env)
    }

    /// Like [`Server::start`] on a given port (a restart where clients reconnect).
    pub fn start_on(port: u16, dir: &Path, extra: &[&str], env: &[(&str, &str)]) -> Server {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_pglet"));
        cmd.args(["server", "--port", &port.to_string(), "--data-dir"])
            .arg(dir)
            .args(extra)
            .env("PGLET_LOG_LEVEL", "warn")
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit());
        for (k, v) in env {
            cmd.env(k, v);
        }
        let mut child = spawn(&mut cmd).expect("spawn pglet server");
        // The server's one line on stdout names the address it listens on.
        let stdout = child.stdout.take().expect("server stdout");
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            use std::io::BufRead;
            for line in std::io::BufReader::new(stdout).lines() {
                let Ok(l) = line else { return };
                if let Some(p) = l
                    .rsplit_once(':')
                    .filter(|_| l.starts_with("pglet server listening on"))
                    .and_then(|(_, p)| p.trim().parse::<u16>().ok())
                {
                    let _ = tx.send(p);
                }
            }
        });
        let port = match rx.recv_timeout(Duration::from_secs(60)) {
            Ok(p) => p,
            Err(_) => {
                let status = child.try_wait().ok().flatten();
                let _ = child.kill();
                panic!("pglet server did not start (exit: {status:?})");
            }
        };
        let mut s = Server {
            child,
            port,
            dir: dir.to_path_buf(),
        };
        s.wait_ready();
        s
    }

    fn wait_ready(&mut self) {
        let deadline = Instant::now() + Duration::from_secs(20);
        while Instant::now() < deadline {
            if let Ok(Some(status)) = self.child.try_wait() {
                panic!("pglet server exited at start: {status}");
            }
            if std::net::TcpStream::connect(("127.0.0.1", self.port)).is_ok() {
                return;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        panic!("server on port {} did not start", self.port);
    }

    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    pub fn ws_url(&self) -> String {
        format!("ws://127.0.0.1:{}/ws", self.port)
    }

    /// kill -9.
    pub fn kill(mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    /// SIGTERM and wait for a graceful exit.
    pub fn stop(mut self) {
        unsafe {
            libc::kill(self.child.id() as i32, libc::SIGTERM);
        }
        let _ = self.child.wait();
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub struct Ws {
    ws: WebSocketStream<MaybeTlsStream<TcpStream>>,
    next: u64,
}

impl Ws {
    pub async fn connect(url: &str) -> Ws {
        let (ws, _) = tokio_tungstenite::connect_async(url)
            .await
            .expect("ws connect");
        Ws { ws, next: 0 }
    }

    pub async fn send(&mut self, v: Value) {
        self.ws
            .send(Message::text(v.to_string()))
            .await
            .expect("ws send");
    }

    /// Next text frame as JSON, within 10 s.
    pub async fn recv(&mut self) -> Value {
        loop {
            let msg = tokio::time::timeout(Duration::from_secs(10), self.ws.next())
                .await
                .expect("timed out waiting for a frame")
                .expect("socket closed")
                .expect("ws error");
            if let Message::Text(t) = msg {
                return serde_json::from_str(t.as_str()).expect("json frame");
            }
        }
    }

    /// Receives until a frame with `action` arrives (skipping others).
    pub async fn recv_action(&mut self, action: &str) -> Value {
        loop {
            let v = self.recv().await;
            if v["action"] == action {
                return v;
            }
        }
    }

    /// Sends a request and waits for the reply with the same id.
    pub async fn request(&mut self, action: &str, payload: Value) -> Value {
        self.next += 1;
        let id = format!("t{}", self.next);
        self.send(json!({"id": id, "action": action, "payload": payload}))
            .await;
        loop {
            let v = self.recv().await;
            if v["id"] == id.as_str() {
                return v["payload"].clone();
            }
        }
    }

    pub async fn register_host(&mut self, page: &str, update: bool) -> Value {
        self.request(
            "registerHostClient",
            json!({"hostClientID":"","pageName":page,"isApp":false,"update":update,"authToken":"","permissions":""}),
        )
        .await
    }

    /// Sends a text command (parsed by the test with the server's own parser).
    pub async fn cmd(&mut self, page: &str, text: &str) -> Value {
        let command = pglet::protocol::parse(text).expect("test command parses");
        self.request(
            "pageCommandFromHost",
            json!({"pageName": page, "sessionID": "0", "command": command}),
        )
        .await
    }

    /// Fire and forget.
    pub async fn cmdf(&mut self, page: &str, text: &str) {
        let command = pglet::protocol::parse(text).expect("test command parses");
        self.send(json!({"id":"","action":"pageCommandFromHost","payload":{"pageName": page, "sessionID": "0", "command": command}}))
            .await;
    }

    /// Registers as a browser and returns the full control map.
    pub async fn register_web(&mut self, page: &str) -> Value {
        self.send(json!({"id":"w","action":"registerWebClient","payload":{"pageName":page,"pageHash":"","winWidth":"800","winHeight":"600"}}))
            .await;
        self.recv_action("registerWebClient").await["payload"].clone()
    }
}
