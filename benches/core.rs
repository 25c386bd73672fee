//! Criterion benchmarks of the hot path: parsing command text, executing commands (which
//! applies their events), and appending to the durable log.

use criterion::{criterion_group, criterion_main, BatchSize, Criterion, Throughput};
use pglet::engine::{execute, ExecOpts};
use pglet::model::{Event, Tree};
use pglet::protocol::parse;
use std::hint::black_box;
use std::time::Duration;

fn bench_parse(c: &mut Criterion) {
    let mut g = c.benchmark_group("parse");
    for (name, text) in [
        ("setf", "setf progress value=42"),
        ("add_quoted", "add text id=greeting value=\"Hello, world!\" size=large bold"),
        ("add_10_lines", "add stack id=s\n  text value=a\n  text value=b\n  button text=c\n  textbox id=t label='Name' value=x\n  checkbox id=c label=Agree\n  text value=d\n  text value=e\n  text value=f\n  text value=g"),
    ] {
        g.bench_function(name, |b| b.iter(|| parse(black_box(text))));
    }
    g.finish();
}

fn bench_execute(c: &mut Criterion) {
    let opts = ExecOpts::default();
    let mut g = c.benchmark_group("execute");
    let mut tree = Tree::new();
    execute(&mut tree, &parse("add progress id=p").unwrap(), &opts).unwrap();
    let set = parse("setf p value=42 label=Working").unwrap();
    g.bench_function("setf_one_control", |b| {
        b.iter(|| execute(&mut tree, black_box(&set), &opts).unwrap())
    });
    let mut text = String::from("add stack id=big");
    for i in 0..10_000 {
        text.push_str(&format!("\ntext id=t{i} value=item{i}"));
    }
    let big = parse(&text).unwrap();
    g.throughput(Throughput::Elements(10_000));
    g.sample_size(20);
    g.bench_function("add_10000_controls", |b| {
        b.iter_batched(
            Tree::new,
            |mut t| execute(&mut t, &big, &opts).unwrap(),
            BatchSize::LargeInput,
        )
    });
    g.finish();
}

fn bench_apply(c: &mut Criterion) {
    let opts = ExecOpts::default();
    let mut source = Tree::new();
    let mut text = String::from("add stack id=big");
    for i in 0..1000 {
        text.push_str(&format!("\ntext id=t{i} value=item{i}"));
    }
    let events = execute(&mut source, &parse(&text).unwrap(), &opts)
        .unwrap()
        .events;
    let mut g = c.benchmark_group("apply");
    g.throughput(Throughput::Elements(events.len() as u64));
    g.bench_function("replay_1001_add_events", |b| {
        b.iter_batched(
            Tree::new,
            |mut t| {
                for ev in &events {
                    t.apply(ev, None).unwrap();
                }
                t
            },
            BatchSize::SmallInput,
        )
    });
    g.finish();
}

fn bench_append(c: &mut Criterion) {
    let dir = tempfile::tempdir().unwrap();
    let store = pglet::store::Store::open(dir.path(), Duration::from_millis(10)).unwrap();
    let events = vec![Event::SetProps {
        id: "p".into(),
        props: vec![("value".into(), "42".into())],
    }];
    let mut seq = 0u64;
    let mut g = c.benchmark_group("log");
    g.bench_function("append_setf_entry", |b| {
        b.iter(|| {
            seq += 1;
            store.append(1, seq, black_box(&events)).unwrap()
        })
    });
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    g.sample_size(20);
    g.bench_function("append_and_wait_durable", |b| {
        b.iter(|| {
            seq += 1;
            let t = store.append(1, seq, &events).unwrap();
            rt.block_on(store.durable(t));
        })
    });
    g.finish();
}

criterion_group!(
    benches,
    bench_parse,
    bench_execute,
    bench_apply,
    bench_append
);
criterion_main!(benches);
