//! The reference's recorded vectors (`data/vectors.txt`), replayed against our server through
//! real `pglet page` / `pglet app` FIFOs and WebSocket stand-ins: the same bytes on the pipes,
//! the same JSON frames, except where docs/compatibility.md lists a deliberate difference
//! (those cases carry our expectation here, with the section of that document).

mod support;
use std::path::Path;
use std::time::Duration;
use support::vectors::{load, Case, Harness, Step};
use support::Server;

fn section<'a>(cases: &'a [Case], prefix: &str) -> Vec<&'a Case> {
    let v: Vec<&Case> = cases
        .iter()
        .filter(|c| c.section.starts_with(prefix))
        .collect();
    assert!(!v.is_empty(), "no vector section starts with {prefix:?}");
    v
}

fn setup() -> (tempfile::TempDir, Server, Harness) {
    let mut dir = tempfile::Builder::new()
        .prefix("vectors")
        .tempdir()
        .unwrap();
    // To look at the proxy's log after a failure.
    if std::env::var("VECTORS_KEEP").is_ok() {
        dir.disable_cleanup(true);
    }
    let data = dir.path().join("data");
    let tmp = dir.path().join("tmp");
    std::fs::create_dir_all(&tmp).unwrap();
    let server = Server::start(&data, &[], &[]);
    let h = Harness::new(server.port, &tmp);
    (dir, server, h)
}

#[test]
fn shared_page_pipe_and_browser_vectors() {
    shared_page(false);
}

/// The same cases through the proxy daemon instead of the server's own pipes.
#[test]
fn shared_page_vectors_through_the_proxy() {
    shared_page(true);
}

