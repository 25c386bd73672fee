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

/// The server's own WebSocket framing, as a client library uses it: pings are answered,
/// a message sent in fragments is one message, a close is echoed, and a frame that is not
/// WebSocket closes only its own connection.
#[tokio::test]
async fn websocket_framing_pings_fragments_and_close() {
    use tokio_tungstenite::tungstenite::protocol::frame::coding::{Data, OpCode};
    use tokio_tungstenite::tungstenite::protocol::frame::Frame;
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(dir.path(), &[], &[]);
    let (mut raw, _) = tokio_tungstenite::connect_async(server.ws_url())
        .await
        .unwrap();
    raw.send(Message::Ping(b"are you there".to_vec().into()))
        .await
        .unwrap();
    match raw.next().await {
        Some(Ok(Message::Pong(p))) => assert_eq!(&p[..], b"are you there"),
        other => panic!("expected a pong: {other:?}"),
    }

    let register = json!({"id":"r1","action":"registerHostClient","payload":{"pageName":"frag","isApp":false}})
        .to_string();
    let (a, b) = register.split_at(register.len() / 2);
    let (b, c) = b.split_at(b.len() / 2);
    for (part, op, last) in [
        (a, OpCode::Data(Data::Text), false),
        (b, OpCode::Data(Data::Continue), false),
        (c, OpCode::Data(Data::Continue), true),
    ] {
        let f = Frame::message(part.as_bytes().to_vec(), op, last);
        raw.send(Message::Frame(f)).await.unwrap();
    }
    let reply: serde_json::Value =
        serde_json::from_str(&raw.next().await.unwrap().unwrap().into_text().unwrap()).unwrap();
    assert_eq!(reply["id"], "r1");
    assert_eq!(reply["payload"]["pageName"], "p/frag", "{reply}");

    raw.send(Message::Close(None)).await.unwrap();
    match raw.next().await {
        Some(Ok(Message::Close(_))) | None => {}
        other => panic!("expected the close echoed: {other:?}"),
    }

    // A reserved opcode: that socket is closed with a protocol error, others go on.
    let mut bad =
        tokio::net::TcpStream::connect(server.url().trim_start_matches("http://").to_string())
            .await
            .unwrap();
    let (mut good, _) = tokio_tungstenite::connect_async(server.ws_url())
        .await
        .unwrap();
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    bad.write_all(
        b"GET /ws HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\
          Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n",
    )
    .await
    .unwrap();
    // Opcode 3 (reserved), masked, empty.
    bad.write_all(&[0x83, 0x80, 1, 2, 3, 4]).await.unwrap();
    let mut got = Vec::new();
    let read = tokio::time::timeout(
        std::time::Duration::from_secs(10),
        bad.read_to_end(&mut got),
    )
    .await;
    assert!(read.is_ok(), "the broken socket was not closed");
    let text = String::from_utf8_lossy(&got);
    assert!(text.starts_with("HTTP/1.1 101"), "{text}");
    let body = text
        .find("\r\n\r\n")
        .map(|i| &got[i + 4..])
        .unwrap_or_default();
    assert_eq!(&body[..1], &[0x88], "a close frame: {body:?}");
    assert_eq!(&body[2..4], &1002u16.to_be_bytes(), "code 1002: {body:?}");
    good.send(Message::Ping(b"still".to_vec().into()))
        .await
        .unwrap();
    assert!(matches!(good.next().await, Some(Ok(Message::Pong(_)))));
}
