//! One session's control tree and its single mutation path, [`Tree::apply`], which live
//! commands and crash recovery share, so a restored page equals the page before a restart.

use super::control::quoted_len;
use super::controls::Controls;
use super::{Children, Control, Event, SmallStr};
use serde::{Deserialize, Serialize};

pub const ROOT: &str = "page";

/// Controls by id (sorted, because full-state dumps list them sorted), the auto-id counter
/// and the running JSON size used by the session size quota.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tree {
    controls: Controls,
    next_id: u64,
    size: usize,
}

/// What [`Tree::apply`] changed, as inverse operations, so that a command that fails
/// half-way can be undone. Entries are small (a child link, the old values of the props that
/// changed) so recording them costs no more than the change itself, however many children
/// a parent has.
#[derive(Debug, Default)]
pub struct Undo {
    ops: Vec<UndoOp>,
    next_id: Option<u64>,
    size: Option<usize>,
}

#[derive(Debug)]
enum UndoOp {
    /// Put this control back (it was removed), or delete `id` (it was created).
    Restore(SmallStr, Option<Control>),
    /// Take `child` out of `parent`'s children again.
    Unlink { parent: SmallStr, child: SmallStr },
    /// Put `child` back into `parent`'s children at `index`.
    Relink {
        parent: SmallStr,
        child: SmallStr,
        index: usize,
    },
    /// Restore old prop values (None = the prop did not exist).
    Props {
        id: SmallStr,
        old: Vec<(SmallStr, Option<SmallStr>)>,
    },
    /// Restore type, `at` and all props of a re-added control.
    Fields {
        id: SmallStr,
        t: SmallStr,
        at: Option<Box<SmallStr>>,
        props: super::Props,
    },
    /// Restore a cleaned control's children list.
    Children { id: SmallStr, c: Children },
}

impl Default for Tree {
    fn default() -> Self {
        Self::new()
    }
}

impl Tree {
    pub fn new() -> Tree {
        let root = Control::new(ROOT, "", ROOT);
        let size = root.json_len();
        let mut controls = Controls::default();
        controls.insert(root);
        Tree {
            controls,
            next_id: 1,
            size,
        }
    }

    pub fn get(&self, id: &str) -> Option<&Control> {
        self.controls.get(id)
    }

    pub fn contains(&self, id: &str) -> bool {
        self.controls.contains_key(id)
    }

    /// Every control, sorted by id.
    pub fn controls(&self) -> impl Iterator<Item = &Control> {
        self.controls.values()
    }

    pub fn len(&self) -> usize {
        self.controls.len()
    }

    pub fn is_empty(&self) -> bool {
        self.controls.is_empty()
    }

    pub fn next_id(&self) -> u64 {
        self.next_id
    }

    /// Sum of the JSON lengths of all controls.
    pub fn size(&self) -> usize {
        self.size
    }

    /// Ids of `id` and all its descendants, depth first.
    pub fn subtree(&self, id: &str) -> Vec<SmallStr> {
        let mut out = Vec::new();
        let mut stack = vec![SmallStr::from(id)];
        while let Some(cur) = stack.pop() {
            if let Some(c) = self.controls.get(cur.as_str()) {
                stack.extend(c.c.iter().rev().cloned());
                out.push(cur);
            }
        }
        out
    }

    fn record(&self, undo: &mut Option<&mut Undo>, op: UndoOp) {
        if let Some(u) = undo {
            u.next_id.get_or_insert(self.next_id);
            u.size.get_or_insert(self.size);
            u.ops.push(op);
        }
    }

