//! The WebSocket-protocol measures: pipelined `setf`, batches of 100, a 10,000-control
//! `add` reaching a browser, a full state to a new browser, one `set` fanned out to N
//! browsers, 1,000 pages × 100 controls with RSS, and restart with a big store.

use crate::fanread;
use crate::stats::Results;
use crate::target::{Kind, Running, Target};
use crate::ws::{self, batch_frame, command, command_frame, Host};
use anyhow::{bail, ensure, Context, Result};
use std::path::Path;
use std::time::{Duration, Instant};

/// How big each measure is (the short CI mode shrinks everything).
#[derive(Debug, Clone)]
pub struct Sizes {
    pub setf: usize,
    pub batches: usize,
    pub tree_groups: usize,
    pub tree_children: usize,
    pub full_state_repeats: usize,
    pub fan: Vec<usize>,
    pub fan_iters: usize,
    pub fan_readers: usize,
    pub pages: usize,
    pub page_controls: usize,
    pub restart_pages: usize,
    pub restart_batches: usize,
    pub restart_repeats: usize,
    pub pipe_rt: usize,
    pub pipe_setf: usize,
}

impl Sizes {
    pub fn full() -> Sizes {
        Sizes {
            setf: 20_000,
            batches: 200,
            tree_groups: 99,
            tree_children: 100,
            full_state_repeats: 5,
            fan: vec![1, 10, 100, 500],
            fan_iters: 40,
            fan_readers: 2,
            pages: 1000,
            page_controls: 100,
            restart_pages: 100,
            restart_batches: 100,
            restart_repeats: 3,
            pipe_rt: 5000,
            pipe_setf: 50_000,
        }
    }
    pub fn short() -> Sizes {
        Sizes {
            setf: 500,
            batches: 10,
            tree_groups: 9,
            tree_children: 10,
            full_state_repeats: 2,
            fan: vec![1, 10],
            fan_iters: 5,
            fan_readers: 2,
            pages: 20,
            page_controls: 10,
            restart_pages: 4,
            restart_batches: 5,
            restart_repeats: 1,
            pipe_rt: 100,
            pipe_setf: 500,
        }
    }
    /// Controls of the big tree, root included.
    pub fn tree_size(&self) -> usize {
        1 + self.tree_groups * (1 + self.tree_children)
    }
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// Pipelined `setf` on one control, closed by a `get` whose reply says all were applied.
pub async fn setf_pipelined(s: &Running, n: usize, res: &mut Results) -> Result<()> {
    let mut h = Host::connect(&s.ws_url()).await?;
    let page = h.register("load/setf", false).await?;
    h.cmd(
        &page,
        &command("add", &["text"], &[("id", "x"), ("value", "0")], &[]),
    )
    .await?;
    let frames: Vec<String> = (1..=n)
        .map(|i| {
            let v = i.to_string();
            command_frame(
                "",
                &page,
                "0",
                &command("setf", &["x"], &[("value", &v)], &[]),
            )
        })
        .collect();
    let gid = h.next_id();
    let get = command_frame(&gid, &page, "0", &command("get", &["x", "value"], &[], &[]));
    let t0 = Instant::now();
    for f in frames {
        h.feed(f).await?;
    }
    h.send(get).await?;
    let r = h.wait_reply(&gid).await?;
    let dt = t0.elapsed();
    let got = r["result"].as_str().unwrap_or("");
    ensure!(
        got == n.to_string(),
        "{}: after {n} pipelined setf the value is {got:?}",
        s.kind.label()
    );
    res.add(s.kind, "ws_setf_rate", n as f64 / dt.as_secs_f64());
    h.close().await;
    Ok(())
}

/// Ours, untimed: every one of `n` pipelined `setf` arrives, not just the last (each sets
/// its own prop `n<i>`; the reference resets the connection under that load, so it is not
/// asked). Run after the timed measures: its 20,000 growing props and the snapshots they
/// cause load the disk and a core for a while, which the next measure would pay for.
pub async fn setf_all_arrive(s: &Running, n: usize) -> Result<()> {
    let mut h = Host::connect(&s.ws_url()).await?;
    let page = h.register("load/setf-all", false).await?;
    h.cmd(&page, &command("add", &["text"], &[("id", "y")], &[]))
        .await?;
    for i in 1..=n {
        let (v, p) = (i.to_string(), format!("n{i}"));
        let cmd = command("setf", &["y"], &[("value", &v), (&p, "1")], &[]);
        h.feed(command_frame("", &page, "0", &cmd)).await?;
    }
    h.cmd(&page, &command("get", &["y", "value"], &[], &[]))
        .await?;
    let (_, state) = ws::browser(&s.ws_url(), &page).await?;
    let v: serde_json::Value = serde_json::from_str(&state)?;
    let props = v["payload"]["session"]["controls"]["y"]
        .as_object()
        .map(|m| m.keys().filter(|k| k.starts_with('n')).count())
        .unwrap_or(0);
    ensure!(
        props == n,
        "{}: {props} of {n} pipelined setf arrived",
        s.kind.label()
    );
    h.close().await;
    Ok(())
}

/// Batches of 100 `set`s, each sent when the previous one was answered.
pub async fn batches(s: &Running, n: usize, res: &mut Results) -> Result<()> {
    let mut h = Host::connect(&s.ws_url()).await?;
    let page = h.register("load/batch", false).await?;
    let lines: Vec<String> = (0..100).map(|k| format!("text id=t{k} value=0")).collect();
    h.cmd(&page, &command("add", &[], &[], &lines)).await?;
    let mut frames = Vec::with_capacity(n);
    for b in 0..n {
        let v = (b + 1).to_string();
        let cmds: Vec<_> = (0..100)
            .map(|k| command("set", &[&format!("t{k}")], &[("value", &v)], &[]))
            .collect();
        let id = format!("b{b}");
        let f = batch_frame(&id, &page, "0", &cmds);
        frames.push((id, f));
    }
    let mut lat = Vec::with_capacity(n);
    let t0 = Instant::now();
    for (id, f) in frames {
        let t = Instant::now();
        let r = h.request_frame(&id, f).await?;
        lat.push(ms(t.elapsed()));
        let err = r["error"].as_str().unwrap_or("");
        ensure!(err.is_empty(), "batch error: {err}");
    }
    let dt = t0.elapsed();
    let last = h
        .cmd(&page, &command("get", &["t99", "value"], &[], &[]))
        .await?;
    ensure!(last == n.to_string(), "after {n} batches t99 = {last:?}");
    res.add(s.kind, "ws_batch_rate", (100 * n) as f64 / dt.as_secs_f64());
    res.extend(s.kind, "ws_batch_ms", &lat);
    h.close().await;
    Ok(())
}

/// The big tree as one multi-line `add`: a root stack, groups, text children.
fn tree_command(sz: &Sizes) -> serde_json::Value {
    let mut lines = Vec::with_capacity(sz.tree_size());
    for g in 0..sz.tree_groups {
        lines.push(format!("stack id=g{g}"));
        for c in 0..sz.tree_children {
            lines.push(format!("  text id=t{c} value={g}.{c}"));
        }
    }
    command("add", &["stack"], &[("id", "root")], &lines)
}

/// One `add` of the big tree until a registered browser has the `addPageControls` frame;
/// then new browsers fetch the full state.
pub async fn big_tree(s: &Running, sz: &Sizes, round: usize, res: &mut Results) -> Result<()> {
    let mut h = Host::connect(&s.ws_url()).await?;
    let page = h.register(&format!("load/tree{round}"), false).await?;
    let (mut b, _) = ws::browser(&s.ws_url(), &page).await?;
    let cmd = tree_command(sz);
    let id = h.next_id();
    let frame = command_frame(&id, &page, "0", &cmd);
    let (tx, rx) = tokio::sync::oneshot::channel();
    let watcher = tokio::spawn(async move {
        loop {
            let t = ws::next_text(&mut b).await?;
            if t.contains("\"action\":\"addPageControls\"") {
                let at = Instant::now();
                let _ = tx.send(at);
                return Ok::<String, anyhow::Error>(t);
            }
        }
    });
    let t0 = Instant::now();
    h.send(frame).await?;
    let reply = h.wait_reply(&id).await?;
    let t_reply = t0.elapsed();
    let seen = tokio::time::timeout(ws::TIMEOUT, rx)
        .await
        .context("browser never got the add")??;
    let t_browser = seen - t0;
    let err = reply["error"].as_str().unwrap_or("");
    ensure!(err.is_empty(), "{}: big add: {err}", s.kind.label());
    let frame = watcher.await??;
    let v: serde_json::Value = serde_json::from_str(&frame)?;
    let got = v["payload"]["controls"]
        .as_array()
        .map(|a| a.len())
        .unwrap_or(0);
    ensure!(
        got == sz.tree_size(),
        "{}: browser got {got} controls, expected {}",
        s.kind.label(),
        sz.tree_size()
    );
    res.add(s.kind, "add10k_ms", ms(t_browser));
    res.add(s.kind, "add10k_reply_ms", ms(t_reply));
    for _ in 0..sz.full_state_repeats {
        let mut ws = ws::connect(&s.ws_url()).await?;
        let t = Instant::now();
        let state = ws::register_web(&mut ws, &page).await?;
        let dt = t.elapsed();
        let n = ws::state_controls(&state)?;
        ensure!(n == sz.tree_size() + 1, "full state has {n} controls");
        res.add(s.kind, "full10k_ms", ms(dt));
        drop(ws);
    }
    h.close().await;
    Ok(())
}

/// One server's side of the fan-out measure: its host, its page with the control `x`,
/// and its browser stand-ins.
struct FanSide {
    kind: Kind,
    port: u16,
    h: Host,
    page: String,
    /// Taken out only while `grow` adds to it on a blocking thread.
    browsers: Option<fanread::Browsers>,
    iter: usize,
}

impl FanSide {
    async fn open(port: u16, kind: Kind, sz: &Sizes) -> Result<FanSide> {
        let mut h = Host::connect(&ws::url(port)).await?;
        let page = h.register("load/fan", false).await?;
        h.cmd(
            &page,
            &command("add", &["text"], &[("id", "x"), ("value", "0")], &[]),
        )
        .await?;
        let browsers = fanread::Browsers::start(sz.fan_readers)?;
        Ok(FanSide {
            kind,
            port,
            h,
            page,
            browsers: Some(browsers),
            iter: 0,
        })
    }

