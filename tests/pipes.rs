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
    let out = support::output(&mut c).expect("bash");
    assert!(
        out.status.success(),
        "bash failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// Fields drop in order: the harness (which stops the proxy by the pid file in its
/// `$TMPDIR`) before the directory that holds that file.
/// A browser stand-in on `page`; returns it with its `registerWebClient` reply.
fn browser(port: u16, page: &str) -> (Ws, serde_json::Value) {
    let mut w = Ws::connect(port);
    w.send(&format!(
        r#"{{"id":"","action":"registerWebClient","payload":{{"pageName":"{page}","pageHash":"","winWidth":"1","winHeight":"1"}}}}"#
    ));
    let reply = serde_json::from_str(&w.recv(T).expect("registration reply")).unwrap();
    (w, reply)
}

fn click(w: &mut Ws, target: &str, data: &str) {
    w.send(&format!(
        r#"{{"action":"pageEventFromWeb","payload":{{"eventTarget":"{target}","eventName":"click","eventData":"{data}"}}}}"#
    ));
}

struct Setup {
    h: Harness,
    data: std::path::PathBuf,
    _dir: tempfile::TempDir,
}

fn setup(proxy: bool) -> (Setup, Server) {
    setup_with(&[], proxy)
}

/// A server (with `args`) and a harness whose scripts get their pipes from the server
/// itself, or with `proxy` from the proxy daemon: both paths are tested alike.
fn setup_with(args: &[&str], proxy: bool) -> (Setup, Server) {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let tmp = dir.path().join("tmp");
    std::fs::create_dir_all(&tmp).unwrap();
    let server = Server::start(&data, args, &[]);
    let h = Harness::new(server.port, &tmp).via_proxy(proxy);
    (Setup { h, data, _dir: dir }, server)
}

/// The last log sequence number of a page's shared session, from `pglet inspect` (a separate
/// process: sled allows one at a time).
fn logged_seq(data: &Path, page: &str) -> u64 {
    let out = support::output(
        Command::new(env!("CARGO_BIN_EXE_pglet"))
            .args(["inspect", "--data-dir"])
            .arg(data),
    )
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

fn back_to_back_setf_all_arrive_once_in_order(proxy: bool) {
    let (mut s, server) = setup(proxy);
    s.h.page("b2b", "b2b-ev", &["b2b"]);
    // The proxy daemon runs only when it serves the pipes.
    assert_eq!(s.h.tmp.join("pglet-rs-client.pid").exists(), proxy);
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

fn strict_page_survives_kill_9_and_the_script_carries_on(proxy: bool) {
    let (mut s, server) = setup_with(&["--durability", "strict"], proxy);
    s.h.page("crash", "crash-ev", &["crash"]);
    assert_eq!(s.h.tmp.join("pglet-rs-client.pid").exists(), proxy);
    let pipe = s.h.pipes["crash"].clone();
    let before = build_page(&pipe);
    let (_web, full_before) = browser(server.port, "p/crash");
    let port = server.port;
    server.kill();
    // A command written while the server is down waits, and is answered once it is back.
    let waiting = {
        let pipe = pipe.clone();
        std::thread::spawn(move || cmd(&pipe, "get s:b text"))
    };
    let server = Server::start_on(port, &s.data, &["--durability", "strict"], &[]);
    assert_eq!(waiting.join().unwrap(), "0 999\n");
    // The same pipe, without a new `pglet page`: the proxy re-registered the page.
    let after: Vec<String> = QUERIES.iter().map(|q| cmd(&pipe, q)).collect();
    assert_eq!(before, after);
    let (_web2, full_after) = browser(server.port, "p/crash");
    assert_eq!(
        full_before["payload"]["session"]["controls"],
        full_after["payload"]["session"]["controls"]
    );
    assert_eq!(cmd(&pipe, "set s:a value=after"), "0 \n");
    assert_eq!(cmd(&pipe, "get s:a value"), "0 after\n");
}

fn batched_graceful_stop_loses_nothing(proxy: bool) {
    let (mut s, server) = setup(proxy);
    s.h.page("calm", "calm-ev", &["calm"]);
    let pipe = s.h.pipes["calm"].clone();
    let before = build_page(&pipe);
    let port = server.port;
    server.stop();
    let _server = Server::start_on(port, &s.data, &[], &[]);
    let after: Vec<String> = QUERIES.iter().map(|q| cmd(&pipe, q)).collect();
    assert_eq!(before, after);
}

fn events_wait_for_a_script_that_reads_late(proxy: bool) {
    let (mut s, server) = setup(proxy);
    s.h.page("late", "late-ev", &["late"]);
    let pipe = s.h.pipes["late"].clone();
    assert_eq!(cmd(&pipe, "add button id=b text=Go"), "0 b\n");
    let (mut web, _) = browser(server.port, "p/late");
    for i in 0..200 {
        click(&mut web, "b", &i.to_string());
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

fn reference_crash_cases_get_errors_and_everything_keeps_serving(proxy: bool) {
    let (mut s, _server) = setup(proxy);
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
    let (_web, reply) = browser(s.h.port, "p/crash");
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

fn uds_pipes_on_one_persistent_connection(proxy: bool) {
    use std::io::{Read, Write};
    use std::os::unix::net::UnixStream;
    let (s, server) = setup(proxy);
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
    let (mut web, _) = browser(server.port, "p/vec-uds");
    web.send(r#"{"action":"pageEventFromWeb","payload":{"eventTarget":"u","eventName":"click","eventData":"x"}}"#);
    let want = "page connect \nu click x\n";
    let mut buf = vec![0u8; want.len()];
    ev.read_exact(&mut buf).unwrap();
    assert_eq!(String::from_utf8(buf).unwrap(), want);
}

fn page_without_server_starts_one(proxy: bool) {
    let dir = tempfile::tempdir().unwrap();
    let tmp = dir.path().join("tmp");
    std::fs::create_dir_all(&tmp).unwrap();
    let port = support::free_port();
    let h = Harness::new(port, &tmp).via_proxy(proxy);
    let out = support::output(
        h.pglet()
            .args(["page", "vec-local", "--no-window"])
            .env("PGLET_SERVER_PORT", port.to_string())
            .env("PGLET_DATA_DIR", dir.path().join("data")),
    )
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

fn two_scripts_on_one_page_each_get_every_event_once(proxy: bool) {
    let (mut s, server) = setup(proxy);
    s.h.page("one", "one-ev", &["shared"]);
    s.h.page("two", "two-ev", &["shared", "--update"]);
    assert_eq!(cmd(&s.h.pipes["one"], "add button id=b text=Go"), "0 b\n");
    assert_eq!(cmd(&s.h.pipes["two"], "get b text"), "0 Go\n");
    let (mut web, _) = browser(server.port, "p/shared");
    for i in 0..3 {
        click(&mut web, "b", &i.to_string());
    }
    for ev in ["one-ev", "two-ev"] {
        let path = s.h.events[ev].display().to_string();
        let got = bash(
            r#"for i in 1 2 3 4; do read -r l < "$EV"; echo "$l"; done"#,
            &[("EV", &path)],
        );
        assert_eq!(
            got, "page connect\nb click 0\nb click 1\nb click 2\n",
            "events of {ev}"
        );
    }
}

/// A Bash app as a user writes it: one handler per session, reading clicks from its event
/// pipe and answering through its command pipe.
const COUNTER_APP: &str = r#"
"$PGLET" app counter --server "$SERVER" --no-window | {
  read -r URL
  echo "$URL"
  while read -r PIPE; do
    (
      echo "add button id=b text=0" > "$PIPE"; read -r r < "$PIPE"
      n=0
      while read -r t e d < "$PIPE.events"; do
        case "$t $e" in
          "b click") n=$((n+d)); echo "set b text=$n" > "$PIPE"; read -r r < "$PIPE" ;;
          "page close") break ;;
        esac
      done
    ) &
  done
}
"#;

/// Runs COUNTER_APP in a process group of its own, gives `body` the URL the app printed,
/// and kills the group however `body` ends.
fn with_counter_app(s: &Setup, proxy: bool, body: impl FnOnce(String)) {
    use std::os::unix::process::CommandExt;
    let mut app = support::spawn(
        Command::new("bash")
            .arg("-c")
            .arg(COUNTER_APP)
            .env("PGLET", env!("CARGO_BIN_EXE_pglet"))
            .env("SERVER", &s.h.server_url)
            .env("TMPDIR", &s.h.tmp)
            .env("PGLET_DIRECT_PIPES", if proxy { "false" } else { "true" })
            .process_group(0)
            .stdout(std::process::Stdio::piped()),
    )
    .unwrap();
    let stdout = app.stdout.take().unwrap();
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        // `pglet app` prints the URL once the app is registered.
        let mut url = String::new();
        std::io::BufRead::read_line(&mut std::io::BufReader::new(stdout), &mut url).unwrap();
        body(url.trim().to_string())
    }));
    // SAFETY: kill(2) of the process group this test started.
    unsafe { libc::kill(-(app.id() as i32), libc::SIGKILL) };
    let _ = app.wait();
    if let Err(e) = result {
        std::panic::resume_unwind(e);
    }
}

fn bash_app_serves_each_browser_its_own_session(proxy: bool) {
    let (s, server) = setup(proxy);
    with_counter_app(&s, proxy, |url| {
        assert_eq!(url, format!("{}/p/counter", s.h.server_url));
        let open = || {
            let (w, r) = browser(server.port, "p/counter");
            assert_eq!(r["payload"]["error"], "", "{r}");
            w
        };
        let mut a = open();
        let mut b = open();
        // Each session gets its own button from its own handler.
        for w in [&mut a, &mut b] {
            let f = w.recv(T).unwrap();
            assert!(
                f.contains(r#""i":"b""#) && f.contains(r#""text":"0""#),
                "{f}"
            );
        }
        for _ in 0..5 {
            click(&mut a, "b", "1");
        }
        for _ in 0..3 {
            click(&mut b, "b", "1");
        }
        let last_text = |w: &mut Ws, want: &str| loop {
            let f: serde_json::Value = serde_json::from_str(&w.recv(T).expect("update")).unwrap();
            if f["action"] == "updateControlProps" && f["payload"]["props"][0]["text"] == want {
                return;
            }
        };
        last_text(&mut a, "5");
        last_text(&mut b, "3");
    });
}

/// A `pglet app` outlives a restart of its server: apps go through the proxy, which
/// re-registers them (a direct-pipes app would lose its control connection with the server).
#[test]
fn bash_app_carries_on_after_a_server_restart() {
    let (s, server) = setup(false);
    with_counter_app(&s, false, |url| {
        assert_eq!(url, format!("{}/p/counter", s.h.server_url));
        let button = |port: u16| {
            let (mut w, r) = browser(port, "p/counter");
            assert_eq!(r["payload"]["error"], "", "{r}");
            let f = w.recv(T).expect("the app's handler adds a button");
            assert!(f.contains(r#""i":"b""#), "{f}");
            w
        };
        drop(button(server.port));
        let port = server.port;
        server.stop();
        let server = Server::start_on(port, &s.data, &[], &[]);
        // The proxy reconnects on its own; the app answers a new browser again.
        let deadline = std::time::Instant::now() + T;
        let mut w = loop {
            let (mut w, r) = browser(server.port, "p/counter");
            if r["payload"]["error"] == "" {
                if let Some(f) = w.recv(T) {
                    assert!(f.contains(r#""i":"b""#), "{f}");
                    break w;
                }
            }
            assert!(
                std::time::Instant::now() < deadline,
                "no app after the restart: {r}"
            );
        };
        click(&mut w, "b", "2");
        loop {
            let f: serde_json::Value = serde_json::from_str(&w.recv(T).expect("update")).unwrap();
            if f["payload"]["props"][0]["text"] == "2" {
                break;
            }
        }
    });
}

/// The server's own pipes socket answers what is not a request with an error line and
/// goes on serving (scripts of the same user can reach it).
#[test]
fn direct_pipes_socket_refuses_garbage_and_keeps_serving() {
    use std::io::{BufRead, Write};
    let (mut s, _server) = setup(false);
    let sock = s.data.join("pipes.sock");
    for bad in [&b"garbage\n"[..], b"\xff\xfe\n", b"{\"op\":\"page\"}\n"] {
        let mut c = std::os::unix::net::UnixStream::connect(&sock).unwrap();
        c.set_read_timeout(Some(T)).unwrap();
        c.write_all(bad).unwrap();
        let mut line = String::new();
        std::io::BufReader::new(c).read_line(&mut line).unwrap();
        let v: serde_json::Value = serde_json::from_str(&line).unwrap();
        assert_ne!(v["error"].as_str().unwrap_or(""), "", "{bad:?}: {line}");
    }
    s.h.page("after-garbage", "ag-ev", &["after-garbage"]);
    assert_eq!(cmd(&s.h.pipes["after-garbage"], "add text id=ok"), "0 ok\n");
}

fn all_events_delivers_typing_as_page_change(proxy: bool) {
    let (mut s, server) = setup(proxy);
    s.h.page("form", "form-ev", &["form", "--all-events"]);
    let pipe = s.h.pipes["form"].clone();
    assert_eq!(cmd(&pipe, "add textbox id=name onchange"), "0 name\n");
    let (mut web, _) = browser(server.port, "p/form");
    web.send(r#"{"action":"updateControlProps","payload":{"props":[{"i":"name","value":"Ada"}]}}"#);
    web.send(r#"{"action":"pageEventFromWeb","payload":{"eventTarget":"name","eventName":"change","eventData":"Ada"}}"#);
    let ev = s.h.events["form-ev"].display().to_string();
    let got = bash(
        r#"for i in 1 2 3; do read -r l < "$EV"; echo "$l"; done"#,
        &[("EV", &ev)],
    );
    assert_eq!(
        got,
        "page connect\npage change [{\"i\":\"name\",\"value\":\"Ada\"}]\nname change Ada\n"
    );
    assert_eq!(cmd(&pipe, "get name value"), "0 Ada\n");
}

fn expired_page_closes_its_pipe_with_a_clear_error(proxy: bool) {
    let (mut s, _server) = setup_with(
        &["--page-lifetime", "2s", "--sweep-interval", "200ms"],
        proxy,
    );
    s.h.page("brief", "brief-ev", &["brief"]);
    s.h.page("long", "long-ev", &["long", "--lifetime", "1h"]);
    let brief = s.h.pipes["brief"].clone();
    let long = s.h.pipes["long"].clone();
    assert_eq!(cmd(&brief, "add text id=t value=soon"), "0 t\n");
    assert_eq!(cmd(&long, "add text id=t value=kept"), "0 t\n");
    // Blocks until the sweeper expired the page (2 s after its last update).
    let started = std::time::Instant::now();
    let ev = read_fifo_upto(&s.h.events["brief-ev"], 12, T).unwrap();
    assert_eq!(ev, b"page close \n");
    assert!(
        started.elapsed() >= Duration::from_millis(1500),
        "{:?}",
        started.elapsed()
    );
    let reply = cmd(&brief, "get t value");
    assert!(
        reply.starts_with("error ") && reply.contains("expired"),
        "{reply}"
    );
    // The page that asked for an hour outlived the default lifetime.
    assert_eq!(cmd(&long, "get t value"), "0 kept\n");
}

fn an_oversized_command_is_refused_without_disturbing_other_pages(proxy: bool) {
    let (mut s, _server) = setup(proxy);
    s.h.page("big", "big-ev", &["big"]);
    s.h.page("other", "other-ev", &["other"]);
    let big = s.h.pipes["big"].clone();
    let other = s.h.pipes["other"].clone();
    assert_eq!(cmd(&other, "add text id=t value=calm"), "0 t\n");
    let huge = format!("add text id=x value={}", "y".repeat(3 * 1024 * 1024));
    let reply = cmd(&big, &huge);
    assert!(
        reply.starts_with("error command of "),
        "{}",
        &reply[..80.min(reply.len())]
    );
    // The shared connection was never dropped: both pipes go on at once.
    assert_eq!(cmd(&other, "get t value"), "0 calm\n");
    assert_eq!(cmd(&big, "add text id=x value=small"), "0 x\n");
}

/// Runs a test with the server's own pipes and through the proxy daemon.
macro_rules! both {
    ($($name:ident),* $(,)?) => {$(
        mod $name {
            #[test]
            fn direct() {
                super::$name(false)
            }
            #[test]
            fn proxy() {
                super::$name(true)
            }
        }
    )*};
}

both!(
    back_to_back_setf_all_arrive_once_in_order,
    strict_page_survives_kill_9_and_the_script_carries_on,
    batched_graceful_stop_loses_nothing,
    events_wait_for_a_script_that_reads_late,
    reference_crash_cases_get_errors_and_everything_keeps_serving,
    uds_pipes_on_one_persistent_connection,
    page_without_server_starts_one,
    two_scripts_on_one_page_each_get_every_event_once,
    bash_app_serves_each_browser_its_own_session,
    all_events_delivers_typing_as_page_change,
    expired_page_closes_its_pipe_with_a_clear_error,
    an_oversized_command_is_refused_without_disturbing_other_pages,
);
