//! One session's control tree and its single mutation path, [`Tree::apply`], which live
//! commands and crash recovery share, so a restored page equals the page before a restart.

use super::control::quoted_len;
use super::{Control, Event};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

pub const ROOT: &str = "page";

/// Controls by id (sorted, because full-state dumps list them sorted), the auto-id counter
/// and the running JSON size used by the session size quota.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tree {
    controls: BTreeMap<String, Control>,
    next_id: u64,
    size: usize,
}

/// What [`Tree::apply`] changed, so that a command that fails half-way can be undone.
#[derive(Debug, Default)]
pub struct Undo {
    before: Vec<(String, Option<Control>)>,
    next_id: Option<u64>,
    size: Option<usize>,
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
        let mut controls = BTreeMap::new();
        controls.insert(ROOT.to_string(), root);
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
    pub fn subtree(&self, id: &str) -> Vec<String> {
        let mut out = Vec::new();
        let mut stack = vec![id.to_string()];
        while let Some(cur) = stack.pop() {
            if let Some(c) = self.controls.get(&cur) {
                stack.extend(c.c.iter().rev().cloned());
                out.push(cur);
            }
        }
        out
    }

    fn save(&self, undo: &mut Option<&mut Undo>, id: &str) {
        if let Some(u) = undo {
            u.before
                .push((id.to_string(), self.controls.get(id).cloned()));
            u.next_id.get_or_insert(self.next_id);
            u.size.get_or_insert(self.size);
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
                if let Some(u) = undo.as_deref_mut() {
                    u.next_id.get_or_insert(self.next_id);
                }
                self.next_id = self.next_id.max(*next_id);
                if let Some(old) = self.controls.get(&control.i) {
                    let mut new = control.clone();
                    new.c = old.c.clone();
                    new.p = old.p.clone();
                    self.save(&mut undo, &control.i);
                    self.size = self.size + new.json_len() - old.json_len();
                    self.controls.insert(new.i.clone(), new);
                    return Ok(());
                }
                if !self.controls.contains_key(&control.p) {
                    return Err(format!("add: parent '{}' missing", control.p));
                }
                self.save(&mut undo, &control.p);
                self.save(&mut undo, &control.i);
                let mut new = control.clone();
                new.c.clear();
                self.size += new.json_len();
                self.controls.insert(new.i.clone(), new);
                if let Some(parent) = self.controls.get_mut(&control.p) {
                    let at = index
                        .map(|i| i as usize)
                        .unwrap_or(parent.c.len())
                        .min(parent.c.len());
                    self.size += quoted_len(&control.i) + usize::from(!parent.c.is_empty());
                    parent.c.insert(at, control.i.clone());
                }
                Ok(())
            }
            Event::SetProps { id, props } | Event::AppendProps { id, props } => {
                let append = matches!(ev, Event::AppendProps { .. });
                if !self.controls.contains_key(id) {
                    return Err(format!("set: control '{id}' missing"));
                }
                self.save(&mut undo, id);
                let Some(c) = self.controls.get_mut(id) else {
                    return Ok(());
                };
                for (k, v) in props {
                    let old = c
                        .props
                        .get(k)
                        .map(|o| 2 + quoted_len(k) + quoted_len(o))
                        .unwrap_or(0);
                    self.size -= old;
                    if append {
                        let e = c.props.entry(k.clone()).or_default();
                        e.push_str(v);
                    } else if v.is_empty() {
                        c.props.remove(k);
                    } else {
                        c.props.insert(k.clone(), v.clone());
                    }
                    if let Some(n) = c.props.get(k) {
                        self.size += 2 + quoted_len(k) + quoted_len(n);
                    }
                }
                Ok(())
            }
            Event::Clean { id } => {
                let Some(c) = self.controls.get(id) else {
                    return Err(format!("clean: control '{id}' missing"));
                };
                let children = c.c.clone();
                self.save(&mut undo, id);
                if let Some(c) = self.controls.get_mut(id) {
                    let before = c.json_len();
                    c.c.clear();
                    self.size = self.size + c.json_len() - before;
                }
                for child in children {
                    self.drop_subtree(&child, &mut undo);
                }
                Ok(())
            }
            Event::Remove { id } => {
                let Some(c) = self.controls.get(id) else {
                    return Err(format!("remove: control '{id}' missing"));
                };
                if id == ROOT {
                    return Err("remove: the page control cannot be removed".into());
                }
                let parent = c.p.clone();
                if self.controls.contains_key(&parent) {
                    self.save(&mut undo, &parent);
                    if let Some(p) = self.controls.get_mut(&parent) {
                        let before = p.json_len();
                        p.c.retain(|x| x != id);
                        self.size = self.size + p.json_len() - before;
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
            if let Some(c) = self.controls.remove(&sid) {
                self.size -= c.json_len();
                if let Some(u) = undo.as_deref_mut() {
                    u.size.get_or_insert(self.size + c.json_len());
                    u.before.push((sid, Some(c)));
                }
            }
        }
    }

    /// Reverts everything recorded in `undo`.
    pub fn rollback(&mut self, undo: Undo) {
        for (id, before) in undo.before.into_iter().rev() {
            match before {
                Some(c) => {
                    self.controls.insert(id, c);
                }
                None => {
                    self.controls.remove(&id);
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