fn shared_page(proxy: bool) {
    let cases = load();
    let (_d, _server, h) = setup();
    let mut h = h.via_proxy(proxy);
    let url = h.page("p/vec-basic", "vb", &["vec-basic"]);
    assert_eq!(url, format!("{}/p/vec-basic", h.server_url));
    let mut n = 0;
    let mut failures = Vec::new();
    for prefix in [
        "Shared page: grammar",
        "Quoting, escapes",
        "set / setf",
        "clean / remove / replace",
        "begin / end batching",
        "canaccess / signout",
    ] {
        for c in section(&cases, prefix) {
            if c.name.starts_with("web client [web2] closes its WebSocket") {
                h.close_ws("web2");
            }
            let res = match shared_override(c) {
                Some(steps) => h.run(&Case {
                    steps,
                    ..(*c).clone()
                }),
                None => h.run(c),
            };
            if let Err(e) = res {
                failures.push(e);
            }
            n += 1;
        }
    }
    assert!(
        failures.is_empty(),
        "{} mismatches:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert!(n > 150, "only {n} cases ran");
    // `close` removed both FIFOs once `page close ` was read.
    assert!(!h.pipes["p/vec-basic"].exists());
    let ev = h.events["vb"].clone();
    for _ in 0..100 {
        if !ev.exists() {
            break;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    assert!(!ev.exists(), "event pipe left behind");
}

fn read_is(text: &str) -> Step {
    Step::Read(Some(text.as_bytes().to_vec()))
}

/// Replaces the steps of `c` from the first one matching `pick` with `with`.
fn replace_step(c: &Case, pick: impl Fn(&Step) -> bool, with: Step) -> Vec<Step> {
    let mut steps = c.steps.clone();
    if let Some(i) = steps.iter().position(pick) {
        steps[i] = with;
    }
    steps
}

fn patch_frame(c: &Case, f: impl Fn(&mut serde_json::Value)) -> Vec<Step> {
    let mut steps = c.steps.clone();
    for s in steps.iter_mut() {
        if let Step::WsRecv(_, frame) = s {
            let mut v: serde_json::Value = serde_json::from_str(frame).unwrap();
            f(&mut v);
            *frame = v.to_string();
        }
    }
    steps
}

/// Shared-page cases where we differ on purpose (docs/compatibility.md, "Commands"):
/// a failed `add` stores nothing, a multi-line `set` and a batch apply all or nothing, and a
/// batch runs every command instead of silently skipping all but five.
fn shared_override(c: &Case) -> Option<Vec<Step>> {
    let is_read = |s: &Step| matches!(s, Step::Read(_));
    let n = c.name.as_str();
    let read = |text: &str| Some(replace_step(c, is_read, read_is(text)));
    if n.starts_with("get: the failed add still stored the control") {
        return read("error control with ID 'nope:orphan' not found\n");
    }
    if n.starts_with("get: first line of the failed batch was applied") {
        return read("0 A\n");
    }
    if n.starts_with("get: addf in batch did nothing") {
        return read("0 text\n");
    }
    if n.starts_with("get: control added before the failing batch item")
        || n.starts_with("get: still not batching")
    {
        return read("error control with ID 'be1' not found\n");
    }
    if n.starts_with("batch: end - results of add/get") {
        return Some(patch_frame(c, |v| {
            let extra: serde_json::Value = serde_json::json!([
                {"id":"","action":"addPageControls","payload":{"controls":[{"c":[],"i":"bt2","p":"page","t":"text"}],"trimIDs":[]}},
                {"id":"","action":"appendControlProps","payload":{"props":[{"i":"bt1","value":"X"}]}}
            ]);
            if let Some(a) = v["payload"].as_array_mut() {
                a.extend(extra.as_array().unwrap().iter().cloned());
            }
        }));
    }
    if n.starts_with("second web client gets the full current state") {
        return Some(patch_frame(c, |v| {
            let ctl = &mut v["payload"]["session"]["controls"];
            let m = ctl.as_object_mut().unwrap();
            m.remove("nope:orphan");
            m.remove("s2:far");
            m.remove("be1");
            m.insert(
                "bt2".into(),
                serde_json::json!({"c":[],"i":"bt2","p":"page","t":"text"}),
            );
            m["bt1"]["value"] = "twoX".into();
            let kids = m["page"]["c"].as_array_mut().unwrap();
            let at = kids.iter().position(|k| k == "be1").unwrap();
            kids[at] = "bt2".into();
        }));
    }
    None
}

fn is_pipe_path(tmp: &Path, s: &str) -> bool {
    s.strip_prefix(&format!("{}/pglet_pipe_", tmp.display()))
        .is_some_and(|r| {
            r.len() == 10
                && r.bytes()
                    .all(|b| b.is_ascii_digit() || b.is_ascii_lowercase())
        })
}

#[test]
fn page_flag_vectors() {
    let cases = load();
    let (_d, _server, mut h) = setup();
    for c in section(&cases, "Page client flags") {
        let name = c.name.as_str();
        if name.starts_with("register (with --all-events)") {
            h.page("p/vec-events", "ve", &["vec-events", "--all-events"]);
        } else if name.starts_with("--ticker 300") {
            h.page("ticker", "ticker", &["vec-ticker", "--ticker", "300"]);
        } else if name.starts_with("`pglet page` without a name") {
            let (out, err, ok) = h.page_raw(&[]);
            assert!(ok, "{err}");
            let (pipe, url) = out.trim().split_once(' ').unwrap();
            assert!(is_pipe_path(&h.tmp, pipe), "{pipe}");
            let rnd = url.strip_prefix(&format!("{}/p/", h.server_url)).unwrap();
            assert_eq!(rnd.len(), 16, "{url}");
            continue;
        } else if let Some(n) = name.strip_prefix("page name normalisation via CLI: ") {
            let raw = n.trim_matches('"');
            let (out, err, ok) = h.page_raw(&[raw]);
            assert!(ok, "{err}");
            let url = out.trim().split_once(' ').unwrap().1;
            let want = c
                .steps
                .iter()
                .find_map(|s| match s {
                    Step::Other(l) if l.starts_with("stdout: ") => Some(l.clone()),
                    _ => None,
                })
                .unwrap();
            let path = want
                .rsplit_once("18552")
                .unwrap()
                .1
                .trim_end_matches("\\n\"");
            if raw.contains('*') {
                // `x*y`: the star became 16 random characters.
                assert!(url.starts_with(&format!("{}/p/x", h.server_url)) && url.ends_with('y'));
                assert_eq!(url.len(), format!("{}/p/xy", h.server_url).len() + 16);
            } else {
                assert_eq!(url, format!("{}{path}", h.server_url));
            }
            assert_eq!(err, "");
            continue;
        } else if name.starts_with("page name with two slashes") {
            let (out, err, ok) = h.page_raw(&["a/b/c"]);
            assert!(!ok);
            assert_eq!(out, "");
            assert!(
                err.contains("Page name must be in format {page} or {namespace}/{page}"),
                "{err}"
            );
            continue;
        } else if name.starts_with("update-mode setup: add a control") {
            h.page("p/vec-update", "vu1", &["vec-update"]);
            let p = h.pipes["p/vec-update"].clone();
            h.name_pipe("p/vec-update (1st client)", "vu1", &p);
        } else if name.starts_with("second `pglet page vec-update --update`") {
            h.page(
                "p/vec-update (2nd client)",
                "vu2",
                &["vec-update", "--update"],
            );
        } else if name.starts_with("third `pglet page vec-update`") {
            h.page("p/vec-update (3rd client)", "vu3", &["vec-update"]);
        }
        h.run(c).unwrap_or_else(|e| panic!("{e}"));
    }
    // `error` ended the pipe of vec-events: its FIFO is gone.
    assert!(!h.pipes["p/vec-events"].exists());
}

#[test]
fn app_vectors() {
    let cases = load();
    let (_d, _server, mut h) = setup();
    let lines = h.app(&["vec-app"]);
    let next = |what: &str| {
        lines
            .recv_timeout(Duration::from_secs(20))
            .unwrap_or_else(|_| panic!("pglet app printed no {what}"))
    };
    assert_eq!(next("url"), format!("{}/p/vec-app", h.server_url));
    for c in section(&cases, "App mode") {
        let name = c.name.as_str();
        if name.starts_with("A2 closes its WebSocket") {
            h.close_ws("A2");
        }
        if name.starts_with("app host process stops") {
            for mut a in h.apps.drain(..) {
                let _ = a.kill();
                let _ = a.wait();
            }
        }
        h.run(c).unwrap_or_else(|e| panic!("{e}"));
        if name.starts_with("browser A opens the app") {
            let p = next("pipe for session A");
            assert!(is_pipe_path(&h.tmp, &p), "{p}");
            h.name_pipe("app session A", "A", Path::new(&p));
        }
        if name.starts_with("browser B opens the same app") {
            let p = next("pipe for session B");
            h.name_pipe("app session B", "B", Path::new(&p));
        }
    }
}

/// Cases of the direct WebSocket section where we differ on purpose
/// (docs/compatibility.md, "Host protocol").
fn ws_override(c: &Case) -> Option<Vec<Step>> {
    let recv = |l: &str, f: &str| Step::WsRecv(l.into(), f.into());
    let sends: Vec<Step> = c
        .steps
        .iter()
        .filter(|s| matches!(s, Step::WsSend(..)))
        .cloned()
        .collect();
    let with = |extra: Vec<Step>| Some(sends.iter().cloned().chain(extra).collect());
    match c.name.as_str() {
        // Only a registered host may drive a page.
        n if n.starts_with("a WebSocket that never registered") => with(vec![recv(
            "anon",
            r#"{"id":"x1","action":"","payload":{"result":"","error":"Page not found or access denied"}}"#,
        )]),
        // An empty page name is refused, not turned into `p/`.
        "page name normalisation: \"\"" => with(vec![recv(
            "host",
            r#"{"id":"n","action":"","payload":{"hostClientID":"","sessionID":"","pageName":"","error":"page name must not be empty"}}"#,
        )]),
        // A bad frame gets an error frame; the socket stays usable.
        n if n.starts_with("invalid JSON frame") => with(vec![Step::Other("bad-json".into())]),
        _ => None,
    }
}

#[test]
fn websocket_host_protocol_vectors() {
    let cases = load();
    let (_d, _server, mut h) = setup();
    for c in section(&cases, "Direct WebSocket host-client protocol") {
        let name = c.name.as_str();
        if name == "page name normalisation: \"*\"" || name == "page name normalisation: \"ns/*\"" {
            let account = if name.contains("ns/") { "ns" } else { "p" };
            let Step::WsSend(l, f) = &c.steps[0] else {
                panic!("{name}")
            };
            h.ws(l).send(f);
            let got: serde_json::Value =
                serde_json::from_str(&h.ws(l).recv(Duration::from_secs(10)).unwrap()).unwrap();
            let page = got["payload"]["pageName"].as_str().unwrap();
            let rnd = page.strip_prefix(&format!("{account}/")).unwrap();
            assert!(
                rnd.len() == 16
                    && rnd
                        .bytes()
                        .all(|b| b.is_ascii_digit() || b.is_ascii_lowercase()),
                "{page}"
            );
            continue;
        }
        match ws_override(c) {
            Some(steps) => {
                for s in &steps {
                    if s == &Step::Other("bad-json".into()) {
                        let f = h.ws("anon").recv(Duration::from_secs(10)).unwrap();
                        assert!(f.contains("invalid JSON frame"), "{f}");
                    } else {
                        h.step(s).unwrap_or_else(|e| panic!("{name}: {e}"));
                    }
                }
            }
            None => h.run(c).unwrap_or_else(|e| panic!("{e}")),
        }
    }
}

#[test]
fn permission_vectors() {
    let cases = load();
    let (_d, _server, mut h) = setup();
    h.page(
        "p/vec-perm",
        "perm",
        &[
            "vec-perm",
            "--permissions",
            "github:someone, google:*@example.com",
        ],
    );
    // The `--uds` cases of this section are run by tests/pipes.rs (a stream, not frames).
    for c in section(&cases, "--permissions") {
        h.run(c).unwrap_or_else(|e| panic!("{e}"));
    }
}

fn limits_setup(env: &[(&str, &str)]) -> (tempfile::TempDir, Server, Harness) {
    let dir = tempfile::tempdir().unwrap();
    let tmp = dir.path().join("tmp");
    std::fs::create_dir_all(&tmp).unwrap();
    let server = Server::start(&dir.path().join("data"), &[], env);
    let h = Harness::new(server.port, &tmp);
    (dir, server, h)
}

#[test]
fn limit_vectors() {
    let cases = load();
    let (_d, _server, mut h) = limits_setup(&[
        ("PGLET_HOST_CLIENTS_AUTH_TOKEN", "secret"),
        ("PGLET_LIMIT_PAGES_PER_HOUR", "2"),
        ("PGLET_LIMIT_SESSIONS_PER_HOUR", "1"),
        ("PGLET_LIMIT_SESSION_SIZE_BYTES", "400"),
        ("PGLET_RESERVED_ACCOUNT_NAMES", "admin api"),
        ("PGLET_RESERVED_PAGE_NAMES", "p/home"),
        ("PGLET_WS_MAX_MESSAGE_SIZE", "3000"),
    ]);
    for c in section(&cases, "Limits and config") {
        let name = c.name.as_str();
        if name.starts_with("reserved page name -> but quota") {
            // A refused name does not use up the quota (docs/compatibility.md, "Limits"),
            // so this third new page is refused as reserved, not for the quota.
            let Step::WsSend(l, f) = &c.steps[0] else {
                panic!("{name}")
            };
            h.ws(l).send(f);
            h.expect_frame(
                "host",
                r#"{"id":"6","action":"","payload":{"hostClientID":"","sessionID":"","pageName":"p/home","error":"account or page name is reserved"}}"#,
                Duration::from_secs(10),
            )
            .unwrap();
            continue;
        }
        if name.starts_with("WS message larger than") {
            let Step::WsSend(l, f) = &c.steps[0] else {
                panic!("{name}")
            };
            // The recording shortened the frame; rebuild it at full size.
            assert!(f.contains("yyyy"));
            let v = "y".repeat(5000);
            let frame = format!(
                r#"{{"id":"big","action":"pageCommandFromHost","payload":{{"pageName":"p/one","sessionID":"0","command":{{"name":"add","values":["text"],"attrs":{{"value":"{v}"}}}}}}}}"#
            );
            h.ws(l).send(&frame);
            // We say why before closing (the reference just closed).
            let f = h.ws(l).recv(Duration::from_secs(10)).unwrap();
            assert!(f.contains("exceeds the maximum of 3000 bytes"), "{f}");
            assert!(
                h.ws(l).recv(Duration::from_secs(10)).is_none(),
                "socket still open"
            );
            continue;
        }
        h.run(c).unwrap_or_else(|e| panic!("{e}"));
    }
}

#[test]
fn session_limit_vectors() {
    let cases = load();
    let (_d, _server, mut h) = limits_setup(&[("PGLET_LIMIT_SESSIONS_PER_HOUR", "1")]);
    for c in section(&cases, "Limit: PGLET_LIMIT_SESSIONS_PER_HOUR") {
        h.run(c).unwrap_or_else(|e| panic!("{e}"));
    }
}
