//! Property: for random command streams, the tree after live execution equals the tree
//! rebuilt from the events the commands logged — from scratch, and from a snapshot taken in
//! the middle (encoded with the store's codec) plus the rest of the log.

use pglet::engine::{execute, execute_batch, ExecOpts};
use pglet::model::Tree;
use pglet::protocol::parse;
use pglet::store::codec;
use proptest::prelude::*;

const IDS: &[&str] = &["a", "b", "c", "s", "s:a", "s:b", "_1", "_2", "page", "x:y"];
const TYPES: &[&str] = &["text", "stack", "button", "textbox"];

fn id() -> impl Strategy<Value = String> {
    prop::sample::select(IDS).prop_map(str::to_string)
}

fn command() -> impl Strategy<Value = String> {
    let ty = prop::sample::select(TYPES);
    let val = "[a-z ]{0,6}";
    prop_oneof![
        (
            ty.clone(),
            prop::option::of(id()),
            prop::option::of(id()),
            prop::option::of(-2i32..4),
            val
        )
            .prop_map(|(t, i, to, at, v)| {
                let mut s = format!("add {t} value='{v}'");
                if let Some(i) = i {
                    s += &format!(" id={}", i.rsplit(':').next().unwrap_or("q"));
                }
                if let Some(to) = to {
                    s += &format!(" to={to}");
                }
                if let Some(at) = at {
                    s += &format!(" at={at}");
                }
                s
            }),
        (id(), ty.clone(), ty.clone())
            .prop_map(|(to, t1, t2)| format!("add to={to}\n{t1} id=k1\n  {t2}\n{t1} id=k2")),
        (id(), -3i32..4).prop_map(|(to, n)| format!("add text to={to} trim={n}")),
        (id(), val).prop_map(|(i, v)| format!("set {i} value='{v}' flag")),
        (id(), id()).prop_map(|(i, j)| format!("set\n{i} value=1\n{j} value=")),
        (id(), val).prop_map(|(i, v)| format!("append {i} value='{v}'")),
        id().prop_map(|i| format!("clean {i}")),
        (id(), 0i32..3).prop_map(|(i, n)| format!("clean {i} at={n}")),
        id().prop_map(|i| format!("remove {i}")),
        (id(), ty.clone()).prop_map(|(i, t)| format!("replace to={i} {t} id=r")),
        (id(), 0i32..3, ty).prop_map(|(i, n, t)| format!("replace to={i} at={n}\n{t} id=r2")),
        (id(), id()).prop_map(|(i, j)| format!("BATCH add text id=bb to={i}\nset {j} value=z")),
    ]
}

fn run(cmds: &[String], snapshot_at: usize) -> Result<(), TestCaseError> {
    let opts = ExecOpts {
        size_limit: 2000,
        session_label: "1:0".into(),
    };
    let mut live = Tree::new();
    let mut log = Vec::new();
    let mut snap: Option<(Vec<u8>, usize)> = None;
    for (n, text) in cmds.iter().enumerate() {
        if n == snapshot_at {
            snap = Some((
                codec::encode(&live).map_err(TestCaseError::fail)?,
                log.len(),
            ));
        }
        let before = live.clone();
        if let Some(rest) = text.strip_prefix("BATCH ") {
            let batch: Vec<_> = rest.lines().filter_map(|l| parse(l).ok()).collect();
            match execute_batch(&mut live, &batch, &opts) {
                Ok(out) => log.extend(out.events),
                Err(_) => prop_assert_eq!(&live, &before, "failed batch changed the tree"),
            }
            continue;
        }
        let cmd = parse(text).map_err(|e| TestCaseError::fail(format!("{text:?}: {e}")))?;
        match execute(&mut live, &cmd, &opts) {
            Ok(out) => log.extend(out.events),
            Err(_) => prop_assert_eq!(
                &live,
                &before,
                "failed command changed the tree: {:?}",
                text
            ),
        }
        prop_assert_eq!(live.size(), live.recomputed_size());
        prop_assert!(live.size() <= opts.size_limit);
    }
    let mut replayed = Tree::new();
    for ev in &log {
        replayed.apply(ev, None).map_err(TestCaseError::fail)?;
    }
    prop_assert_eq!(&replayed, &live);
    if let Some((bytes, from)) = snap {
        let mut resumed: Tree = codec::decode(&bytes).map_err(TestCaseError::fail)?;
        for ev in &log[from..] {
            resumed.apply(ev, None).map_err(TestCaseError::fail)?;
        }
        prop_assert_eq!(&resumed, &live);
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 3000, ..ProptestConfig::default() })]
    #[test]
    fn live_equals_replay(cmds in prop::collection::vec(command(), 1..40), cut in 0usize..40) {
        run(&cmds, cut)?;
    }
}
