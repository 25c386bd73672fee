//! The connection to one server, shared by every page and session hosted there: request and
//! reply matching by id, fire-and-forget frames in order, event routing to pipes. Usually a
//! WebSocket, with reconnection that re-registers every page (with `update`, and the host id
//! the server gave us) before any queued frame is sent, so scripts carry on across a server
//! restart; or, inside the server itself, a direct call into it ([`LocalServer`]).

use super::registration::Registration;
use crate::wire::{self, actions, Message};
use futures_util::{SinkExt, StreamExt};
use parking_lot::Mutex;
use serde_json::Value;
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::{mpsc, oneshot};
use tokio_tungstenite::tungstenite::Message as WsMessage;

/// Frames queued for the server; a bound that makes a flooding script wait instead of
/// growing memory without limit.
const OUT_QUEUE: usize = 4096;
/// The largest frame a server takes by default (`PGLET_WS_MAX_MESSAGE_SIZE`, as the server
/// reads it); a bigger one would make it drop the socket every page of this proxy shares.
fn max_frame() -> usize {
    std::env::var("PGLET_WS_MAX_MESSAGE_SIZE")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(2 * 1024 * 1024)
}

fn check_size(frame: &str) -> Result<(), String> {
    let max = max_frame();
    if frame.len() > max {
        return Err(format!(
            "command of {} bytes exceeds the maximum message size of {max} bytes",
            frame.len()
        ));
    }
    Ok(())
}

/// A request gives up after the server has been unreachable this long.
const OFFLINE_PATIENCE: Duration = Duration::from_secs(30);

struct Outgoing {
    /// The request id waiting for a reply, if any.
    id: Option<String>,
    frame: String,
}

struct Pending {
    tx: oneshot::Sender<Value>,
    /// For a registration: the page it registers, bound by the reader before it reads on, so
    /// that a `sessionCreated` right behind the reply finds it.
    reg: Option<Arc<Registration>>,
    /// The connection the frame was written to (0: not yet written).
    sent_on: u64,
}

/// A server in this process, driven without a socket: frames go in as if from a host
/// connection and come out the same way.
pub trait LocalServer: Send + Sync {
    /// Handles one frame from us.
    fn dispatch(&self, frame: &str);
    /// Hands over the frames the server has for us right now, without waiting (a reply to a
    /// frame just dispatched is usually among them, so no task has to wake for it).
    fn drain(&self, each: &mut dyn FnMut(&str));
}

/// Where a link's frames go.
enum To {
    /// The queue of the task that keeps the WebSocket.
    Socket(mpsc::Sender<Outgoing>),
    /// A server in this process.
    Local(Arc<dyn LocalServer>),
}

pub struct Link {
    pub server_url: String,
    /// Empty for a local server.
    ws_url: String,
    to: To,
    pending: Mutex<HashMap<String, Pending>>,
    next_id: AtomicU64,
    regs: Mutex<Vec<Arc<Registration>>>,
    offline_since: Mutex<Option<Instant>>,
}

/// `http://host:port` (or `https`) → `ws://host:port/ws` (or `wss`).
pub fn ws_url(server_url: &str) -> Result<String, String> {
    if let Some(rest) = server_url.strip_prefix("http://") {
        Ok(format!("ws://{rest}/ws"))
    } else if server_url.starts_with("https://") {
        Err(format!(
            "{server_url}: https is not supported by this build; use an http:// server"
        ))
    } else {
        Err(format!("{server_url}: not an http:// URL"))
    }
}

type Socket =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

async fn dial(ws_url: &str) -> Result<Socket, String> {
    let (ws, _) = tokio_tungstenite::connect_async(ws_url)
        .await
        .map_err(|e| format!("cannot connect to {ws_url}: {e}"))?;
    Ok(ws)
}

impl Link {
    /// Connects to the server (one attempt: a wrong URL fails at once, as the reference) and
    /// starts the task that keeps the connection.
    pub async fn open(server_url: &str) -> Result<Arc<Link>, String> {
        let ws_url = ws_url(server_url)?;
        let socket = dial(&ws_url).await?;
        let (out, out_rx) = mpsc::channel(OUT_QUEUE);
        let link = Arc::new(Link::new(server_url, ws_url, To::Socket(out)));
        tokio::spawn(link.clone().keep(socket, out_rx));
        Ok(link)
    }

    /// The link of a server in this process. Frames it sends on its own (events, replies
    /// that waited for the disk) must be given to [`Link::inbound`] by its owner.
    pub fn local(server_url: &str, server: Arc<dyn LocalServer>) -> Arc<Link> {
        Arc::new(Link::new(server_url, String::new(), To::Local(server)))
    }

    fn new(server_url: &str, ws_url: String, to: To) -> Link {
        Link {
            server_url: server_url.to_string(),
            ws_url,
            to,
            pending: Mutex::new(HashMap::new()),
            next_id: AtomicU64::new(0),
            regs: Mutex::new(Vec::new()),
            offline_since: Mutex::new(None),
        }
    }

