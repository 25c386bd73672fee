//! Durability: pages survive `kill -9` in strict mode and a graceful stop in batched mode,
//! byte for byte, as a new browser and `get` see them.

mod support;
use serde_json::Value;
use support::{Server, Ws};

/// Builds a page with nesting, props, appends, removals and many fire-and-forget updates;
/// returns the `get` answers to compare after the restart.
async fn build(ws: &mut Ws, page: &str) -> Vec<Value> {
    assert_eq!(ws.register_host(page, false).await["error"], "");
    let full = format!("p/{page}");
    assert_eq!(
        ws.cmd(
            &full,
            "add\nstack id=s\n  text id=a value=A\n  button id=b text=Go"
        )
        .await["result"],
        "s s:a s:b"
    );
    assert_eq!(ws.cmd(&full, "set s:a value='x y' bold").await["error"], "");
    assert_eq!(ws.cmd(&full, "append s:a value=!").await["error"], "");
    assert_eq!(ws.cmd(&full, "add text id=gone").await["result"], "gone");
    assert_eq!(ws.cmd(&full, "remove gone").await["error"], "");
    for i in 0..2500 {
        ws.cmdf(&full, &format!("setf s:b text={i}")).await;
    }
    // A returning command after the fire-and-forget ones: replies come in order.
    let mut answers = Vec::new();
    for q in [
        "get s:a value",
        "get s:a bold",
        "get s:b text",
        "get s c",
        "get page c",
    ] {
        answers.push(ws.cmd(&full, q).await);
    }
    assert_eq!(answers[2]["result"], "2499");
    answers
}

async fn state(url: &str, page: &str) -> (Value, Vec<Value>) {
    let mut host = Ws::connect(url).await;
    assert_eq!(host.register_host(page, true).await["error"], "");
    let full = format!("p/{page}");
    let mut answers = Vec::new();
    for q in [
        "get s:a value",
        "get s:a bold",
        "get s:b text",
        "get s c",
        "get page c",
    ] {
        answers.push(host.cmd(&full, q).await);
    }
    let mut web = Ws::connect(url).await;
    let controls = web.register_web(&full).await["session"]["controls"].clone();
    (controls, answers)
}

#[tokio::test]
async fn strict_survives_kill_9() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(dir.path(), &["--durability", "strict"], &[]);
    let mut ws = Ws::connect(&server.ws_url()).await;
    let before = build(&mut ws, "crash").await;
    let mut web = Ws::connect(&server.ws_url()).await;
    let controls_before = web.register_web("p/crash").await["session"]["controls"].clone();
    server.kill();
    let server = Server::start(dir.path(), &["--durability", "strict"], &[]);
    let (controls_after, after) = state(&server.ws_url(), "crash").await;
    assert_eq!(before, after);
    assert_eq!(controls_before, controls_after);
    assert_eq!(controls_after["s:a"]["value"], "x y!");
    assert!(controls_after.get("gone").is_none());
}

#[tokio::test]
async fn batched_survives_graceful_stop() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(dir.path(), &[], &[]);
    let mut ws = Ws::connect(&server.ws_url()).await;
    let before = build(&mut ws, "calm").await;
    // Fire-and-forget writes right before the stop must not be lost either.
    for i in 0..500 {
        ws.cmdf("p/calm", &format!("setf s:a value=last{i}")).await;
    }
    let last = ws.cmd("p/calm", "get s:a value").await;
    assert_eq!(last["result"], "last499");
    server.stop();
    let server = Server::start(dir.path(), &[], &[]);
    let (_, after) = state(&server.ws_url(), "calm").await;
    assert_eq!(after[0], last);
    assert_eq!(before[1..], after[1..]);
}

#[tokio::test]
async fn browser_write_back_survives_kill_9() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(dir.path(), &["--durability", "strict"], &[]);
    let mut host = Ws::connect(&server.ws_url()).await;
    host.register_host("form", false).await;
    host.cmd("p/form", "add textbox id=name label=Name").await;
    let mut web = Ws::connect(&server.ws_url()).await;
    web.register_web("p/form").await;
    web.send(serde_json::json!({"action":"updateControlProps","payload":{"props":[{"i":"name","value":"Ada"}]}}))
        .await;
    // The host hears of the change once it is applied; in strict mode it is on disk by the
    // time a later command's reply arrives.
    let change = host.recv_action("pageEventToHost").await;
    let change = if change["payload"]["eventName"] == "connect" {
        host.recv_action("pageEventToHost").await
    } else {
        change
    };
    assert_eq!(change["payload"]["eventName"], "change");
    assert_eq!(host.cmd("p/form", "get name value").await["result"], "Ada");
    server.kill();
    let server = Server::start(dir.path(), &["--durability", "strict"], &[]);
    let mut web = Ws::connect(&server.ws_url()).await;
    assert_eq!(
        web.register_web("p/form").await["session"]["controls"]["name"]["value"],
        "Ada"
    );
}
