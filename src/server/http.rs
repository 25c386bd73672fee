//! HTTP routes: the WebSocket endpoint, health check, the small `/api` surface, and the
//! embedded web client (SPA: unknown paths get `index.html`).

use super::state::State;
use rust_embed::RustEmbed;
use std::sync::Arc;
use warp::http::{header, Response, StatusCode};
use warp::Filter;

#[derive(RustEmbed)]
#[folder = "web/dist/"]
struct Assets;

fn asset(path: &str) -> Option<Response<Vec<u8>>> {
    let file = Assets::get(path)?;
    let mime = mime_guess::from_path(path).first_or_octet_stream();
    // Hashed bundles and icon fonts never change; everything else is revalidated.
    let cache = if path.starts_with("assets/") || path.starts_with("fonts/") {
        "public, max-age=31536000, immutable"
    } else {
        "no-cache"
    };
    Response::builder()
        .header(header::CONTENT_TYPE, mime.as_ref())
        .header(header::CACHE_CONTROL, cache)
        .body(file.data.into_owned())
        .ok()
}

fn index() -> Response<Vec<u8>> {
    asset("index.html").unwrap_or_else(|| {
        let mut r = Response::new(b"pglet: web client not built".to_vec());
        *r.status_mut() = StatusCode::NOT_FOUND;
        r
    })
}

fn json(status: StatusCode, body: &'static str) -> Response<Vec<u8>> {
    let mut r = Response::new(body.as_bytes().to_vec());
    *r.status_mut() = status;
    r.headers_mut().insert(
        header::CONTENT_TYPE,
        header::HeaderValue::from_static("application/json; charset=utf-8"),
    );
    r
}

pub fn routes(
    state: Arc<State>,
    pipes_socket: Option<std::path::PathBuf>,
) -> impl Filter<Extract = (impl warp::Reply,), Error = warp::Rejection> + Clone {
    let ws = warp::path("ws")
        .and(warp::path::end())
        .and(super::listen::websocket(state));
    // A plain GET of /ws (no upgrade) is a bad request, as in the reference.
    let ws_plain = warp::path("ws").and(warp::path::end()).map(|| {
        let mut r = Response::new(b"Bad Request\n".to_vec());
        *r.status_mut() = StatusCode::BAD_REQUEST;
        r
    });
    let healthz = warp::path("healthz").and(warp::path::end()).map(|| "ok");
    let api_ping = warp::path("api")
        .and(warp::path::end())
        .map(|| json(StatusCode::OK, r#"{"message":"pong"}"#));
    // Where `pglet page` on this machine asks for direct pipes (see server/pipes.rs).
    let api_pipes = warp::path!("api" / "pipes").and(super::listen::peer()).map(
        move |addr: Option<std::net::SocketAddr>| {
            let local = addr.is_some_and(|a| a.ip().is_loopback());
            match pipes_socket.as_ref().filter(|_| local) {
                Some(p) => {
                    let body = serde_json::json!({ "socket": p }).to_string();
                    let mut r = Response::new(body.into_bytes());
                    r.headers_mut().insert(
                        header::CONTENT_TYPE,
                        header::HeaderValue::from_static("application/json; charset=utf-8"),
                    );
                    r
                }
                None => json(StatusCode::NOT_FOUND, r#"{"message":"no direct pipes"}"#),
            }
        },
    );
    let api_other = warp::path("api").map(|| {
        json(
            StatusCode::NOT_FOUND,
            r#"{"message":"API endpoint not found"}"#,
        )
    });
    let files = warp::path::tail().map(|tail: warp::path::Tail| {
        let p = tail.as_str();
        if p.is_empty() {
            return index();
        }
        asset(p).unwrap_or_else(index)
    });
    ws.or(ws_plain)
        .or(healthz)
        .or(api_ping)
        .or(api_pipes)
        .or(api_other)
        .or(warp::get().and(files))
}

/// The client's address: the peer, or the first `X-Forwarded-For` entry when the peer is a
/// trusted proxy.
pub(super) fn client_addr(
    trusted: &[std::net::IpAddr],
    peer: Option<std::net::SocketAddr>,
    fwd: Option<String>,
) -> Option<std::net::SocketAddr> {
    let peer = peer?;
    if !trusted.contains(&peer.ip()) {
        return Some(peer);
    }
    let first = fwd
        .as_deref()
        .and_then(|f| f.split(',').next())
        .map(str::trim);
    match first.and_then(|f| f.parse::<std::net::IpAddr>().ok()) {
        Some(ip) => Some(std::net::SocketAddr::new(ip, peer.port())),
        None => Some(peer),
    }
}
