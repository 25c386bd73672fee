//! `set` and `append` (spec 5.3, 5.4): each item is `<id> [flag...] name=value...`, from the
//! command line, JSON sub-commands or text lines.

use super::{not_found, Exec, Update};
use crate::model::control::is_system_attr;
use crate::model::{Event, SmallStr};
use crate::protocol::command::lower;
use crate::protocol::{parse_line, Command};
use std::borrow::Cow;

fn items(cmd: &Command) -> Result<Vec<Cow<'_, Command>>, String> {
    let mut out: Vec<Cow<Command>> = Vec::new();
    if !cmd.values.is_empty() {
        out.push(Cow::Borrowed(cmd));
    }
    out.extend(cmd.commands.iter().map(Cow::Borrowed));
    for line in cmd.lines.iter().filter(|l| !l.trim().is_empty()) {
        out.push(Cow::Owned(parse_line(line)?));
    }
    Ok(out)
}

/// Sets (or, with `append`, appends to) props; browsers get one props map per item, read
/// from the events this applies.
pub fn set(ex: &mut Exec, cmd: &Command, append: bool) -> Result<Update, String> {
    let first = ex.events.len();
    for item in items(cmd)? {
        let Some(id) = item.values.first() else {
            return Err(format!(
                "'{}' command should have control ID specified",
                cmd.name_lower().trim_end_matches('f')
            ));
        };
        if !ex.tree.contains(id) {
            return Err(not_found(id));
        }
        let mut props: Vec<(SmallStr, SmallStr)> = Vec::new();
        for flag in &item.values[1..] {
            props.push((SmallStr::new(&lower(flag)), SmallStr::new("true")));
        }
        for (k, v) in &item.attrs {
            let k = lower(k);
            if !is_system_attr(&k) {
                props.push((SmallStr::new(&k), SmallStr::new(v)));
            }
        }
        let id = SmallStr::new(id);
        ex.apply(if append {
            Event::AppendProps { id, props }
        } else {
            Event::SetProps { id, props }
        })?;
    }
    let sent = first..ex.events.len();
    Ok(if append {
        Update::Append(sent)
    } else {
        Update::Props(sent)
    })
}
