//! `pglet-load`: drives Pglet-compatible servers through the interfaces a user has (the
//! WebSocket host/browser protocol and the `pglet page` FIFOs) and reports medians and p99
//! side by side: ours with strict and batched durability, and the reference Go server when
//! its binary is given, in the same run, with the issue-6 targets as ratios.
//!
//! It is an example target (not a `[[bin]]`) so that `cargo install` does not ship it, while
//! `cargo test`/clippy still compile it; it runs on its own tokio runtime and prebuilds every
//! frame before timing, so the client is not what is measured. `scripts/bench.sh` runs it.

mod fanread;
mod floor;
mod pipe;
mod scenarios;
mod stats;
mod target;
mod ws;

use anyhow::{Context, Result};
use clap::Parser;
use scenarios::Sizes;
use stats::Results;
use std::path::PathBuf;
use target::{Kind, Target};

#[derive(Parser, Debug)]
#[command(
    name = "pglet-load",
    about = "Side-by-side load generator for Pglet servers"
)]
struct Args {
    /// Our `pglet` binary.
    #[arg(long)]
    ours: PathBuf,
    /// The reference `pglet` binary (Pglet 0.7.0); omitted: ours only.
    #[arg(long)]
    reference: Option<PathBuf>,
    /// CI mode: tiny sizes, one round, a few seconds.
    #[arg(long)]
    short: bool,
    /// Rounds; every round runs every measure on every server, interleaved.
    #[arg(long, default_value_t = 3)]
    rounds: usize,
    /// Work directory (data dirs, TMPDIRs) and where results.json and table.md go.
    #[arg(long)]
    out: PathBuf,
    /// Comma list of suites: ws (= setf, batch, tree, fan), pages, restart, pipe.
    #[arg(long, default_value = "ws,pages,restart,pipe")]
    only: String,
    /// Override: number of batches of 100 (profiling runs).
    #[arg(long)]
    batches: Option<usize>,
    /// Override: number of pipelined `setf` (profiling runs).
    #[arg(long)]
    setf: Option<usize>,
    /// Override: fan-out iterations per browser count (profiling runs).
    #[arg(long)]
    fan_iters: Option<usize>,
    /// Which of our durabilities to run (comma list of strict, batched).
    #[arg(long, default_value = "strict,batched")]
    durability: String,
    /// Threads the bare fan-out floor splits its writes between (2 = this machine's cores).
    #[arg(long, default_value_t = 2)]
    floor_senders: usize,
    /// Reader threads of the fan-out's browser stand-ins (2 = this machine's cores).
    #[arg(long, default_value_t = 2)]
    fan_readers: usize,
}

/// Every suite starts with the disk idle: the previous suite's writes (its data dir is
/// already deleted) are written back first, so they do not load the next server, whichever
/// it is.
fn settle() {
    // SAFETY: sync(2) takes no arguments and cannot fail.
    unsafe { libc::sync() }
}

fn raise_fd_limit() {
    // SAFETY: plain getrlimit/setrlimit on our own process; children inherit it.
    unsafe {
        let mut r = libc::rlimit {
            rlim_cur: 0,
            rlim_max: 0,
        };
        if libc::getrlimit(libc::RLIMIT_NOFILE, &mut r) == 0 {
            r.rlim_cur = r.rlim_max;
            libc::setrlimit(libc::RLIMIT_NOFILE, &r);
        }
    }
}

fn main() -> Result<()> {
    let args = Args::parse();
    raise_fd_limit();
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    rt.block_on(run(args))
}

