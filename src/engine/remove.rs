//! `clean` and `remove` (spec 5.6, 5.7): resolve the ids (or the `at`-th child), then
//! delete descendants (clean) or whole subtrees (remove).

use super::{at_attr, not_found, Exec, Update};
use crate::model::tree::ROOT;
use crate::model::Event;
use crate::protocol::Command;

/// The ids a clean/remove acts on: the values, or the `at`-th child of the single id.
fn resolve(ex: &Exec, cmd: &Command, default: Option<&str>) -> Result<Vec<String>, String> {
    let at = at_attr(cmd)?;
    let mut ids: Vec<String> = cmd.values.iter().map(|v| v.to_string()).collect();
    if ids.is_empty() {
        if default.is_none() && at.is_none() {
            return Err("'page' control cannot be removed".into());
        }
        ids.push(default.unwrap_or(ROOT).to_string());
    }
    if let Some(i) = at {
        if ids.len() > 1 {
            return Err("'at' cannot be specified with a list of IDs".into());
        }
        let parent = ex.tree.get(&ids[0]).ok_or_else(|| not_found(&ids[0]))?;
        let child = parent
            .c
            .get(i)
            .ok_or_else(|| "'at' is out of range".to_string())?;
        return Ok(vec![child.to_string()]);
    }
    for id in &ids {
        if !ex.tree.contains(id) {
            return Err(not_found(id));
        }
    }
    Ok(ids)
}

pub fn clean(ex: &mut Exec, cmd: &Command) -> Result<Update, String> {
    let ids = resolve(ex, cmd, Some(ROOT))?;
    for id in &ids {
        ex.apply(Event::Clean { id: id.clone() })?;
    }
    Ok(Update::Clean(ids))
}

pub fn remove(ex: &mut Exec, cmd: &Command) -> Result<Update, String> {
    let ids = resolve(ex, cmd, None)?;
    for id in &ids {
        if id == ROOT {
            // The reference crashed here.
            return Err("'page' control cannot be removed".into());
        }
        // Removing a control and, in the same command, one of its descendants is fine:
        // the second is already gone.
        if ex.tree.contains(id) {
            ex.apply(Event::Remove { id: id.clone() })?;
        }
    }
    Ok(Update::Remove(ids))
}
