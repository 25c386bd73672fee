//! Lifetimes and the sweeper on a real clock with short lifetimes; quotas, size limit,
//! names and host access.

mod support;
use serde_json::json;
use std::time::{Duration, Instant};
use support::{Server, Ws};

const FAST: &[&str] = &[
    "--page-lifetime",
    "3s",
    "--sweep-interval",
    "200ms",
    "--app-lifetime",
    "3s",
    "--session-lifetime",
    "2s",
];

fn counts(dir: &std::path::Path) -> pglet::store::Counts {
    let store = pglet::store::Store::open(dir, Duration::from_millis(10)).expect("open store");
    store.counts()
}

#[tokio::test]
async fn idle_page_expires_updated_page_stays() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(dir.path(), FAST, &[]);
    let mut idle = Ws::connect(&server.ws_url()).await;
    idle.register_host("idle", false).await;
    assert_eq!(
        idle.cmd("p/idle", "add text id=t value=x").await["result"],
        "t"
    );
    let mut busy = Ws::connect(&server.ws_url()).await;
    busy.register_host("busy", false).await;
    let mut web = Ws::connect(&server.ws_url()).await;
    assert!(web.register_web("p/idle").await["session"].is_object());
    idle.recv_action("pageEventToHost").await; // page connect
    let started = Instant::now();
    // Keep `busy` updated every 500 ms while waiting for `idle` to expire.
    let closed = loop {
        tokio::select! {
            ev = idle.recv_action("pageEventToHost") => break ev,
            _ = tokio::time::sleep(Duration::from_millis(500)) => {
                assert_eq!(busy.cmd("p/busy", "add text value=tick").await["error"], "");
            }
        }
    };
    let waited = started.elapsed();
    assert_eq!(closed["payload"]["eventName"], "close");
    assert_eq!(closed["payload"]["eventTarget"], "page");
    assert!(
        waited >= Duration::from_millis(2500) && waited < Duration::from_millis(4500),
        "expired after {waited:?}"
    );
    let screen = web.recv_action("pageExpired").await;
    assert!(screen["payload"]["message"]
        .as_str()
        .unwrap()
        .contains("expired"));
    let err = idle.cmd("p/idle", "get t value").await;
    assert_eq!(err["error"], "page 'p/idle' has expired");
    // `busy` is still there, well past its first deadline.
    assert_eq!(busy.cmd("p/busy", "get page t").await["result"], "page");
    server.stop();
    let c = counts(dir.path());
    assert_eq!(
        (c.pages, c.sessions),
        (1, 1),
        "only the busy page remains: {c:?}"
    );
}

#[tokio::test]
async fn deadline_survives_restart() {
    let dir = tempfile::tempdir().unwrap();
    let args = ["--page-lifetime", "4s", "--sweep-interval", "200ms"];
    let server = Server::start(dir.path(), &args, &[]);
    let mut h = Ws::connect(&server.ws_url()).await;
    h.register_host("gone", false).await;
    h.cmd("p/gone", "add text id=a").await;
    h.register_host("kept", false).await;
    let t0 = Instant::now();
    h.cmd("p/kept", "add text id=a value=here").await;
    server.stop();
    // `gone`'s deadline passes while the server is down...
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let server = Server::start(dir.path(), &args, &[]);
    let mut web = Ws::connect(&server.ws_url()).await;
    let state = web.register_web("p/kept").await;
    assert_eq!(state["session"]["controls"]["a"]["value"], "here");
    // ...`kept` expires at its original deadline (t0 + 4 s), not 4 s after the restart.
    let restarted = t0.elapsed();
    web.recv_action("pageExpired").await;
    let at = t0.elapsed();
    assert!(
        at < restarted + Duration::from_millis(3800),
        "expired {at:?} after update, restart at {restarted:?}"
    );
    assert!(
        at >= Duration::from_millis(3500),
        "expired too early: {at:?}"
    );
    server.stop();
    assert_eq!(counts(dir.path()).pages, 0);
}

