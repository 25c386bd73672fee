//! Accepting connections: HTTP/1.1 by hyper with warp's routes, and WebSocket upgrades
//! handed to `ws` as the plain TCP socket. warp's own server and WebSocket hide the socket
//! (behind a private wrapper), and writing a broadcast to many sockets from both cores
//! needs it.

use super::state::State;
use bytes::Bytes;
use hyper_util::rt::TokioIo;
use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;
use tokio::net::{TcpListener, TcpStream};
use tokio_tungstenite::tungstenite::handshake::derive_accept_key;
use tower_service::Service;
use warp::http::{header, Response, StatusCode};
use warp::Filter;

/// The peer address of the connection a request came on (what `warp::addr::remote` gives
/// under warp's own server).
#[derive(Clone, Copy, Debug)]
pub struct PeerAddr(pub SocketAddr);

/// The address of the request's peer.
pub fn peer(
) -> impl Filter<Extract = (Option<SocketAddr>,), Error = std::convert::Infallible> + Copy {
    warp::ext::optional::<PeerAddr>().map(|p: Option<PeerAddr>| p.map(|p| p.0))
}

/// Serves `routes` on `listener` until `stop` resolves; then waits up to 2 s for requests
/// in flight (upgraded WebSockets are not waited for).
pub async fn serve<F>(listener: TcpListener, routes: F, stop: impl Future<Output = ()>)
where
    F: Filter + Clone + Send + Sync + 'static,
    F::Extract: warp::Reply,
{
    let (stopping, stop_rx) = tokio::sync::watch::channel(false);
    // Each connection task holds a sender; all dropped means all finished.
    let (alive, mut finished) = tokio::sync::mpsc::channel::<()>(1);
    tokio::pin!(stop);
    loop {
        let (tcp, addr) = tokio::select! {
            r = listener.accept() => match r {
                Ok(pair) => pair,
                Err(e) => {
                    // Out of descriptors, say: wait for some to be released.
                    tracing::warn!("accept: {e}");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut stop => break,
        };
        let filter = warp::service(routes.clone());
        let svc =
            hyper::service::service_fn(move |mut req: hyper::Request<hyper::body::Incoming>| {
                req.extensions_mut().insert(PeerAddr(addr));
                let mut filter = filter.clone();
                filter.call(req)
            });
        let (mut stop_rx, alive) = (stop_rx.clone(), alive.clone());
        tokio::spawn(async move {
            let conn = hyper::server::conn::http1::Builder::new()
                .serve_connection(TokioIo::new(tcp), svc)
                .with_upgrades();
            tokio::pin!(conn);
            let done = tokio::select! {
                r = conn.as_mut() => Some(r),
                _ = stop_rx.wait_for(|s| *s) => None,
            };
            let r = match done {
                Some(r) => r,
                None => {
                    conn.as_mut().graceful_shutdown();
                    conn.await
                }
            };
            if let Err(e) = r {
                tracing::debug!(%addr, "http connection: {e}");
            }
            drop(alive);
        });
    }
    let _ = stopping.send(true);
    drop(alive);
    let _ = tokio::time::timeout(Duration::from_secs(2), finished.recv()).await;
}

/// The WebSocket endpoint: answers the handshake and, once the connection is upgraded,
/// serves it as a plain socket.
pub fn websocket(
    state: Arc<State>,
) -> impl Filter<Extract = (Response<Vec<u8>>,), Error = warp::Rejection> + Clone {
    let connection_upgrade = warp::header::<String>("connection")
        .and_then(|c: String| async move {
            if c.to_ascii_lowercase().contains("upgrade") {
                Ok(())
            } else {
                Err(warp::reject())
            }
        })
        .untuple_one();
    warp::get()
        .and(connection_upgrade)
        .and(warp::header::exact_ignore_case("upgrade", "websocket"))
        .and(warp::header::exact("sec-websocket-version", "13"))
        .and(warp::header::<String>("sec-websocket-key"))
        .and(warp::ext::get::<hyper::upgrade::OnUpgrade>())
        .and(peer())
        .and(warp::header::optional::<String>("x-forwarded-for"))
        .map(
            move |key: String,
                  on: hyper::upgrade::OnUpgrade,
                  addr: Option<SocketAddr>,
                  fwd: Option<String>| {
                let st = state.clone();
                let addr = super::http::client_addr(&st.settings.trusted_proxies, addr, fwd);
                tokio::spawn(async move {
                    match upgraded(on).await {
                        Ok((tcp, read)) => super::ws::serve(st, tcp, read, addr).await,
                        Err(e) => tracing::debug!("websocket upgrade: {e}"),
                    }
                });
                let mut r = Response::new(Vec::new());
                *r.status_mut() = StatusCode::SWITCHING_PROTOCOLS;
                let h = r.headers_mut();
                h.insert(
                    header::CONNECTION,
                    header::HeaderValue::from_static("upgrade"),
                );
                h.insert(
                    header::UPGRADE,
                    header::HeaderValue::from_static("websocket"),
                );
                if let Ok(v) = header::HeaderValue::from_str(&derive_accept_key(key.as_bytes())) {
                    h.insert(header::SEC_WEBSOCKET_ACCEPT, v);
                }
                r
            },
        )
}

/// The socket under an upgraded connection, and the bytes read past the handshake.
async fn upgraded(on: hyper::upgrade::OnUpgrade) -> Result<(TcpStream, Bytes), String> {
    let up = on.await.map_err(|e| e.to_string())?;
    let parts = up
        .downcast::<TokioIo<TcpStream>>()
        .map_err(|_| "the upgraded connection is not a TCP socket".to_string())?;
    Ok((parts.io.into_inner(), parts.read_buf))
}
