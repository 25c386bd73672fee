//! WebSocket clients of the Pglet 0.7 JSON protocol: a host (registers a page, sends
//! commands, waits for replies by id) and a browser stand-in (registers with
//! `registerWebClient`, then only reads). Frames are built as text ahead of timing, so the
//! client spends its time on the socket, not on JSON.

use anyhow::{anyhow, bail, Context, Result};
use futures_util::{SinkExt, StreamExt};
use serde_json::{json, Value};
use std::time::Duration;
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::protocol::WebSocketConfig;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

pub type Socket = WebSocketStream<MaybeTlsStream<TcpStream>>;

/// How long any single wait may take before the run is declared broken.
pub const TIMEOUT: Duration = Duration::from_secs(60);

/// The WebSocket endpoint of a Pglet server on a loopback port.
pub fn url(port: u16) -> String {
    format!("ws://127.0.0.1:{port}/ws")
}

pub async fn connect(url: &str) -> Result<Socket> {
    // tungstenite zeroes its whole read buffer (128 KiB by default) for every read; with
    // hundreds of browser stand-ins that memset alone made the client the bottleneck.
    let cfg = WebSocketConfig::default()
        .read_buffer_size(8 * 1024)
        .max_message_size(Some(256 << 20))
        .max_frame_size(Some(256 << 20));
    let (ws, _) = tokio_tungstenite::connect_async_with_config(url, Some(cfg), true).await?;
    Ok(ws)
}

/// Next text frame within [`TIMEOUT`].
pub async fn next_text(ws: &mut Socket) -> Result<String> {
    loop {
        let m = tokio::time::timeout(TIMEOUT, ws.next())
            .await
            .map_err(|_| anyhow!("timed out waiting for a frame"))?
            .ok_or_else(|| anyhow!("socket closed"))??;
        match m {
            Message::Text(t) => return Ok(t.as_str().to_owned()),
            Message::Close(_) => bail!("socket closed by the server"),
            _ => {}
        }
    }
}

/// A command as the JSON protocol carries it.
pub fn command(name: &str, values: &[&str], attrs: &[(&str, &str)], lines: &[String]) -> Value {
    let attrs: serde_json::Map<String, Value> = attrs
        .iter()
        .map(|(k, v)| (k.to_string(), Value::String(v.to_string())))
        .collect();
    json!({"indent": 0, "name": name, "values": values, "attrs": attrs, "lines": lines, "commands": []})
}

pub fn command_frame(id: &str, page: &str, session: &str, cmd: &Value) -> String {
    json!({"id": id, "action": "pageCommandFromHost",
        "payload": {"pageName": page, "sessionID": session, "command": cmd}})
    .to_string()
}

pub fn batch_frame(id: &str, page: &str, session: &str, cmds: &[Value]) -> String {
    json!({"id": id, "action": "pageCommandsBatchFromHost",
        "payload": {"pageName": page, "sessionID": session, "commands": cmds}})
    .to_string()
}

pub struct Host {
    ws: Socket,
    next: u64,
}

impl Host {
    pub async fn connect(url: &str) -> Result<Host> {
        Ok(Host {
            ws: connect(url).await?,
            next: 0,
        })
    }

    pub fn next_id(&mut self) -> String {
        self.next += 1;
        format!("r{}", self.next)
    }

    /// Queues a frame without flushing.
    pub async fn feed(&mut self, frame: String) -> Result<()> {
        self.ws.feed(Message::text(frame)).await?;
        Ok(())
    }

    pub async fn send(&mut self, frame: String) -> Result<()> {
        self.ws.send(Message::text(frame)).await?;
        Ok(())
    }

    /// Reads until the reply with `id`; other frames (events) are skipped.
    pub async fn wait_reply(&mut self, id: &str) -> Result<Value> {
        let tag = format!("\"id\":\"{id}\"");
        loop {
            let t = next_text(&mut self.ws).await?;
            if t.contains(&tag) {
                let v: Value = serde_json::from_str(&t)?;
                if v["id"] == id {
                    return Ok(v["payload"].clone());
                }
            }
        }
    }

    /// Sends a prebuilt frame carrying `id` and waits for its reply.
    pub async fn request_frame(&mut self, id: &str, frame: String) -> Result<Value> {
        self.send(frame).await?;
        self.wait_reply(id).await
    }

    /// Registers as the host of a shared page; returns the normalised page name.
    pub async fn register(&mut self, page: &str, update: bool) -> Result<String> {
        let id = self.next_id();
        let f = json!({"id": id, "action": "registerHostClient", "payload": {
            "hostClientID": "", "pageName": page, "isApp": false, "update": update,
            "authToken": "", "permissions": ""}})
        .to_string();
        let r = self.request_frame(&id, f).await?;
        let err = r["error"].as_str().unwrap_or("");
        if !err.is_empty() {
            bail!("registerHostClient {page}: {err}");
        }
        Ok(r["pageName"].as_str().unwrap_or(page).to_string())
    }

    /// One returning command; an error reply is an error.
    pub async fn cmd(&mut self, page: &str, cmd: &Value) -> Result<String> {
        let id = self.next_id();
        let r = self
            .request_frame(&id, command_frame(&id, page, "0", cmd))
            .await?;
        let err = r["error"].as_str().unwrap_or("");
        if !err.is_empty() {
            bail!("{}: {err}", cmd["name"]);
        }
        Ok(r["result"].as_str().unwrap_or("").to_string())
    }

    pub async fn close(mut self) {
        let _ = self.ws.close(None).await;
    }
}

/// Registers a browser stand-in on `page`; returns the socket and the raw reply frame.
pub async fn browser(url: &str, page: &str) -> Result<(Socket, String)> {
    let mut ws = connect(url).await?;
    let reply = register_web(&mut ws, page).await?;
    Ok((ws, reply))
}

/// Sends `registerWebClient` and returns the raw reply (the full state).
pub async fn register_web(ws: &mut Socket, page: &str) -> Result<String> {
    ws.send(Message::text(register_web_frame(page))).await?;
    loop {
        let t = next_text(ws).await?;
        if t.contains("\"action\":\"registerWebClient\"") {
            return Ok(t);
        }
    }
}

pub fn register_web_frame(page: &str) -> String {
    json!({"id": "w", "action": "registerWebClient", "payload": {
        "pageName": page, "pageHash": "", "winWidth": "1280", "winHeight": "800", "sessionID": ""}})
    .to_string()
}

/// Number of controls in a `registerWebClient` reply.
pub fn state_controls(reply: &str) -> Result<usize> {
    let v: Value = serde_json::from_str(reply).context("full state JSON")?;
    let err = v["payload"]["error"].as_str().unwrap_or("");
    if !err.is_empty() {
        bail!("registerWebClient: {err}");
    }
    v["payload"]["session"]["controls"]
        .as_object()
        .map(|m| m.len())
        .ok_or_else(|| anyhow!("no controls in the full state"))
}
