//! Bad input over the WebSocket gets a clear error frame, never a crash, and nothing
//! already stored is lost.

mod support;
use futures_util::{SinkExt, StreamExt};
use serde_json::json;
use support::{Server, Ws};
use tokio_tungstenite::tungstenite::Message;

#[tokio::test]
async fn bad_frames_get_errors_and_the_page_survives() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(dir.path(), &[], &[("PGLET_WS_MAX_MESSAGE_SIZE", "3000")]);
    let mut host = Ws::connect(&server.ws_url()).await;
    host.register_host("safe", false).await;
    assert_eq!(
        host.cmd("p/safe", "add text id=t value=kept").await["result"],
        "t"
    );

    // A browser frame before registering (the reference crashed on this).
    let mut early = Ws::connect(&server.ws_url()).await;
    early
        .send(json!({"action":"updateControlProps","payload":{"props":[{"i":"page","x":"1"}]}}))
        .await;
    let e = early.recv().await;
    assert_eq!(
        e["payload"]["error"],
        "updateControlProps before registerWebClient"
    );
    early
        .send(
            json!({"action":"pageEventFromWeb","payload":{"eventTarget":"t","eventName":"click"}}),
        )
        .await;
    assert_eq!(
        early.recv().await["payload"]["error"],
        "pageEventFromWeb before registerWebClient"
    );

    // Invalid JSON, wrong payload types, unknown actions: errors or silence, socket stays.
    let (mut raw, _) = tokio_tungstenite::connect_async(server.ws_url())
        .await
        .unwrap();
    raw.send(Message::text("this is not json")).await.unwrap();
    let reply = raw.next().await.unwrap().unwrap().into_text().unwrap();
    assert!(reply.contains("invalid JSON frame"), "{reply}");
    raw.send(Message::text(
        r#"{"id":"x","action":"registerHostClient","payload":{"pageName":5}}"#,
    ))
    .await
    .unwrap();
    let reply = raw.next().await.unwrap().unwrap().into_text().unwrap();
    assert!(
        reply.contains("invalid registerHostClient payload"),
        "{reply}"
    );
    raw.send(Message::text(
        r#"{"id":"y","action":"frobnicate","payload":[1,2]}"#,
    ))
    .await
    .unwrap();
    raw.send(Message::text(r#"{"id":"z","action":"pageCommandFromHost","payload":{"pageName":"p/safe","sessionID":"0","command":{"name":"get","values":["t","value"]}}}"#)).await.unwrap();
    let reply = raw.next().await.unwrap().unwrap().into_text().unwrap();
    // Not registered as a host of p/safe on this socket: refused (the reference let anyone).
    assert!(reply.contains("Page not found or access denied"), "{reply}");

    // A frame over the limit: a clear error, then the socket is closed.
    let big = json!({"id":"big","action":"pageCommandFromHost","payload":{"pageName":"p/safe","sessionID":"0","command":{"name":"add","values":["text"],"attrs":{"value":"y".repeat(5000)}}}});
    raw.send(Message::text(big.to_string())).await.unwrap();
    let reply = raw.next().await.unwrap().unwrap().into_text().unwrap();
    assert!(
        reply.contains("exceeds the maximum of 3000 bytes"),
        "{reply}"
    );
    let next = raw.next().await;
    assert!(
        matches!(next, None | Some(Ok(Message::Close(_))) | Some(Err(_))),
        "socket still open: {next:?}"
    );

    // The server is alive and the page intact.
    assert_eq!(host.cmd("p/safe", "get t value").await["result"], "kept");
    let mut web = Ws::connect(&server.ws_url()).await;
    assert_eq!(
        web.register_web("p/safe").await["session"]["controls"]["t"]["value"],
        "kept"
    );
}