async fn run(args: Args) -> Result<()> {
    let mut sz = if args.short {
        Sizes::short()
    } else {
        Sizes::full()
    };
    sz.batches = args.batches.unwrap_or(sz.batches);
    sz.setf = args.setf.unwrap_or(sz.setf);
    sz.fan_iters = args.fan_iters.unwrap_or(sz.fan_iters);
    sz.fan_readers = args.fan_readers;
    let rounds = if args.short { 1 } else { args.rounds.max(1) };
    let suites: Vec<&str> = args.only.split(',').map(str::trim).collect();
    let mut targets = Vec::new();
    for d in args
        .durability
        .split(',')
        .map(str::trim)
        .filter(|d| !d.is_empty())
    {
        let kind = match d {
            "strict" => Kind::Strict,
            "batched" => Kind::Batched,
            other => anyhow::bail!("unknown durability {other}"),
        };
        targets.push(Target {
            kind,
            bin: args.ours.clone(),
        });
    }
    if let Some(r) = &args.reference {
        targets.push(Target {
            kind: Kind::Reference,
            bin: r.clone(),
        });
    }
    let mut kinds: Vec<Kind> = targets.iter().map(|t| t.kind).collect();
    std::fs::create_dir_all(&args.out)?;
    let work = args.out.join("work");
    let mut res = Results::default();
    if args.short {
        res.notes.push(
            "short (CI) mode: every size is scaled down (titles name the full sizes); the numbers only show the measures run".into(),
        );
    }
    let fresh = |name: String| -> Result<PathBuf> {
        let d = work.join(name);
        if d.exists() {
            std::fs::remove_dir_all(&d)?;
        }
        std::fs::create_dir_all(&d)?;
        Ok(d)
    };
    let bare = if suites.iter().any(|x| ["ws", "fan"].contains(x)) {
        Some(floor::BareFanOut::start(args.floor_senders)?)
    } else {
        None
    };
    for round in 0..rounds {
        if let Some(b) = &bare {
            // Every server at once, updates taking turns (see `scenarios::fan_out`).
            eprintln!("[round {round}] fan-out: the floor and every server, interleaved");
            settle();
            let mut running = Vec::new();
            for t in &targets {
                let d = fresh(format!("{}-fan", t.kind.key()))?;
                running.push((t.start(&d).await?, d));
            }
            let mut sides = vec![(b.port, Kind::Floor)];
            sides.extend(running.iter().map(|(s, _)| (s.port, s.kind)));
            scenarios::fan_out(&sides, &sz, &mut res).await?;
            for (s, d) in running {
                s.stop()?;
                std::fs::remove_dir_all(&d).ok();
            }
        }
        if suites.iter().any(|x| ["ws", "batch"].contains(x)) {
            let n = if args.short { 5 } else { 200 };
            let v = floor::disk_sync_ms(&work.join("floor"), n)?;
            res.extend(Kind::Floor, "disk_sync_ms", &v);
        }
        for t in &targets {
            let k = t.kind.key();
            if ["ws", "setf", "batch", "tree"]
                .iter()
                .any(|x| suites.contains(x))
            {
                eprintln!("[round {round}] {}: websocket measures", t.kind.label());
                settle();
                let d = fresh(format!("{k}-ws"))?;
                match scenarios::ws_suite(t, &d, &sz, round, &suites, &mut res).await {
                    Ok(()) => {}
                    // The reference can crash under this load (it panics with "send on
                    // closed channel" when browsers leave); the run goes on without that
                    // round's remaining samples, and the table says so. Ours must not.
                    Err(e) if t.kind == Kind::Reference && !args.short => {
                        let note = format!(
                            "reference: round {round}: websocket measures cut short: {e:#}"
                        );
                        eprintln!("{note}");
                        res.notes.push(note);
                    }
                    Err(e) => {
                        return Err(e.context(format!("{}: websocket measures", t.kind.label())))
                    }
                }
                std::fs::remove_dir_all(&d).ok();
            }
            if suites.contains(&"pages") {
                eprintln!("[round {round}] {}: {} pages", t.kind.label(), sz.pages);
                settle();
                let d = fresh(format!("{k}-pages"))?;
                let s = t.start(&d).await?;
                scenarios::many_pages(&s, &sz, &mut res)
                    .await
                    .with_context(|| format!("{}: many pages", t.kind.label()))?;
                s.stop()?;
                std::fs::remove_dir_all(&d).ok();
            }
            if suites.contains(&"pipe") {
                eprintln!("[round {round}] {}: pipe measures", t.kind.label());
                settle();
                let d = fresh(format!("{k}-pipe"))?;
                match pipe::suite(t, &d, &sz, &mut res).await {
                    Ok(()) => {}
                    // In CI the pipe path must work: a broken proxy fails the run.
                    Err(e) if args.short => {
                        return Err(e.context(format!("{}: pipe measures", t.kind.label())))
                    }
                    Err(e) => {
                        let note = format!("{}: pipe measures skipped: {e:#}", t.kind.label());
                        eprintln!("{note}");
                        if round == 0 {
                            res.notes.push(note);
                        }
                    }
                }
                std::fs::remove_dir_all(&d).ok();
            }
            if suites.contains(&"restart") && t.kind == Kind::Strict && round == 0 {
                eprintln!(
                    "[round {round}] {}: filling a store, then restarting",
                    t.kind.label()
                );
                let d = fresh(format!("{k}-restart"))?;
                let events = scenarios::restart(t, &d, &sz, &mut res)
                    .await
                    .context("restart measure")?;
                res.notes.push(format!(
                    "restart: the store held {events} events (pages × batches of 100 `set` in one log entry each, \
                     none covered by a snapshot), {} MiB on disk before the restart",
                    dir_size(&d) >> 20
                ));
                std::fs::remove_dir_all(&d).ok();
            }
        }
    }
    if res.samples.keys().any(|(k, _)| *k == Kind::Floor) {
        kinds.push(Kind::Floor);
        floor_notes(&mut res);
    }
    let table = stats::report(&res, &kinds);
    println!("{table}");
    std::fs::write(args.out.join("table.md"), &table)?;
    std::fs::write(
        args.out.join("results.json"),
        serde_json::to_string_pretty(&stats::to_json(&res))?,
    )?;
    if args.short {
        short_checks(&res, &kinds)?;
    }
    Ok(())
}

