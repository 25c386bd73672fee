//! One WebSocket connection: the reader dispatches messages by action; frames to it are
//! written where they are produced (`outbox`), and its writer task sends what had to wait
//! and resyncs a browser that fell behind with a fresh full state.

use super::conn::{Conn, Replies};
use super::outbox::{Flushed, Outbox};
use super::peer::Out;
use super::state::State;
use super::wsframe::{Frame, Inbound, ReadError, Reader};
use super::{host, web};
use crate::wire::{self, actions, Message};
use bytes::Bytes;
use std::net::SocketAddr;
use std::sync::atomic::Ordering;
use std::sync::Arc;
use tokio::net::TcpStream;

/// An error frame for input we could not act on; hosts match `id`, browsers show `error`.
fn error_frame(id: &str, error: &str) -> String {
    Message::reply(id, serde_json::json!({ "error": error })).to_json()
}

/// How reading a connection ended.
enum End {
    /// The socket closed or failed: nothing more can be sent.
    Gone,
    /// We close: these frames (the last a close frame) go out first.
    Closing(Vec<Frame>),
}

pub async fn serve(state: Arc<State>, stream: TcpStream, read: Bytes, addr: Option<SocketAddr>) {
    let ip = addr.map(|a| a.ip().to_string()).unwrap_or_default();
    let loopback = addr.map(|a| a.ip().is_loopback()).unwrap_or(true);
    let id = state.next_conn.fetch_add(1, Ordering::Relaxed) + 1;
    let stream = Arc::new(stream);
    let out = Arc::new(Outbox::new(stream.clone()));
    let (conn, replies) = Conn::new(
        id,
        ip,
        loopback,
        state.settings.strict,
        Out::Socket(out.clone()),
    );
    let writer = tokio::spawn(write_loop(state.clone(), conn.clone(), out.clone()));
    let replier = tokio::spawn(send_replies(state.clone(), conn.clone(), replies));
    let mut reader = Reader::new(read, state.settings.ws_max_message_size);
    let end = read_loop(&state, &conn, &stream, &mut reader).await;
    web::disconnect(&conn);
    host::disconnect(&state, &conn);
    replier.abort();
    writer.abort();
    if let End::Closing(frames) = end {
        for f in &frames {
            out.push(f, None);
        }
        // A peer that reads nothing gets 2 s; then the socket is dropped as it is.
        let linger = async {
            if out.drain().await == Flushed::Empty {
                // Half-close, then read until the client closes too: closing with its
                // bytes unread would reset the connection and could lose our last frames.
                shutdown(&stream, libc::SHUT_WR);
                let mut scratch = [0u8; 4096];
                while stream.readable().await.is_ok() {
                    match stream.try_read(&mut scratch) {
                        Ok(0) => break,
                        Ok(_) => {}
                        Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {}
                        Err(_) => break,
                    }
                }
            }
        };
        let _ = tokio::time::timeout(std::time::Duration::from_secs(2), linger).await;
    }
    out.close();
    // Pages may still hold this connection for a moment; the socket closes now.
    shutdown(&stream, libc::SHUT_RDWR);
}

fn shutdown(stream: &TcpStream, how: libc::c_int) {
    use std::os::fd::AsRawFd;
    // SAFETY: shutdown on a socket this connection owns; no memory is passed.
    unsafe {
        libc::shutdown(stream.as_raw_fd(), how);
    }
}

async fn read_loop(state: &State, conn: &Conn, stream: &TcpStream, reader: &mut Reader) -> End {
    loop {
        loop {
            match reader.next() {
                Ok(Some(Inbound::Text(text))) => dispatch(state, conn, &text),
                Ok(Some(Inbound::Binary)) => {}
                Ok(Some(Inbound::Ping(p))) => conn.send_frame(&Frame::pong(&p)),
                Ok(Some(Inbound::Close(code))) => {
                    return End::Closing(vec![Frame::close(code, "")]);
                }
                Ok(None) => break,
                Err(ReadError::TooBig(n)) => {
                    let max = state.settings.ws_max_message_size;
                    let err = format!("message of {n} bytes exceeds the maximum of {max} bytes");
                    tracing::warn!(conn = conn.id, "{err}; closing");
                    return End::Closing(vec![
                        error_frame("", &err).into(),
                        Frame::close(Some(1009), "message too big"),
                    ]);
                }
                Err(ReadError::Protocol(why, code)) => {
                    tracing::debug!(conn = conn.id, "websocket: {why}; closing");
                    return End::Closing(vec![Frame::close(Some(code), why)]);
                }
            }
        }
        if stream.readable().await.is_err() {
            return End::Gone;
        }
        match stream.try_read_buf(reader.buf()) {
            Ok(0) => return End::Gone,
            Ok(_) => {}
            Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {}
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => {
                tracing::debug!(conn = conn.id, "websocket read: {e}");
                return End::Gone;
            }
        }
    }
}

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

/// Sends what the socket could not take when it was written, and resyncs a browser that
/// fell behind.
async fn write_loop(state: Arc<State>, conn: Arc<Conn>, out: Arc<Outbox>) {
    loop {
        // Checked whenever the socket takes bytes again: the stale frames are dropped then.
        if conn.behind.swap(false, Ordering::AcqRel) {
            resync(&state, &conn, &out);
        }
        match out.flush() {
            Flushed::Empty => out.wake.notified().await,
            Flushed::Blocked => {
                if !out.writable().await {
                    return;
                }
            }
            Flushed::Closed => return,
        }
    }
}

/// Sends replies that wait for durability (strict mode), in order.
async fn send_replies(state: Arc<State>, conn: Arc<Conn>, mut replies: Replies) {
    while let Some((ticket, frame)) = replies.recv().await {
        if let Some(t) = ticket {
            state.store.durable(t).await;
        }
        conn.send_frame(&frame);
    }
}

/// Replaces the queued updates of a browser that fell behind with its full state, under
/// the session lock so no update is lost or applied twice.
fn resync(state: &State, conn: &Conn, out: &Outbox) {
    let Some(session) = conn.browsing.lock().as_ref().map(|(_, s)| s.clone()) else {
        return;
    };
    let inner = session.lock();
    out.discard_unsent();
    tracing::info!(conn = conn.id, page = %session.page_name, "browser fell behind; sending full state");
    let full = web::full_state_frame(state, conn, "", &session, &inner);
    out.push(&full.into(), None);
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