    /// Applies one event. Events come from the planner or the log; one that names a
    /// control that is not there (a damaged log) changes nothing and is reported.
    pub fn apply(&mut self, ev: &Event, mut undo: Option<&mut Undo>) -> Result<(), String> {
        match ev {
            Event::Add {
                control,
                index,
                next_id,
            } => {
                let exists = self.controls.contains_key(control.i.as_str());
                if !exists && !self.controls.contains_key(control.p.as_str()) {
                    return Err(format!("add: parent '{}' missing", control.p));
                }
                if let Some(u) = undo.as_deref_mut() {
                    u.next_id.get_or_insert(self.next_id);
                    u.size.get_or_insert(self.size);
                }
                self.next_id = self.next_id.max(*next_id);
                let readded = match self.controls.get_mut(control.i.as_str()) {
                    // Re-added: new type and props, same children and place.
                    Some(mut old) => {
                        let before = old.json_len();
                        let t = std::mem::replace(&mut old.t, control.t.clone());
                        let at = std::mem::replace(&mut old.at, control.at.clone());
                        let props = std::mem::replace(&mut old.props, control.props.clone());
                        self.size = self.size + old.json_len() - before;
                        Some(UndoOp::Fields {
                            id: control.i.clone(),
                            t,
                            at,
                            props,
                        })
                    }
                    None => None,
                };
                if let Some(op) = readded {
                    self.record(&mut undo, op);
                    return Ok(());
                }
                let mut new = control.clone();
                new.c.clear();
                self.size += new.json_len();
                self.controls.insert(new);
                self.record(&mut undo, UndoOp::Restore(control.i.clone(), None));
                if let Some(mut parent) = self.controls.get_mut(control.p.as_str()) {
                    let at = index
                        .map(|i| i as usize)
                        .unwrap_or(parent.c.len())
                        .min(parent.c.len());
                    self.size += quoted_len(&control.i) + usize::from(!parent.c.is_empty());
                    parent.c.insert(at, control.i.clone());
                }
                self.record(
                    &mut undo,
                    UndoOp::Unlink {
                        parent: control.p.clone(),
                        child: control.i.clone(),
                    },
                );
                Ok(())
            }
            Event::SetProps { id, props } | Event::AppendProps { id, props } => {
                let append = matches!(ev, Event::AppendProps { .. });
                if let Some(u) = undo.as_deref_mut() {
                    u.size.get_or_insert(self.size);
                    u.next_id.get_or_insert(self.next_id);
                }
                let Some(mut c) = self.controls.get_mut(id.as_str()) else {
                    return Err(format!("set: control '{id}' missing"));
                };
                // Short names and values are inline `SmallStr`s: the old value is moved out,
                // nothing is copied to the heap on this path (it runs for every `set`).
                let mut old: Vec<(SmallStr, Option<SmallStr>)> = Vec::with_capacity(props.len());
                for (k, v) in props {
                    let prev = if append {
                        let prev = c.props.get(k).map(SmallStr::from);
                        c.props.append(k, v);
                        prev
                    } else if v.is_empty() {
                        c.props.remove(k)
                    } else {
                        c.props.insert(k.as_str(), v.as_str())
                    };
                    if let Some(o) = &prev {
                        self.size -= 2 + quoted_len(k) + quoted_len(o);
                    }
                    if let Some(n) = c.props.get(k) {
                        self.size += 2 + quoted_len(k) + quoted_len(n);
                    }
                    old.push((SmallStr::from(k.as_str()), prev));
                }
                if let Some(u) = undo.as_deref_mut() {
                    u.ops.push(UndoOp::Props {
                        id: id.clone(),
                        old,
                    });
                }
                Ok(())
            }
            Event::Clean { id } => {
                let Some(mut c) = self.controls.get_mut(id.as_str()) else {
                    return Err(format!("clean: control '{id}' missing"));
                };
                let before = c.json_len();
                let children = std::mem::take(&mut c.c);
                let after = c.json_len();
                if let Some(u) = undo.as_deref_mut() {
                    u.size.get_or_insert(self.size);
                    u.next_id.get_or_insert(self.next_id);
                    u.ops.push(UndoOp::Children {
                        id: id.into(),
                        c: children.clone(),
                    });
                }
                drop(c);
                self.size = self.size + after - before;
                for child in children {
                    self.drop_subtree(&child, &mut undo);
                }
                Ok(())
            }
            Event::Remove { id } => {
                let Some(c) = self.controls.get(id.as_str()) else {
                    return Err(format!("remove: control '{id}' missing"));
                };
                if id == ROOT {
                    return Err("remove: the page control cannot be removed".into());
                }
                let parent = c.p.clone();
                if let Some(mut p) = self.controls.get_mut(parent.as_str()) {
                    if let Some(index) = p.c.iter().position(|x| x == id) {
                        let before = p.json_len();
                        p.c.remove(index);
                        let after = p.json_len();
                        if let Some(u) = undo.as_deref_mut() {
                            u.size.get_or_insert(self.size);
                            u.next_id.get_or_insert(self.next_id);
                            u.ops.push(UndoOp::Relink {
                                parent,
                                child: id.into(),
                                index,
                            });
                        }
                        self.size = self.size + after - before;
                    }
                }
                self.drop_subtree(id, &mut undo);
                Ok(())
            }
        }
    }

    /// Deletes a subtree; removed controls move into the undo record instead of being copied.
    fn drop_subtree(&mut self, id: &str, undo: &mut Option<&mut Undo>) {
        for sid in self.subtree(id) {
            if let Some(c) = self.controls.remove(sid.as_str()) {
                let len = c.json_len();
                if let Some(u) = undo.as_deref_mut() {
                    u.size.get_or_insert(self.size);
                    u.next_id.get_or_insert(self.next_id);
                    u.ops.push(UndoOp::Restore(sid, Some(c)));
                }
                self.size -= len;
            }
        }
    }

