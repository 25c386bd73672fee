//! Bad input never crashes and always gets a reply in the protocol's format: arbitrary
//! bytes and mutated real commands go through the same path as pipe input (split, parse,
//! execute, frame), and the crash cases of the reference (spec section 12) answer errors.
//!
//! `cargo test --release --test robustness -- --ignored` runs the million-input version.

use pglet::engine::{execute, ExecOpts};
use pglet::model::Tree;
use pglet::protocol::{parse, reply, split_commands};
use rand::{Rng, SeedableRng};

const SEEDS: &[&str] = &[
    "add text value=Hello",
    "add\nstack id=s1\n  text id=a value=A\n  stack id=s2\n    button id=b text=B\ntext id=after",
    "add text id=q value=\"a\\\"b\" at=0 to=s1 trim=-2",
    "set s1:a value='x y' bold\nb value=",
    "append s1:a value=!",
    "get s1:a value",
    "clean s1 at=0",
    "remove s1:s2 at=1",
    "replace to=s1 at=0 text id=r",
    "get s1 c",
    "append s1 missing=x",
    "remove page",
    "add text id=u at=-2",
    "   ",
    "add text value=`raw\\nx` url=http://x/y /* c */ ,",
];

/// Checks the framing: `<n> <result>` with exactly n further lines, or `error <msg>`.
fn well_formed(r: &str) -> bool {
    let Some(body) = r.strip_suffix('\n') else {
        return false;
    };
    if let Some(msg) = body.strip_prefix("error ") {
        return !msg.is_empty();
    }
    let Some((n, rest)) = body.split_once(' ') else {
        return false;
    };
    n.parse::<usize>()
        .is_ok_and(|n| rest.matches('\n').count() == n)
}

fn mutate(rng: &mut rand::rngs::StdRng) -> Vec<u8> {
    if rng.gen_bool(0.3) {
        let len = rng.gen_range(0..64);
        return (0..len).map(|_| rng.gen()).collect();
    }
    let mut b = SEEDS[rng.gen_range(0..SEEDS.len())].as_bytes().to_vec();
    for _ in 0..rng.gen_range(0..6) {
        let pos = rng.gen_range(0..=b.len());
        match rng.gen_range(0..4) {
            0 if !b.is_empty() => {
                b.remove(pos.min(b.len() - 1));
            }
            1 => b.insert(
                pos,
                *b"\"'`=\\\n\t :/*_-.,\0\xff\xc3"
                    .get(rng.gen_range(0..19))
                    .unwrap_or(&b'x'),
            ),
            2 => b.insert(pos, rng.gen()),
            _ => {
                let other = SEEDS[rng.gen_range(0..SEEDS.len())].as_bytes();
                b.splice(pos..pos, other.iter().copied());
            }
        }
    }
    b
}

fn run(n: usize, seed: u64) {
    let mut rng = rand::rngs::StdRng::seed_from_u64(seed);
    let opts = ExecOpts {
        size_limit: 100_000,
        session_label: "1:0".into(),
    };
    let mut tree = Tree::new();
    for i in 0..n {
        if i % 5000 == 0 {
            tree = Tree::new();
        }
        let bytes = mutate(&mut rng);
        let text = String::from_utf8_lossy(&bytes);
        for piece in split_commands(&text) {
            let r = match parse(&piece) {
                Ok(cmd) => match execute(&mut tree, &cmd, &opts) {
                    Ok(out) => reply::ok(&out.result),
                    Err(e) => reply::error(&e),
                },
                Err(e) => reply::error(&e),
            };
            assert!(well_formed(&r), "input {text:?} gave malformed reply {r:?}");
        }
        assert_eq!(
            tree.size(),
            tree.recomputed_size(),
            "size drifted after {text:?}"
        );
    }
}

#[test]
fn fast_subset_never_panics() {
    run(30_000, 7);
}

#[test]
#[ignore = "benchmark-style run: a million inputs"]
fn a_million_inputs_never_panic() {
    run(1_000_000, 42);
}

#[test]
fn reference_crash_cases_answer_errors() {
    let opts = ExecOpts::default();
    let mut t = Tree::new();
    for c in ["add stack id=s\ntext id=t value=v", "add text id=x"] {
        execute(&mut t, &parse(c).unwrap(), &opts).unwrap();
    }
    let run = |t: &mut Tree, c: &str| match execute(t, &parse(c).unwrap(), &opts) {
        Ok(o) => reply::ok(&o.result),
        Err(e) => reply::error(&e),
    };
    assert_eq!(run(&mut t, "get s c"), "0 s:t\n");
    assert_eq!(run(&mut t, "append x value=y"), "0 \n");
    assert_eq!(run(&mut t, "get x value"), "0 y\n");
    assert_eq!(
        run(&mut t, "remove page"),
        "error 'page' control cannot be removed\n"
    );
    assert_eq!(
        run(&mut t, "add text id=u at=-2"),
        "error 'at' is out of range\n"
    );
    assert_eq!(parse("   \n").unwrap_err(), "empty command");
    assert!(split_commands("  \n\n").is_empty());
}
