//! `add` and `replace` (spec 5.1, 5.2): build controls from the command line, JSON
//! sub-commands and indented lines; ids are composed from the non-auto parts of the parent.

use super::{at_attr, not_found, Exec, Update};
use crate::model::control::is_system_attr;
use crate::model::tree::ROOT;
use crate::model::{Control, Event};
use crate::protocol::command::lower;
use crate::protocol::{parse_line, Command};
use std::borrow::Cow;

/// Composes a full id: the parent's id parts that are not auto ids (`page`, `_...`), then `base`.
fn compose_id(parent: &str, base: &str) -> String {
    let mut parts: Vec<&str> = parent
        .split(':')
        .filter(|p| *p != ROOT && !p.starts_with('_') && !p.is_empty())
        .collect();
    parts.push(base);
    parts.join(":")
}

/// The items of an add: the command itself (if it names a control), JSON sub-commands,
/// then text lines (whose indent gets +2 when the command line named a control, so that
/// unindented lines become its children).
fn work_items(cmd: &Command) -> Result<Vec<(Cow<'_, Command>, usize)>, String> {
    let mut items: Vec<(Cow<Command>, usize)> = Vec::new();
    let named = !cmd.values.is_empty();
    if named {
        items.push((Cow::Borrowed(cmd), cmd.indent));
    }
    for sub in &cmd.commands {
        items.push((Cow::Borrowed(sub), sub.indent));
    }
    for line in &cmd.lines {
        if line.trim().is_empty() {
            continue;
        }
        let sub = parse_line(line)?;
        let indent = sub.indent + if named { 2 } else { 0 };
        items.push((Cow::Owned(sub), indent));
    }
    Ok(items)
}

/// Adds the controls of `cmd` under `to`, inserting at `at` when given. Returns the full
/// ids and the controls as browsers must see them.
fn add_items(
    ex: &mut Exec,
    cmd: &Command,
    to: &str,
    mut at: Option<usize>,
) -> Result<(Vec<String>, Vec<Control>), String> {
    let items = work_items(cmd)?;
    let mut stack: Vec<(usize, String)> = Vec::new(); // (indent, full id) of earlier items
    let mut ids = Vec::with_capacity(items.len());
    let mut sent: Vec<Control> = Vec::with_capacity(items.len());
    for (item, indent) in items {
        let Some(kind) = item.values.first() else {
            return Err("control type is not specified".into());
        };
        while stack.last().is_some_and(|(i, _)| *i >= indent) {
            stack.pop();
        }
        let (parent, index) = match stack.last() {
            Some((_, p)) => (p.clone(), None),
            None => {
                let idx = at;
                at = at.map(|a| a.saturating_add(1));
                (to.to_string(), idx)
            }
        };
        let mut next_id = ex.tree.next_id();
        let base = match item.attrs.get("id").filter(|s| !s.is_empty()) {
            Some(id) => id.to_string(),
            None => {
                let id = format!("_{next_id}");
                next_id += 1;
                id
            }
        };
        let id = compose_id(&parent, &base);
        if !ex.tree.contains(&parent) {
            return Err(format!("parent control with id '{parent}' not found"));
        }
        let mut control = Control::new(&lower(kind), &parent, &id);
        if let Some(i) = index {
            control.at = Some(Box::new(i.to_string().into()));
        }
        for flag in &item.values[1..] {
            control.props.insert(&*lower(flag), "true");
        }
        for (k, v) in &item.attrs {
            let k = lower(k);
            if !is_system_attr(&k) && !v.is_empty() {
                control.props.insert(&*k, v.as_str());
            }
        }
        let index = index.map(|i| u32::try_from(i).unwrap_or(u32::MAX));
        ex.apply(Event::Add {
            control,
            index,
            next_id,
        })?;
        if let Some(c) = ex.tree.get(&id) {
            sent.push(c.clone());
        }
        stack.push((indent, id.clone()));
        ids.push(id);
    }
    // Parents listed before their children must carry the final children lists.
    for c in sent.iter_mut() {
        if let Some(now) = ex.tree.get(&c.i) {
            c.c.clone_from(&now.c);
        }
    }
    Ok((ids, sent))
}

/// `trim=n`: keep the last n children of `to` (n > 0) or the first |n| (n < 0).
fn trim(ex: &mut Exec, cmd: &Command, to: &str) -> Result<Vec<String>, String> {
    let n: i64 = match cmd.attrs.get("trim").map(|s| s.trim().parse()) {
        Some(Ok(n)) if n != 0 => n,
        _ => return Ok(Vec::new()),
    };
    let children = ex.tree.get(to).map(|c| c.c.clone()).unwrap_or_default();
    let keep = usize::try_from(n.unsigned_abs()).unwrap_or(usize::MAX);
    if children.len() <= keep {
        return Ok(Vec::new());
    }
    let drop: Vec<String> = if n > 0 {
        &children[..children.len() - keep]
    } else {
        &children[keep..]
    }
    .iter()
    .map(String::from)
    .collect();
    for id in &drop {
        ex.apply(Event::Remove { id: id.clone() })?;
    }
    Ok(drop)
}

fn target(cmd: &Command) -> String {
    cmd.attrs
        .get("to")
        .filter(|s| !s.is_empty())
        .map_or_else(|| ROOT.to_string(), |s| s.to_string())
}

pub fn add(ex: &mut Exec, cmd: &Command) -> Result<(String, Update), String> {
    let to = target(cmd);
    let at = at_attr(cmd)?;
    let (ids, controls) = add_items(ex, cmd, &to, at)?;
    let trim_ids = trim(ex, cmd, &to)?;
    Ok((ids.join(" "), Update::Add { controls, trim_ids }))
}

pub fn replace(ex: &mut Exec, cmd: &Command) -> Result<(String, Update), String> {
    let to = target(cmd);
    let at = at_attr(cmd)?;
    let Some(parent) = ex.tree.get(&to) else {
        return Err(not_found(&to));
    };
    let replaced = match at {
        Some(i) => {
            let Some(child) = parent.c.get(i).map(String::from) else {
                return Err("'at' is out of range".into());
            };
            ex.apply(Event::Remove { id: child.clone() })?;
            child
        }
        None => {
            ex.apply(Event::Clean { id: to.clone() })?;
            to.clone()
        }
    };
    let (ids, controls) = add_items(ex, cmd, &to, at)?;
    let trim_ids = trim(ex, cmd, &to)?;
    let replace = Update::Replace {
        ids: vec![replaced],
        remove: at.is_some(),
        controls,
    };
    // The reference dropped trimmed ids here; tell browsers in the same message.
    let update = if trim_ids.is_empty() {
        replace
    } else {
        Update::Batch(vec![replace, Update::Remove(trim_ids)])
    };
    Ok((ids.join(" "), update))
}

#[cfg(test)]
mod tests {
    #[test]
    fn compose() {
        assert_eq!(super::compose_id("page", "a"), "a");
        assert_eq!(super::compose_id("form:deep", "leaf"), "form:deep:leaf");
        assert_eq!(super::compose_id("_3", "inner"), "inner");
        assert_eq!(super::compose_id("s1:_4", "x"), "s1:x");
        assert_eq!(super::compose_id("nope", "orphan"), "nope:orphan");
    }
}
