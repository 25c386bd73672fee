//! The parsed form of one host command, shared by the text parser, the JSON wire format
//! and the engine.

use crate::model::SmallStr;
use serde::{Deserialize, Deserializer, Serialize};
use std::collections::BTreeMap;

/// One command as the reference's `Command` struct: `name` is empty for sub-lines, whose
/// first word is `values[0]`. Field names are accepted in the protocol.md lower case and the
/// Go daemon's capitalised form; `null` anywhere means "empty".
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Command {
    #[serde(default, alias = "Indent", deserialize_with = "nullable")]
    pub indent: usize,
    #[serde(default, alias = "Name", deserialize_with = "nullable")]
    pub name: SmallStr,
    #[serde(
        default,
        alias = "Values",
        deserialize_with = "super::json_fields::strings"
    )]
    pub values: Vec<SmallStr>,
    #[serde(
        default,
        alias = "Attrs",
        deserialize_with = "super::json_fields::attrs"
    )]
    pub attrs: BTreeMap<SmallStr, SmallStr>,
    #[serde(
        default,
        alias = "Lines",
        deserialize_with = "super::json_fields::strings"
    )]
    pub lines: Vec<String>,
    #[serde(default, alias = "Commands", deserialize_with = "nullable")]
    pub commands: Vec<Command>,
}

fn nullable<'de, D: Deserializer<'de>, T: Default + Deserialize<'de>>(d: D) -> Result<T, D::Error> {
    Ok(Option::<T>::deserialize(d)?.unwrap_or_default())
}

/// Every command name the server knows, lower case.
pub const COMMAND_NAMES: &[&str] = &[
    "add",
    "addf",
    "replace",
    "replacef",
    "set",
    "setf",
    "append",
    "appendf",
    "get",
    "clean",
    "cleanf",
    "remove",
    "removef",
    "begin",
    "end",
    "canaccess",
    "signout",
    "close",
    "error",
];

/// Commands whose caller waits for a reply (lower case). Everything else is fire-and-forget.
pub const RETURNING_COMMANDS: &[&str] = &[
    "add",
    "replace",
    "set",
    "append",
    "get",
    "clean",
    "remove",
    "end",
    "canaccess",
    "signout",
];

/// `s` in lower case, borrowed when it already is (command and attribute names nearly
/// always are: this runs several times for every command).
pub fn lower(s: &str) -> std::borrow::Cow<'_, str> {
    if s.bytes().any(|b| b.is_ascii_uppercase() || !b.is_ascii()) {
        std::borrow::Cow::Owned(s.to_lowercase())
    } else {
        std::borrow::Cow::Borrowed(s)
    }
}

impl Command {
    pub fn name_lower(&self) -> std::borrow::Cow<'_, str> {
        lower(&self.name)
    }

    /// Whether the sender of this command waits for a reply.
    pub fn returns_result(&self) -> bool {
        RETURNING_COMMANDS.contains(&&*self.name_lower())
    }

    pub fn is_known(&self) -> bool {
        COMMAND_NAMES.contains(&&*self.name_lower())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_both_field_casings_and_nulls() {
        let a: Command = serde_json::from_str(
            r#"{"Indent":0,"Name":"get","Values":["t1","value"],"Attrs":{},"Lines":[],"Commands":null}"#,
        )
        .unwrap();
        assert_eq!(a.name, "get");
        assert_eq!(a.values, vec!["t1", "value"]);
        let b: Command = serde_json::from_str(
            r#"{"name":null,"values":["text",5],"attrs":{"size":3,"id":["form",true],"value":"v"}}"#,
        )
        .unwrap();
        assert_eq!(b.name, "");
        assert_eq!(b.values, vec!["text", "5"]);
        assert_eq!(
            b.attrs.len(),
            1,
            "non-string attrs are ignored: {:?}",
            b.attrs
        );
        assert_eq!(b.attrs["value"], "v");
    }
}