    /// Hands a frame to the local server, then takes what it has for us at once.
    fn local_call(&self, server: &dyn LocalServer, frame: &str) {
        server.dispatch(frame);
        server.drain(&mut |f| self.inbound(f));
    }

    async fn enqueue(&self, o: Outgoing) -> Result<(), String> {
        match &self.to {
            To::Local(server) => {
                self.local_call(server.as_ref(), &o.frame);
                Ok(())
            }
            To::Socket(out) => out
                .send(o)
                .await
                .map_err(|_| "the proxy is shutting down".to_string()),
        }
    }

    fn new_id(&self) -> String {
        format!("r{}", self.next_id.fetch_add(1, Ordering::Relaxed) + 1)
    }

    /// Sends a frame that expects no reply, in order with every other frame.
    pub async fn send(&self, action: &str, payload: impl serde::Serialize) -> Result<(), String> {
        let frame = Message::new("", action, payload).to_json();
        check_size(&frame)?;
        self.enqueue(Outgoing { id: None, frame }).await
    }

    /// Sends a request and waits for its reply payload.
    pub async fn request(
        &self,
        action: &str,
        payload: impl serde::Serialize,
    ) -> Result<Value, String> {
        self.request_for(action, payload, None).await
    }

    /// Registers a page; on success the reader binds `reg` to the name the server chose.
    pub async fn register(
        &self,
        reg: &Arc<Registration>,
    ) -> Result<wire::RegisterHostClientResponse, String> {
        let req = reg.request();
        let v = self
            .request_for(actions::REGISTER_HOST_CLIENT, req, Some(reg.clone()))
            .await?;
        let resp: wire::RegisterHostClientResponse =
            serde_json::from_value(v).map_err(|e| format!("bad registration reply: {e}"))?;
        if !resp.error.is_empty() {
            return Err(resp.error);
        }
        Ok(resp)
    }

    async fn request_for(
        &self,
        action: &str,
        payload: impl serde::Serialize,
        reg: Option<Arc<Registration>>,
    ) -> Result<Value, String> {
        let id = self.new_id();
        let frame = Message::new(id.clone(), action, payload).to_json();
        check_size(&frame)?;
        let (tx, mut rx) = oneshot::channel();
        self.pending.lock().insert(
            id.clone(),
            Pending {
                tx,
                reg,
                sent_on: 0,
            },
        );
        if let Err(e) = self
            .enqueue(Outgoing {
                id: Some(id.clone()),
                frame,
            })
            .await
        {
            self.pending.lock().remove(&id);
            return Err(e);
        }
        // A local server usually answered within the call.
        if let Ok(v) = rx.try_recv() {
            return Ok(v);
        }
        loop {
            tokio::select! {
                r = &mut rx => {
                    return r.map_err(|_| format!(
                        "the connection to {} was lost before the reply; the command may or may not have been applied",
                        self.server_url
                    ));
                }
                _ = tokio::time::sleep(Duration::from_secs(1)) => {
                    let gone = self.offline_since.lock().is_some_and(|t| t.elapsed() > OFFLINE_PATIENCE);
                    if gone {
                        self.pending.lock().remove(&id);
                        return Err(format!("server {} is not reachable", self.server_url));
                    }
                }
            }
        }
    }

    pub fn add_registration(&self, reg: Arc<Registration>) {
        let mut regs = self.regs.lock();
        if !regs.iter().any(|r| Arc::ptr_eq(r, &reg)) {
            regs.push(reg);
        }
    }

    pub fn remove_registration(&self, reg: &Arc<Registration>) {
        self.regs.lock().retain(|r| !Arc::ptr_eq(r, reg));
    }

    pub fn registrations(&self) -> usize {
        self.regs.lock().len()
    }