#[tokio::test]
async fn expired_while_down_is_gone_at_start() {
    let dir = tempfile::tempdir().unwrap();
    let args = ["--page-lifetime", "1s", "--sweep-interval", "100ms"];
    let server = Server::start(dir.path(), &args, &[]);
    let mut h = Ws::connect(&server.ws_url()).await;
    h.register_host("old", false).await;
    h.cmd("p/old", "add text id=a").await;
    server.stop();
    tokio::time::sleep(Duration::from_millis(1300)).await;
    let server = Server::start(dir.path(), &args, &[]);
    let mut web = Ws::connect(&server.ws_url()).await;
    // The first sweep runs at start; poll until it has.
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        let r = web.register_web("p/old").await;
        if r["error"] == "Page not found or application is not running." {
            break;
        }
        assert!(Instant::now() < deadline, "page still served: {r}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    server.stop();
    assert_eq!(counts(dir.path()).log_entries, 0);
}

async fn app_host(url: &str, page: &str) -> Ws {
    let mut h = Ws::connect(url).await;
    let r = h
        .request("registerHostClient", json!({"hostClientID":"","pageName":page,"isApp":true,"update":false,"authToken":"","permissions":""}))
        .await;
    assert_eq!(r["error"], "");
    h
}

#[tokio::test]
async fn app_sessions_idle_expire_active_stay_host_disconnect_ends() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(dir.path(), FAST, &[]);
    let mut host = app_host(&server.ws_url(), "app").await;
    let mut idle = Ws::connect(&server.ws_url()).await;
    assert!(idle.register_web("p/app").await["session"].is_object());
    let idle_sid = host.recv_action("sessionCreated").await["payload"]["sessionID"]
        .as_str()
        .unwrap()
        .to_string();
    // The idle browser leaves; its session should expire ~2 s later.
    drop(idle);
    let mut active = Ws::connect(&server.ws_url()).await;
    assert!(active.register_web("p/app").await["session"].is_object());
    let active_sid = host.recv_action("sessionCreated").await["payload"]["sessionID"]
        .as_str()
        .unwrap()
        .to_string();
    let close = loop {
        let ev = host.recv_action("pageEventToHost").await;
        if ev["payload"]["eventName"] == "close" {
            break ev;
        }
    };
    assert_eq!(close["payload"]["sessionID"], idle_sid.as_str());
    // The session with a connected browser outlives the session lifetime.
    tokio::time::sleep(Duration::from_millis(2500)).await;
    let r = host
        .request("pageCommandFromHost", json!({"pageName":"p/app","sessionID":active_sid,"command":{"name":"get","values":["page","t"]}}))
        .await;
    assert_eq!(r["result"], "page");
    // The host goes: its sessions end at once and the browser is told.
    drop(host);
    let inactive = active.recv_action("appBecomeInactive").await;
    assert!(inactive["payload"]["message"]
        .as_str()
        .unwrap()
        .contains("inactive"));
}