    /// Connects and registers browsers (blocking, untimed) until there are `n`.
    async fn grow(&mut self, n: usize) -> Result<()> {
        let (port, page) = (self.port, self.page.clone());
        let mut b = self.browsers.take().context("browsers lost")?;
        while b.len() < n {
            let page = page.clone();
            b = tokio::task::spawn_blocking(move || b.add(port, &page).map(|_| b)).await??;
        }
        self.browsers = Some(b);
        // Let connect events reach the host before timing.
        self.h
            .cmd(&self.page, &command("get", &["x", "value"], &[], &[]))
            .await?;
        Ok(())
    }

    /// One `set` until all `n` browsers have it (and the host its reply): ms.
    async fn one(&mut self, n: usize) -> Result<f64> {
        self.iter += 1;
        let v = format!("v{}", self.iter);
        let id = self.h.next_id();
        let f = command_frame(
            &id,
            &self.page,
            "0",
            &command("set", &["x"], &[("value", &v)], &[]),
        );
        let b = self.browsers.as_mut().context("browsers lost")?;
        b.expect(&format!("\"{v}\""), n)?;
        let t0 = Instant::now();
        self.h.send(f).await?;
        let last = b.wait().await?;
        self.h.wait_reply(&id).await?;
        Ok(ms(last - t0))
    }
}

/// One `set` until all of 1/10/100/500 browsers have it, on every server of `sides` (port,
/// kind) in turn: one update each, the order rotating, so that the machine's drift during
/// the run (it moves this measure by up to 2x within minutes) hits every server alike.
/// The reference can crash here ("send on closed channel"); it is then left out of the
/// rest of the round, with a note. Ours must not.
pub async fn fan_out(sides: &[(u16, Kind)], sz: &Sizes, res: &mut Results) -> Result<()> {
    let mut open = Vec::new();
    for &(port, kind) in sides {
        open.push(FanSide::open(port, kind, sz).await?);
    }
    for &n in &sz.fan {
        let key = match n {
            1 => "fan1_ms",
            10 => "fan10_ms",
            100 => "fan100_ms",
            500 => "fan500_ms",
            _ => bail!("no measure for {n} browsers"),
        };
        let mut failed = Vec::new();
        for (i, s) in open.iter_mut().enumerate() {
            if let Err(e) = s.grow(n).await {
                failed.push((i, e));
            }
        }
        drop_failed(&mut open, failed, res)?;
        for it in 0..sz.fan_iters {
            let mut failed = Vec::new();
            for j in 0..open.len() {
                let i = (it + j) % open.len();
                let s = &mut open[i];
                match s.one(n).await {
                    Ok(v) => res.add(s.kind, key, v),
                    Err(e) => failed.push((i, e)),
                }
            }
            drop_failed(&mut open, failed, res)?;
        }
    }
    for s in open {
        drop(s.browsers);
        s.h.close().await;
    }
    Ok(())
}

/// Leaves failed reference sides out with a note; a failure of ours (or the floor) ends
/// the measure with its error.
fn drop_failed(
    open: &mut Vec<FanSide>,
    mut failed: Vec<(usize, anyhow::Error)>,
    res: &mut Results,
) -> Result<()> {
    failed.sort_by_key(|(i, _)| std::cmp::Reverse(*i));
    for (i, e) in failed {
        let kind = open[i].kind;
        if kind != Kind::Reference {
            return Err(e.context(format!("{}: set to many browsers", kind.label())));
        }
        let note = format!("reference: fan-out cut short: {e:#}");
        eprintln!("{note}");
        res.notes.push(note);
        open.remove(i);
    }
    Ok(())
}

/// 1,000 pages of 100 controls from 4 host connections; time and RSS afterwards.
pub async fn many_pages(s: &Running, sz: &Sizes, res: &mut Results) -> Result<()> {
    const CONNS: usize = 4;
    let t0 = Instant::now();
    let mut tasks = Vec::new();
    for c in 0..CONNS {
        let url = s.ws_url();
        let (pages, controls) = (sz.pages, sz.page_controls);
        tasks.push(tokio::spawn(async move {
            let mut h = Host::connect(&url).await?;
            for p in (c..pages).step_by(CONNS) {
                let page = h.register(&format!("many/p{p}"), false).await?;
                let lines: Vec<String> = (0..controls)
                    .map(|k| format!("text id=t{k} value=\"line {k} of page {p}\""))
                    .collect();
                let ids = h.cmd(&page, &command("add", &[], &[], &lines)).await?;
                ensure!(ids.split(' ').count() == controls, "add returned {ids:?}");
            }
            // Hosts stay connected so pages stay (the reference drops a page's host on close).
            Ok::<Host, anyhow::Error>(h)
        }));
    }
    let mut hosts = Vec::new();
    for t in tasks {
        hosts.push(t.await??);
    }
    let dt = t0.elapsed();
    res.add(s.kind, "pages_ms", ms(dt));
    res.add(s.kind, "pages_rss_mb", s.rss()? as f64 / (1 << 20) as f64);
    for h in hosts {
        h.close().await;
    }
    Ok(())
}

/// Fills a fresh store with pages × batches × 100 `set` events (plus the adds), then
/// measures spawn-to-serving on restart, checking the last value survived.
pub async fn restart(t: &Target, dir: &Path, sz: &Sizes, res: &mut Results) -> Result<u64> {
    const CONNS: usize = 4;
    let s = t.start(dir).await?;
    let mut tasks = Vec::new();
    for c in 0..CONNS {
        let url = s.ws_url();
        let (pages, batches) = (sz.restart_pages, sz.restart_batches);
        tasks.push(tokio::spawn(async move {
            let mut h = Host::connect(&url).await?;
            let mut events = 0u64;
            for p in (c..pages).step_by(CONNS) {
                let page = h.register(&format!("big/p{p}"), false).await?;
                let lines: Vec<String> =
                    (0..100).map(|k| format!("text id=t{k} value=0")).collect();
                h.cmd(&page, &command("add", &[], &[], &lines)).await?;
                events += 100;
                for b in 0..batches {
                    let v = (b + 1).to_string();
                    let cmds: Vec<_> = (0..100)
                        .map(|k| command("set", &[&format!("t{k}")], &[("value", &v)], &[]))
                        .collect();
                    let id = h.next_id();
                    let r = h
                        .request_frame(&id, batch_frame(&id, &page, "0", &cmds))
                        .await?;
                    let err = r["error"].as_str().unwrap_or("");
                    ensure!(err.is_empty(), "batch: {err}");
                    events += 100;
                }
            }
            h.close().await;
            Ok::<u64, anyhow::Error>(events)
        }));
    }
    let mut events = 0;
    for t in tasks {
        events += t.await??;
    }
    s.stop()?;
    for _ in 0..sz.restart_repeats {
        let s = t.start(dir).await?;
        res.add(t.kind, "restart_ms", ms(s.startup));
        let mut h = Host::connect(&s.ws_url()).await?;
        let page = h.register("big/p0", true).await?;
        let v = h
            .cmd(&page, &command("get", &["t99", "value"], &[], &[]))
            .await?;
        ensure!(
            v == sz.restart_batches.to_string(),
            "after restart t99 = {v:?}"
        );
        h.close().await;
        s.stop()?;
    }
    Ok(events)
}

/// Startup and idle RSS of a fresh server, then the WS measures on it.
pub async fn ws_suite(
    t: &Target,
    dir: &Path,
    sz: &Sizes,
    round: usize,
    only: &[&str],
    res: &mut Results,
) -> Result<()> {
    let s = t.start(dir).await?;
    res.add(t.kind, "startup_ms", ms(s.startup));
    res.add(t.kind, "idle_rss_mb", s.rss()? as f64 / (1 << 20) as f64);
    let on = |name: &str| only.contains(&"ws") || only.contains(&name);
    if on("setf") {
        setf_pipelined(&s, sz.setf, res)
            .await
            .context("pipelined setf")?;
    }
    if on("batch") {
        batches(&s, sz.batches, res)
            .await
            .context("batches of 100")?;
    }
    if on("tree") {
        big_tree(&s, sz, round, res)
            .await
            .context("10,000-control tree")?;
    }
    if on("setf") && s.kind.is_ours() {
        setf_all_arrive(&s, sz.setf)
            .await
            .context("every pipelined setf arrives")?;
    }
    s.stop()?;
    Ok(())
}