/// What the floors say about the targets they bound.
fn floor_notes(res: &mut Results) {
    let (f, r) = (Kind::Floor, Kind::Reference);
    if let (Some(fl), Some(rf)) = (res.median(f, "fan500_ms"), res.median(r, "fan500_ms")) {
        res.notes.push(format!(
            "floor: a bare fan-out server (one prebuilt frame, one `write` per browser, plain \
             threads) reached 500 browsers in {fl:.2} ms = {:.2} × the reference's {rf:.2} ms \
             (the goal 0.5 × is {:.2} ms)",
            fl / rf,
            rf / 2.0
        ));
    }
    if let Some(d) = res.median(f, "disk_sync_ms") {
        let rt = |k| res.median(k, "ws_batch_ms");
        let mut n = format!(
            "floor: a 5 KiB write + `fdatasync` took {d:.3} ms (median); a strict reply waits \
             for at least one"
        );
        if let (Some(b), Some(rf)) = (rt(Kind::Batched), rt(r)) {
            n.push_str(&format!(
                ", so a strict batch round trip is at least the batched {b:.3} + {d:.3} ms; \
                 4× the reference's rate needs ≤ {:.3} ms",
                rf / 4.0
            ));
        }
        res.notes.push(n);
    }
}

/// In CI the numbers are not judged, but every measure must have produced them.
fn short_checks(res: &Results, kinds: &[Kind]) -> Result<()> {
    for k in kinds.iter().filter(|k| k.is_ours()) {
        for key in [
            "ws_setf_rate",
            "ws_batch_rate",
            "add10k_ms",
            "full10k_ms",
            "fan10_ms",
            "pages_rss_mb",
        ] {
            anyhow::ensure!(res.get(*k, key).is_some(), "{}: no {key}", k.label());
        }
    }
    Ok(())
}

fn dir_size(d: &std::path::Path) -> u64 {
    let mut n = 0;
    if let Ok(rd) = std::fs::read_dir(d) {
        for e in rd.flatten() {
            match e.metadata() {
                Ok(m) if m.is_dir() => n += dir_size(&e.path()),
                Ok(m) => n += m.len(),
                Err(_) => {}
            }
        }
    }
    n
}