#[tokio::test]
async fn service_quota_size_limit_and_names() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(
        dir.path(),
        &["--limits", "service"],
        &[("PGLET_RESERVED_ACCOUNT_NAMES", "admin")],
    );
    let mut h = Ws::connect(&server.ws_url()).await;
    assert_eq!(
        h.register_host("admin/x", false).await["error"],
        "account or page name is reserved"
    );
    for i in 0..10 {
        assert_eq!(
            h.register_host(&format!("q{i}"), false).await["error"],
            "",
            "page {i}"
        );
    }
    assert_eq!(
        h.register_host("q0", true).await["error"],
        "",
        "re-registering does not count"
    );
    assert_eq!(
        h.register_host("q10", false).await["error"],
        "a limit of 10 new pages per hour has been reached"
    );
    assert_eq!(
        h.register_host("a/b/c", false).await["error"],
        "Page name must be in format {page} or {namespace}/{page}"
    );
    assert_eq!(
        h.register_host(&"x".repeat(61), false).await["error"],
        "page name exceeds the maximum allowed size of 60 symbols"
    );
    // 1 MB default size limit: a command that would cross it changes nothing.
    let chunk = "y".repeat(300_000);
    for i in 0..3 {
        assert_eq!(
            h.cmd("p/q1", &format!("add text id=c{i} value={chunk}"))
                .await["error"],
            ""
        );
    }
    let before = Ws::connect(&server.ws_url())
        .await
        .register_web("p/q1")
        .await["session"]["controls"]
        .clone();
    let err = h
        .cmd(
            "p/q1",
            &format!("add\ntext id=d1 value=z\ntext id=d2 value={chunk}"),
        )
        .await;
    assert!(
        err["error"]
            .as_str()
            .unwrap()
            .contains("size exceeds the maximum of 1048576 bytes"),
        "{err}"
    );
    let after = Ws::connect(&server.ws_url())
        .await
        .register_web("p/q1")
        .await["session"]["controls"]
        .clone();
    assert_eq!(before, after);
    server.stop();
    // Quota counters survive a restart.
    let server = Server::start(dir.path(), &["--limits", "service"], &[]);
    let mut h = Ws::connect(&server.ws_url()).await;
    assert_eq!(
        h.register_host("q11", false).await["error"],
        "a limit of 10 new pages per hour has been reached"
    );
}

#[tokio::test]
async fn remote_hosts_and_tokens() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(
        dir.path(),
        &["--trusted-proxies", "127.0.0.1"],
        &[("PGLET_HOST_CLIENTS_AUTH_TOKEN", "s3cret")],
    );
    let remote = |fwd: &'static str| {
        let mut req =
            tokio_tungstenite::tungstenite::client::IntoClientRequest::into_client_request(
                server.ws_url(),
            )
            .unwrap();
        req.headers_mut()
            .insert("x-forwarded-for", fwd.parse().unwrap());
        req
    };
    let (mut ws, _) = tokio_tungstenite::connect_async(remote("203.0.113.7"))
        .await
        .unwrap();
    use futures_util::{SinkExt, StreamExt};
    ws.send(tokio_tungstenite::tungstenite::Message::text(
        json!({"id":"1","action":"registerHostClient","payload":{"pageName":"r","authToken":"s3cret"}}).to_string(),
    ))
    .await
    .unwrap();
    let reply = ws.next().await.unwrap().unwrap().into_text().unwrap();
    assert!(
        reply.contains("remote host clients are not allowed"),
        "{reply}"
    );
    let mut local = Ws::connect(&server.ws_url()).await;
    let r = local
        .request(
            "registerHostClient",
            json!({"pageName":"r","authToken":"wrong"}),
        )
        .await;
    assert_eq!(r["error"], "invalid auth token");
    let r = local
        .request("registerHostClient", json!({"pageName":"r"}))
        .await;
    assert_eq!(r["error"], "invalid auth token");
    let r = local
        .request(
            "registerHostClient",
            json!({"pageName":"r","authToken":"s3cret"}),
        )
        .await;
    assert_eq!(r["error"], "");
    // Commands need a registration on that socket.
    let mut anon = Ws::connect(&server.ws_url()).await;
    let r = anon.cmd("p/r", "get page t").await;
    assert_eq!(r["error"], "Page not found or access denied");
}

#[tokio::test]
async fn page_with_permissions_requires_signin() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(dir.path(), &[], &[]);
    let mut h = Ws::connect(&server.ws_url()).await;
    let r = h
        .request(
            "registerHostClient",
            json!({"pageName":"perm","permissions":"github:someone, google:*@example.com"}),
        )
        .await;
    assert_eq!(r["error"], "");
    let mut web = Ws::connect(&server.ws_url()).await;
    let reply = web.register_web("p/perm").await;
    assert_eq!(
        reply,
        json!({"session":null,"error":"signin_required","signinOptions":{"gitHubEnabled":true,"gitHubGroupScope":false,"azureEnabled":false,"azureGroupScope":false,"googleEnabled":true,"googleGroupScope":false}})
    );
    assert_eq!(h.cmd("p/perm", "canaccess").await["result"], "true");
}
