//! Read-only commands: `get` (spec 5.5) and `canaccess` (5.8).

use super::not_found;
use crate::model::Tree;
use crate::protocol::Command;

pub fn get(tree: &Tree, cmd: &Command) -> Result<String, String> {
    let (Some(id), Some(prop)) = (cmd.values.first(), cmd.values.get(1)) else {
        return Err("'get' command should have control ID and property specified".into());
    };
    let control = tree.get(id).ok_or_else(|| not_found(id))?;
    let prop = crate::protocol::command::lower(prop);
    // The reference crashed on `c`; the children list is useful, so it is answered.
    if prop == "c" {
        return Ok(control.c.join(" "));
    }
    Ok(control.prop(&prop).unwrap_or_default().to_string())
}

/// No sign-in providers are configured, so only a request for no permissions is granted.
pub fn canaccess(cmd: &Command) -> String {
    let wanted = cmd.values.first().map(|s| s.trim()).unwrap_or_default();
    (wanted.is_empty()).to_string()
}