    /// Reverts everything recorded in `undo`, newest change first.
    pub fn rollback(&mut self, undo: Undo) {
        for op in undo.ops.into_iter().rev() {
            match op {
                UndoOp::Restore(_, Some(c)) => {
                    self.controls.insert(c);
                }
                UndoOp::Restore(id, None) => {
                    self.controls.remove(id.as_str());
                }
                UndoOp::Unlink { parent, child } => {
                    if let Some(mut p) = self.controls.get_mut(parent.as_str()) {
                        if let Some(i) = p.c.iter().rposition(|x| *x == child) {
                            p.c.remove(i);
                        }
                    }
                }
                UndoOp::Relink {
                    parent,
                    child,
                    index,
                } => {
                    if let Some(mut p) = self.controls.get_mut(parent.as_str()) {
                        let i = index.min(p.c.len());
                        p.c.insert(i, child);
                    }
                }
                UndoOp::Props { id, old } => {
                    if let Some(mut c) = self.controls.get_mut(id.as_str()) {
                        for (k, v) in old.into_iter().rev() {
                            match v {
                                Some(v) => c.props.insert(k, v),
                                None => c.props.remove(&k),
                            };
                        }
                    }
                }
                UndoOp::Fields { id, t, at, props } => {
                    if let Some(mut c) = self.controls.get_mut(id.as_str()) {
                        c.t = t;
                        c.at = at;
                        c.props = props;
                    }
                }
                UndoOp::Children { id, c } => {
                    if let Some(mut ctl) = self.controls.get_mut(id.as_str()) {
                        ctl.c = c;
                    }
                }
            }
        }
        if let Some(n) = undo.next_id {
            self.next_id = n;
        }
        if let Some(s) = undo.size {
            self.size = s;
        }
    }

    /// Rebuilds the control map with full nodes and trims children lists to their length.
    /// Controls added one by one leave `BTreeMap` nodes about 60 % full; after a big `add`
    /// (or a recovery) rebuilding costs a few µs per hundred controls and saves a third of
    /// the map's memory.
    pub fn compact(&mut self) {
        self.controls.rebuild(|c| c.c.shrink_to_fit());
    }

    /// Recomputes the size from scratch (for checks and after loading a snapshot).
    pub fn recomputed_size(&self) -> usize {
        self.controls.values().map(Control::json_len).sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn add(tree: &mut Tree, t: &str, p: &str, i: &str, undo: Option<&mut Undo>) {
        let ev = Event::Add {
            control: Control::new(t, p, i),
            index: None,
            next_id: 1,
        };
        tree.apply(&ev, undo).unwrap();
    }

    #[test]
    fn size_tracks_every_change_and_rollback_restores() {
        let mut t = Tree::new();
        add(&mut t, "stack", "page", "s", None);
        add(&mut t, "text", "s", "s:a", None);
        t.apply(
            &Event::SetProps {
                id: "s:a".into(),
                props: vec![("value".into(), "x\"y".into())],
            },
            None,
        )
        .unwrap();
        assert_eq!(t.size(), t.recomputed_size());
        let before = t.clone();
        let mut u = Undo::default();
        add(&mut t, "text", "s", "s:b", Some(&mut u));
        t.apply(
            &Event::AppendProps {
                id: "s:a".into(),
                props: vec![("value".into(), "z".into())],
            },
            Some(&mut u),
        )
        .unwrap();
        t.apply(&Event::Remove { id: "s".into() }, Some(&mut u))
            .unwrap();
        assert_eq!(t.size(), t.recomputed_size());
        assert_eq!(t.len(), 1);
        t.rollback(u);
        assert_eq!(t, before);
    }

    #[test]
    fn compact_changes_nothing_visible() {
        let mut t = Tree::new();
        add(&mut t, "stack", "page", "s", None);
        for i in 0..300 {
            add(&mut t, "text", "s", &format!("s:{i}"), None);
        }
        let before = t.clone();
        t.compact();
        assert_eq!(t, before);
        assert!(t
            .controls()
            .map(|c| &c.i)
            .eq(before.controls().map(|c| &c.i)));
        assert_eq!(t.get("s").unwrap().c.capacity(), 300);
        assert_eq!(t.size(), t.recomputed_size());
    }

    #[test]
    fn clean_keeps_the_control() {
        let mut t = Tree::new();
        add(&mut t, "stack", "page", "s", None);
        add(&mut t, "text", "s", "s:a", None);
        t.apply(&Event::Clean { id: "s".into() }, None).unwrap();
        assert!(t.contains("s") && !t.contains("s:a"));
        assert!(t.get("s").unwrap().c.is_empty());
        assert_eq!(t.size(), t.recomputed_size());
        assert!(t.apply(&Event::Remove { id: "page".into() }, None).is_err());
    }
}
