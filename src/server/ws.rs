//! One WebSocket connection: the reader dispatches frames by action; the writer sends
//! replies and host events first, browser updates second, and resyncs a browser that fell
//! behind with a fresh full state.

use super::conn::{Conn, ConnQueues};
use super::state::State;
use super::{host, web};
use crate::wire::{self, actions, Message};
use futures_util::{SinkExt, StreamExt};
use std::net::SocketAddr;
use std::sync::atomic::Ordering;
use std::sync::Arc;
use warp::ws::{Message as WsMessage, WebSocket};

/// An error frame for input we could not act on; hosts match `id`, browsers show `error`.
fn error_frame(id: &str, error: &str) -> String {
    Message::reply(id, serde_json::json!({ "error": error })).to_json()
}

pub async fn serve(state: Arc<State>, socket: WebSocket, addr: Option<SocketAddr>) {
    let ip = addr.map(|a| a.ip().to_string()).unwrap_or_default();
    let loopback = addr.map(|a| a.ip().is_loopback()).unwrap_or(true);
    let id = state.next_conn.fetch_add(1, Ordering::Relaxed) + 1;
    let (conn, queues) = Conn::new(id, ip, loopback, state.settings.strict);
    let (sink, mut stream) = socket.split();
    let writer = tokio::spawn(write_loop(state.clone(), conn.clone(), queues, sink));
    let mut closing = false;
    while let Some(msg) = stream.next().await {
        let msg = match msg {
            Ok(m) => m,
            Err(e) => {
                tracing::debug!(conn = id, "websocket read: {e}");
                break;
            }
        };
        if msg.is_close() {
            break;
        }
        let Ok(text) = msg.to_str() else { continue };
        if text.len() > state.settings.ws_max_message_size {
            let err = format!(
                "message of {} bytes exceeds the maximum of {} bytes",
                text.len(),
                state.settings.ws_max_message_size
            );
            conn.send(error_frame("", &err));
            conn.send(CLOSE.to_string());
            tracing::warn!(conn = id, "{err}; closing");
            closing = true;
            break;
        }
        dispatch(&state, &conn, text);
    }
    web::disconnect(&conn);
    host::disconnect(&state, &conn);
    if closing {
        // Let the writer deliver the error and the close frame.
        let abort = writer.abort_handle();
        if tokio::time::timeout(std::time::Duration::from_secs(2), writer)
            .await
            .is_err()
        {
            abort.abort();
        }
    } else {
        writer.abort();
    }
}

/// Queued after a last error frame: the writer sends a close frame and stops.
const CLOSE: &str = "\u{0}close";

/// Handles one frame of a connection (also the server's own direct pipes, see `pipes`).
pub(super) fn dispatch(state: &State, conn: &Conn, text: &str) {
    let msg: wire::IncomingRaw = match serde_json::from_str(text) {
        Ok(m) => m,
        Err(e) => {
            // The reference dropped the connection; a clear error keeps clients debuggable.
            conn.send(error_frame("", &format!("invalid JSON frame: {e}")));
            return;
        }
    };
    let id = msg.id.unwrap_or_default();
    let raw = msg.payload.map(|r| r.get()).unwrap_or("null");
    // The hot path: host commands go straight from the frame text into their types.
    match msg.action.as_str() {
        actions::PAGE_COMMAND_FROM_HOST => return host::command(state, conn, &id, raw),
        actions::PAGE_COMMANDS_BATCH_FROM_HOST => return host::batch(state, conn, &id, raw),
        _ => {}
    }
    let mut p: serde_json::Value = serde_json::from_str(raw).unwrap_or_default();
    // The Python client sends `null` for unset strings; Go read them as "".
    strip_nulls(&mut p);
    let res = match msg.action.as_str() {
        actions::REGISTER_HOST_CLIENT => host::register(state, conn, &id, p),
        actions::INACTIVE_APP_FROM_HOST => host::inactive_app(state, conn, p),
        actions::REGISTER_WEB_CLIENT => web::register(state, conn, &id, p),
        actions::PAGE_EVENT_FROM_WEB => web::event(conn, p),
        actions::UPDATE_CONTROL_PROPS => web::update_props(conn, p),
        _ => Ok(()), // unknown actions are ignored, as the reference
    };
    if let Err(e) = res {
        conn.send(error_frame(&id, &e));
    }
}

async fn write_loop(
    state: Arc<State>,
    conn: Arc<Conn>,
    mut q: ConnQueues,
    mut sink: futures_util::stream::SplitSink<WebSocket, WsMessage>,
) {
    // Replies waiting for durability are sent in order by their own task.
    let (direct_tx, mut direct_rx) = tokio::sync::mpsc::unbounded_channel::<super::peer::Frame>();
    let st = state.clone();
    let replies = tokio::spawn(async move {
        while let Some((ticket, frame)) = q.replies_rx.recv().await {
            if let Some(t) = ticket {
                st.store.durable(t).await;
            }
            if direct_tx.send(frame).is_err() {
                return;
            }
        }
    });
    loop {
        let frame = tokio::select! {
            biased;
            Some(f) = q.host_rx.recv() => f,
            Some(f) = direct_rx.recv() => f,
            Some(f) = q.web_rx.recv() => {
                if conn.behind.swap(false, Ordering::AcqRel) {
                    match resync(&state, &conn, &mut q.web_rx) {
                        Some(full) => full.into(),
                        None => continue,
                    }
                } else {
                    f
                }
            }
            else => break,
        };
        if &*frame == CLOSE {
            let _ = sink
                .send(WsMessage::close_with(1009u16, "message too big"))
                .await;
            break;
        }
        if sink.send(WsMessage::text(frame.to_string())).await.is_err() {
            break;
        }
    }
    replies.abort();
}

/// Drops the queued updates of a browser that fell behind and builds its full state, under
/// the session lock so no update is lost or applied twice.
fn resync(
    state: &State,
    conn: &Conn,
    web_rx: &mut tokio::sync::mpsc::Receiver<super::peer::Frame>,
) -> Option<String> {
    let session = conn.browsing.lock().as_ref().map(|(_, s)| s.clone())?;
    let inner = session.lock();
    while web_rx.try_recv().is_ok() {}
    tracing::info!(conn = conn.id, page = %session.page_name, "browser fell behind; sending full state");
    Some(web::full_state_frame(state, conn, "", &session, &inner))
}

/// Removes `null` members of objects (recursively), so that missing-or-null fields take
/// their defaults.
fn strip_nulls(v: &mut serde_json::Value) {
    if let serde_json::Value::Object(map) = v {
        map.retain(|_, x| !x.is_null());
        for x in map.values_mut() {
            strip_nulls(x);
        }
    }
}