    /// Keeps the connection: pumps queued frames, reads replies and events, and on a drop
    /// reconnects with backoff and re-registers every page first.
    async fn keep(self: Arc<Self>, first: Socket, mut out_rx: mpsc::Receiver<Outgoing>) {
        let mut socket = Some(first);
        let mut conn_no: u64 = 0;
        // A frame taken from the queue but not written when the connection dropped.
        let mut carry: Option<Outgoing> = None;
        loop {
            let ws = match socket.take() {
                Some(s) => s,
                None => self.reconnect().await,
            };
            conn_no += 1;
            let (mut sink, mut stream) = ws.split();
            // Replies to re-registrations arrive through the same reader as everything else.
            let (reader_done_tx, mut reader_done) = oneshot::channel::<()>();
            let me = self.clone();
            let reader = tokio::spawn(async move {
                while let Some(Ok(msg)) = stream.next().await {
                    match msg {
                        WsMessage::Text(t) => me.inbound(t.as_str()),
                        WsMessage::Close(_) => break,
                        _ => {}
                    }
                }
                let _ = reader_done_tx.send(());
            });
            if conn_no > 1 && !self.reregister(&mut sink, conn_no).await {
                reader.abort();
                self.dropped(conn_no);
                continue;
            }
            *self.offline_since.lock() = None;
            let ok = loop {
                let next = match carry.take() {
                    Some(o) => Some(o),
                    None => tokio::select! {
                        o = out_rx.recv() => o,
                        _ = &mut reader_done => break false,
                    },
                };
                let Some(o) = next else {
                    // Every sender is gone: the proxy is stopping.
                    let _ = sink.close().await;
                    reader.abort();
                    return;
                };
                if let Some(id) = &o.id {
                    if let Some(p) = self.pending.lock().get_mut(id) {
                        p.sent_on = conn_no;
                    }
                }
                let frame = o.frame.clone();
                if sink.send(WsMessage::text(frame)).await.is_err() {
                    // Not written after all: its request still waits for the next connection.
                    if let Some(id) = &o.id {
                        if let Some(p) = self.pending.lock().get_mut(id) {
                            p.sent_on = 0;
                        }
                    }
                    carry = Some(o);
                    break false;
                }
            };
            if !ok {
                reader.abort();
                self.dropped(conn_no);
            }
        }
    }

    /// After a drop: replies to frames written to the dead connection will never come.
    fn dropped(&self, conn_no: u64) {
        self.offline_since.lock().get_or_insert_with(Instant::now);
        self.pending
            .lock()
            .retain(|_, p| p.sent_on == 0 || p.sent_on > conn_no);
        tracing::warn!(server = %self.server_url, "connection lost; reconnecting");
    }

    async fn reconnect(&self) -> Socket {
        let mut delay = Duration::from_millis(200);
        loop {
            tokio::time::sleep(delay).await;
            match dial(&self.ws_url).await {
                Ok(s) => {
                    tracing::info!(server = %self.server_url, "reconnected");
                    return s;
                }
                Err(e) => tracing::debug!("{e}"),
            }
            delay = (delay * 2).min(Duration::from_secs(5));
        }
    }

    /// Registers every page again on a new connection before anything queued is sent.
    async fn reregister(
        &self,
        sink: &mut futures_util::stream::SplitSink<Socket, WsMessage>,
        conn_no: u64,
    ) -> bool {
        let regs: Vec<Arc<Registration>> = self.regs.lock().clone();
        let mut waits = Vec::new();
        for reg in regs {
            let id = self.new_id();
            let mut req = reg.request();
            req.update = true;
            let frame = Message::new(id.clone(), actions::REGISTER_HOST_CLIENT, req).to_json();
            let (tx, rx) = oneshot::channel();
            self.pending.lock().insert(
                id,
                Pending {
                    tx,
                    reg: Some(reg.clone()),
                    sent_on: conn_no,
                },
            );
            if sink.send(WsMessage::text(frame)).await.is_err() {
                return false;
            }
            waits.push((reg, rx));
        }
        for (reg, rx) in waits {
            match tokio::time::timeout(Duration::from_secs(30), rx).await {
                Ok(Ok(v)) => {
                    let err = v["error"].as_str().unwrap_or_default();
                    if !err.is_empty() {
                        tracing::warn!(page = %reg.page_name(), "re-registration refused: {err}");
                    }
                }
                _ => return false,
            }
        }
        true
    }

    /// One frame from the server: a reply, an event for a pipe, or a new app session.
    pub fn inbound(&self, text: &str) {
        let Ok(msg) = serde_json::from_str::<wire::Incoming>(text) else {
            tracing::warn!("unreadable frame from the server");
            return;
        };
        match msg.action.as_str() {
            "" => {
                let id = msg.id.unwrap_or_default();
                let Some(p) = self.pending.lock().remove(&id) else {
                    return;
                };
                if let Some(reg) = &p.reg {
                    if let Ok(r) = serde_json::from_value::<wire::RegisterHostClientResponse>(
                        msg.payload.clone(),
                    ) {
                        if r.error.is_empty() {
                            reg.bind(&r);
                            self.add_registration(reg.clone());
                        }
                    }
                }
                let _ = p.tx.send(msg.payload);
            }
            actions::PAGE_EVENT_TO_HOST => {
                if let Ok(e) = serde_json::from_value::<wire::PageEventToHost>(msg.payload) {
                    let regs: Vec<_> = self.regs.lock().clone();
                    for r in regs.iter().filter(|r| r.page_name() == e.page_name) {
                        r.event(&e);
                    }
                }
            }
            actions::SESSION_CREATED => {
                if let Ok(s) = serde_json::from_value::<wire::SessionCreated>(msg.payload) {
                    let regs: Vec<_> = self.regs.lock().clone();
                    // One pipe per session: the first app registration of the page serves it.
                    if let Some(r) = regs
                        .iter()
                        .find(|r| r.is_app() && r.page_name() == s.page_name)
                    {
                        r.session_created(&s.session_id);
                    }
                }
            }
            _ => {}
        }
    }
}
