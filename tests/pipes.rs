//! Bash scripts on real pipes: back-to-back writes all executed and logged once, pages that
//! survive `kill -9` (strict) and a graceful stop (batched) while the script's pipe stays
//! usable, events kept for a script that reads late, the crash cases of the reference
//! answered with errors, `--uds`, and `pglet page` starting a server when none runs.

mod support;
use std::path::Path;
use std::process::Command;
use std::time::Duration;
use support::vectors::{read_fifo, read_fifo_upto, write_fifo, Harness, Ws};
use support::Server;

const T: Duration = Duration::from_secs(30);

fn cmd(pipe: &Path, text: &str) -> String {
    write_fifo(pipe, format!("{text}\n").as_bytes(), T).unwrap();
    String::from_utf8(read_fifo(pipe, T).unwrap()).unwrap()
}

fn bash(script: &str, env: &[(&str, &str)]) -> String {
    let mut c = Command::new("bash");
    c.arg("-c").arg(script);
    for (k, v) in env {
        c.env(k, v);
    }
    let out = c.output().expect("bash");
    assert!(
        out.status.success(),
        "bash failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

struct Setup {
    _dir: tempfile::TempDir,
    data: std::path::PathBuf,
    h: Harness,
}

fn setup() -> (Setup, Server) {
    setup_with(&[])
}

fn setup_with(args: &[&str]) -> (Setup, Server) {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let tmp = dir.path().join("tmp");
    std::fs::create_dir_all(&tmp).unwrap();
    let server = Server::start(&data, args, &[]);
    let h = Harness::new(server.port, &tmp);
    (Setup { _dir: dir, data, h }, server)
}

/// The last log sequence number of a page's shared session, from `pglet inspect` (a separate
/// process: sled allows one at a time).
fn logged_seq(data: &Path, page: &str) -> u64 {
    let out = Command::new(env!("CARGO_BIN_EXE_pglet"))
        .args(["inspect", "--data-dir"])
        .arg(data)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap())
        .find(|v| v["page"] == page && v["session"] == "0")
        .and_then(|v| v["seq"].as_u64())
        .expect("session in the store")
}

#[test]
fn back_to_back_setf_all_arrive_once_in_order() {
    let (mut s, server) = setup();
    s.h.page("b2b", "b2b-ev", &["b2b"]);
    let pipe = s.h.pipes["b2b"].clone();
    assert_eq!(cmd(&pipe, "add progress id=p value=0"), "0 p\n");
    // A graceful restart in the middle: the proxy reconnects on its own.
    let port = server.port;
    server.stop();
    let before = logged_seq(&s.data, "p/b2b");
    let server = Server::start_on(port, &s.data, &[], &[]);
    let pipe_s = pipe.display().to_string();
    bash(
        r#"for i in $(seq 1 10000); do echo "setf p value=$i" > "$PIPE"; done"#,
        &[("PIPE", &pipe_s)],
    );
    assert_eq!(cmd(&pipe, "get p value"), "0 10000\n");
    server.stop();
    // Every setf became exactly one logged event.
    assert_eq!(logged_seq(&s.data, "p/b2b") - before, 10_000);
}

const QUERIES: &[&str] = &[
    "get s:a value",
    "get s:a bold",
    "get s:b text",
    "get s:n value",
    "get page title",
    "get gone t",
];

fn build_page(pipe: &Path) -> Vec<String> {
    assert_eq!(
        cmd(
            pipe,
            "add\nstack id=s\n  text id=a value=A\n  button id=b text=Go\n  text id=n"
        ),
        "0 s s:a s:b s:n\n"
    );
    assert_eq!(cmd(pipe, "set s:a value='x y' bold"), "0 \n");
    assert_eq!(cmd(pipe, "append s:a value=!"), "0 \n");
    assert_eq!(cmd(pipe, "set s:n value=\"line1\\nline2\""), "0 \n");
    assert_eq!(cmd(pipe, "set page title='Build 42'"), "0 \n");
    assert_eq!(cmd(pipe, "add text id=gone"), "0 gone\n");
    assert_eq!(cmd(pipe, "remove gone"), "0 \n");
    let p = pipe.display().to_string();
    bash(
        r#"for i in $(seq 0 999); do echo "setf s:b text=$i" > "$PIPE"; done"#,
        &[("PIPE", &p)],
    );
    let answers: Vec<String> = QUERIES.iter().map(|q| cmd(pipe, q)).collect();
    assert_eq!(answers[2], "0 999\n");
    assert_eq!(answers[3], "1 line1\nline2\n");
    answers
}

#[test]
fn strict_page_survives_kill_9_and_the_script_carries_on() {
    let (mut s, server) = setup_with(&["--durability", "strict"]);
    s.h.page("crash", "crash-ev", &["crash"]);
    let pipe = s.h.pipes["crash"].clone();
    let before = build_page(&pipe);
    let mut web = Ws::connect(server.port);
    web.send(r#"{"id":"","action":"registerWebClient","payload":{"pageName":"p/crash","pageHash":"","winWidth":"1","winHeight":"1"}}"#);
    let full_before: serde_json::Value = serde_json::from_str(&web.recv(T).unwrap()).unwrap();
    let port = server.port;
    server.kill();
    let server = Server::start_on(port, &s.data, &["--durability", "strict"], &[]);
    // The same pipe, without a new `pglet page`: the proxy re-registered the page.
    let after: Vec<String> = QUERIES.iter().map(|q| cmd(&pipe, q)).collect();
    assert_eq!(before, after);
    let mut web = Ws::connect(server.port);
    web.send(r#"{"id":"","action":"registerWebClient","payload":{"pageName":"p/crash","pageHash":"","winWidth":"1","winHeight":"1"}}"#);
    let full_after: serde_json::Value = serde_json::from_str(&web.recv(T).unwrap()).unwrap();
    assert_eq!(
        full_before["payload"]["session"]["controls"],
        full_after["payload"]["session"]["controls"]
    );
    assert_eq!(cmd(&pipe, "set s:a value=after"), "0 \n");
    assert_eq!(cmd(&pipe, "get s:a value"), "0 after\n");
}

#[test]
fn batched_graceful_stop_loses_nothing() {
    let (mut s, server) = setup();
    s.h.page("calm", "calm-ev", &["calm"]);
    let pipe = s.h.pipes["calm"].clone();
    let before = build_page(&pipe);
    let port = server.port;
    server.stop();
    let _server = Server::start_on(port, &s.data, &[], &[]);
    let after: Vec<String> = QUERIES.iter().map(|q| cmd(&pipe, q)).collect();
    assert_eq!(before, after);
}

#[test]
fn events_wait_for_a_script_that_reads_late() {
    let (mut s, server) = setup();
    s.h.page("late", "late-ev", &["late"]);
    let pipe = s.h.pipes["late"].clone();
    assert_eq!(cmd(&pipe, "add button id=b text=Go"), "0 b\n");
    let mut web = Ws::connect(server.port);
    web.send(r#"{"id":"","action":"registerWebClient","payload":{"pageName":"p/late","pageHash":"","winWidth":"1","winHeight":"1"}}"#);
    web.recv(T).unwrap();
    for i in 0..200 {
        web.send(&format!(
            r#"{{"action":"pageEventFromWeb","payload":{{"eventTarget":"b","eventName":"click","eventData":"{i}"}}}}"#
        ));
    }
    // A command round trip after the clicks: they have all reached the proxy by now.
    assert_eq!(cmd(&pipe, "get b text"), "0 Go\n");
    let ev = s.h.events["late-ev"].display().to_string();
    let got = bash(
        r#"for i in $(seq 0 200); do read -r t n d < "$EV"; echo "$t $n $d"; done"#,
        &[("EV", &ev)],
    );
    let mut want = vec!["page connect ".to_string()];
    want.extend((0..200).map(|i| format!("b click {i}")));
    assert_eq!(got.lines().collect::<Vec<_>>(), want);
}

#[test]
fn reference_crash_cases_get_errors_and_everything_keeps_serving() {
    let (mut s, _server) = setup();
    s.h.page("crash", "crash-ev", &["crash"]);
    let pipe = s.h.pipes["crash"].clone();
    assert_eq!(cmd(&pipe, "add stack id=s\ntext id=t"), "0 s s:t\n");
    assert_eq!(cmd(&pipe, "get s c"), "0 s:t\n");
    assert_eq!(
        cmd(&pipe, "append s value=x"),
        "0 \n",
        "append to a missing prop starts it empty"
    );
    assert_eq!(cmd(&pipe, "get s value"), "0 x\n");
    assert_eq!(
        cmd(&pipe, "remove page"),
        "error 'page' control cannot be removed\n"
    );
    assert_eq!(
        cmd(&pipe, "add text id=u at=-2"),
        "error 'at' is out of range\n"
    );
    assert_eq!(cmd(&pipe, "   "), "error empty command\n");
    assert_eq!(cmd(&pipe, ""), "error empty command\n");
    // A fire-and-forget command that does not parse is logged, not answered.
    write_fifo(&pipe, b"setf s value=\"open\n", T).unwrap();
    assert_eq!(cmd(&pipe, "get s:t t"), "0 text\n");
    // `error` ends the session; a browser opening the page then gets a clear answer.
    write_fifo(&pipe, b"error\n", T).unwrap();
    assert_eq!(
        read_fifo_upto(&s.h.events["crash-ev"], 12, T).unwrap(),
        b"page close \n"
    );
    let mut web = Ws::connect(s.h.port);
    web.send(r#"{"id":"","action":"registerWebClient","payload":{"pageName":"p/crash","pageHash":"","winWidth":"1","winHeight":"1"}}"#);
    let reply: serde_json::Value = serde_json::from_str(&web.recv(T).unwrap()).unwrap();
    assert!(reply["payload"]["session"].is_null());
    assert_ne!(reply["payload"]["error"], "");
    // A browser frame before registering gets an error frame, not a crash.
    let mut early = Ws::connect(s.h.port);
    early.send(r#"{"action":"updateControlProps","payload":{"props":[{"i":"page","x":"1"}]}}"#);
    let f = early.recv(T).unwrap();
    assert!(f.contains("error"), "{f}");
    // Server and proxy both still serve.
    s.h.page("after", "after-ev", &["after"]);
    assert_eq!(cmd(&s.h.pipes["after"], "add text id=ok"), "0 ok\n");
}

#[test]
fn uds_pipes_on_one_persistent_connection() {
    use std::io::{Read, Write};
    use std::os::unix::net::UnixStream;
    let (s, server) = setup();
    let (out, err, ok) = s.h.page_raw(&["vec-uds", "--uds"]);
    assert!(ok, "{err}");
    let (name, url) = out.trim().split_once(' ').unwrap();
    assert!(
        name.starts_with("pglet_pipe_") && !name.contains('/'),
        "{name}"
    );
    assert_eq!(url, format!("{}/p/vec-uds", s.h.server_url));
    let sock = s.h.tmp.join(format!("CoreFxPipe_{name}"));
    let mut c = UnixStream::connect(&sock).unwrap();
    c.set_read_timeout(Some(T)).unwrap();
    let mut ev = UnixStream::connect(s.h.tmp.join(format!("CoreFxPipe_{name}.events"))).unwrap();
    ev.set_read_timeout(Some(T)).unwrap();
    let mut ask = |text: &str, want: &str| {
        c.write_all(text.as_bytes()).unwrap();
        let mut buf = vec![0u8; want.len()];
        c.read_exact(&mut buf).unwrap();
        assert_eq!(String::from_utf8(buf).unwrap(), want);
    };
    ask("add text id=u value=uds\n", "0 u\n");
    ask("get u value\n", "0 uds\n");
    ask("add\nstack id=us\n  text id=ut\n", "0 us us:ut\n");
    ask("bogus\n", "error unknown command: bogus\n");
    let mut web = Ws::connect(server.port);
    web.send(r#"{"id":"","action":"registerWebClient","payload":{"pageName":"p/vec-uds","pageHash":"","winWidth":"1","winHeight":"1"}}"#);
    web.recv(T).unwrap();
    web.send(r#"{"action":"pageEventFromWeb","payload":{"eventTarget":"u","eventName":"click","eventData":"x"}}"#);
    let want = "page connect \nu click x\n";
    let mut buf = vec![0u8; want.len()];
    ev.read_exact(&mut buf).unwrap();
    assert_eq!(String::from_utf8(buf).unwrap(), want);
}

#[test]
fn page_without_server_starts_one() {
    let dir = tempfile::tempdir().unwrap();
    let tmp = dir.path().join("tmp");
    std::fs::create_dir_all(&tmp).unwrap();
    let port = support::free_port();
    let h = Harness::new(port, &tmp);
    let out = h
        .pglet()
        .args(["page", "vec-local", "--no-window"])
        .env("PGLET_SERVER_PORT", port.to_string())
        .env("PGLET_DATA_DIR", dir.path().join("data"))
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    // The server it started is ours to stop: its pid is in the message.
    let pid: Option<i32> = stderr
        .split("pid ")
        .nth(1)
        .and_then(|r| r.split(|c: char| !c.is_ascii_digit()).next())
        .and_then(|p| p.parse().ok());
    let stop = || {
        if let Some(pid) = pid {
            // SAFETY: kill(2) of the server this test's `pglet page` started.
            unsafe { libc::kill(pid, libc::SIGTERM) };
        }
    };
    if !out.status.success() {
        stop();
        panic!("pglet page failed: {stderr}");
    }
    let stdout = String::from_utf8(out.stdout).unwrap();
    let (pipe, url) = stdout.trim().split_once(' ').unwrap();
    let result = std::panic::catch_unwind(|| {
        assert_eq!(url, format!("http://localhost:{port}/p/vec-local"));
        assert_eq!(cmd(Path::new(pipe), "add text id=x value=local"), "0 x\n");
    });
    stop();
    assert!(pid.is_some(), "no pid in: {stderr}");
    result.unwrap();
}
