//! Fan-out: a browser that stops reading neither blocks the host nor makes the server
//! queue without bound; when it reads again it gets a fresh full state and ends in step.

mod support;
use serde_json::Value;
use std::time::{Duration, Instant};
use support::{Server, Ws};

#[tokio::test]
async fn slow_browser_gets_full_state_and_host_is_not_blocked() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(dir.path(), &[], &[]);
    let mut host = Ws::connect(&server.ws_url()).await;
    host.register_host("fan", false).await;
    assert_eq!(
        host.cmd("p/fan", "add text id=t value=start").await["result"],
        "t"
    );
    let mut slow = Ws::connect(&server.ws_url()).await;
    let map = slow.register_web("p/fan").await["session"]["controls"].clone();
    let mut fast = Ws::connect(&server.ws_url()).await;
    fast.register_web("p/fan").await;

    // ~24 MB of updates: far more than socket buffers and the browser queue hold.
    let filler = "x".repeat(4000);
    let started = Instant::now();
    for i in 0..6000 {
        host.cmdf("p/fan", &format!("setf t value={i}{filler}"))
            .await;
    }
    let r = host.cmd("p/fan", "get t value").await;
    assert!(r["result"].as_str().unwrap().starts_with("5999"));
    let host_time = started.elapsed();
    assert!(
        host_time < Duration::from_secs(30),
        "host was held up: {host_time:?}"
    );

    // Both browsers end in step; the one that never read meanwhile got there through a
    // fresh full state rather than 24 MB of queued frames.
    let (_, fast_full) = follow(&mut fast, Value::Null).await;
    let (map, full_states) = follow(&mut slow, map).await;
    assert!(map["t"]["value"].as_str().unwrap().starts_with("5999"));
    let _ = fast_full;
    assert!(
        full_states >= 1,
        "the slow browser was never resynchronised"
    );
}

/// Applies frames as the web client does until `t` shows the last update; returns the
/// final map and how many full states arrived.
async fn follow(ws: &mut Ws, mut map: Value) -> (Value, usize) {
    let mut full_states = 0;
    loop {
        let f: Value = ws.recv().await;
        match f["action"].as_str().unwrap_or("") {
            "registerWebClient" => {
                full_states += 1;
                map = f["payload"]["session"]["controls"].clone();
            }
            "updateControlProps" => {
                for p in f["payload"]["props"].as_array().unwrap() {
                    let id = p["i"].as_str().unwrap();
                    map[id]["value"] = p["value"].clone();
                }
            }
            _ => {}
        }
        if map["t"]["value"].as_str().unwrap_or("").starts_with("5999") {
            return (map, full_states);
        }
    }
}
