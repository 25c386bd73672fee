//! What browsers of a session are sent after a command: one message derived from the
//! command's events, serialized once and shared by every browser.

use crate::model::Control;
use crate::wire::{actions, Message};
use serde::Serialize;

#[derive(Debug, Clone, PartialEq)]
pub enum Update {
    Add {
        controls: Vec<Control>,
        trim_ids: Vec<String>,
    },
    Replace {
        ids: Vec<String>,
        remove: bool,
        controls: Vec<Control>,
    },
    Props(Vec<PropsItem>),
    Append(Vec<PropsItem>),
    Clean(Vec<String>),
    Remove(Vec<String>),
    Batch(Vec<Update>),
    Signout,
    Crashed(String),
}

#[derive(Serialize)]
struct AddPayload<'a> {
    controls: Vec<crate::model::control::ControlJson<'a>>,
    #[serde(rename = "trimIDs")]
    trim_ids: &'a [String],
}

#[derive(Serialize)]
struct ReplacePayload<'a> {
    ids: &'a [String],
    remove: bool,
    controls: Vec<crate::model::control::ControlJson<'a>>,
}

/// One `{i, name: value...}` map of `updateControlProps`/`appendControlProps`, kept as the
/// command's own list (no map, no JSON values) and written as the map the reference sent:
/// keys sorted, a repeated name keeps its last value.
#[derive(Debug, Clone, PartialEq)]
pub struct PropsItem {
    pub id: String,
    pub props: Vec<(String, String)>,
}

impl Serialize for PropsItem {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut all: Vec<(&str, &str)> = Vec::with_capacity(self.props.len() + 1);
        all.push(("i", &self.id));
        all.extend(self.props.iter().map(|(k, v)| (k.as_str(), v.as_str())));
        // Stable: among equal names the later one stays last, and is the one kept.
        all.sort_by(|a, b| a.0.cmp(b.0));
        let mut m = s.serialize_map(None)?;
        for (n, (k, v)) in all.iter().enumerate() {
            if all.get(n + 1).is_some_and(|next| next.0 == *k) {
                continue;
            }
            m.serialize_entry(k, v)?;
        }
        m.end()
    }
}

#[derive(Serialize)]
struct PropsPayload<'a> {
    props: &'a [PropsItem],
}

#[derive(Serialize)]
struct IdsPayload<'a> {
    ids: &'a [String],
}

#[derive(Serialize)]
struct Empty {}

fn frame<P: Serialize>(action: &str, payload: P) -> String {
    Message::push(action, payload).to_json()
}

impl Update {
    /// The complete WebSocket frame.
    pub fn to_frame(&self) -> String {
        match self {
            Update::Add { controls, trim_ids } => frame(
                actions::ADD_PAGE_CONTROLS,
                AddPayload {
                    controls: controls.iter().map(Control::json).collect(),
                    trim_ids,
                },
            ),
            Update::Replace {
                ids,
                remove,
                controls,
            } => frame(
                actions::REPLACE_PAGE_CONTROLS,
                ReplacePayload {
                    ids,
                    remove: *remove,
                    controls: controls.iter().map(Control::json).collect(),
                },
            ),
            Update::Props(props) => frame(actions::UPDATE_CONTROL_PROPS, PropsPayload { props }),
            Update::Append(props) => frame(actions::APPEND_CONTROL_PROPS, PropsPayload { props }),
            Update::Clean(ids) => frame(actions::CLEAN_CONTROL, IdsPayload { ids }),
            Update::Remove(ids) => frame(actions::REMOVE_CONTROL, IdsPayload { ids }),
            Update::Signout => frame(actions::SIGNOUT, Empty {}),
            Update::Crashed(message) => frame(
                actions::SESSION_CRASHED,
                crate::wire::MessagePayload {
                    message: message.clone(),
                },
            ),
            Update::Batch(items) => {
                let inner: Vec<String> = items.iter().map(Update::to_frame).collect();
                format!(
                    r#"{{"id":"","action":"{}","payload":[{}]}}"#,
                    actions::PAGE_CONTROLS_BATCH,
                    inner.join(",")
                )
            }
        }
    }

    /// Several updates as one message: a batch when there is more than one.
    pub fn combine(mut items: Vec<Update>) -> Option<Update> {
        match items.len() {
            0 => None,
            1 => items.pop(),
            _ => Some(Update::Batch(items)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wire::PropsMap;

    #[test]
    fn props_items_serialize_as_the_sorted_map() {
        let item = PropsItem {
            id: "x".into(),
            props: vec![
                ("value".into(), "1".into()),
                ("bold".into(), "true".into()),
                ("bold".into(), "false".into()),
                ("a".into(), "".into()),
            ],
        };
        let mut map = PropsMap::new();
        map.insert("i".into(), "x".into());
        for (k, v) in &item.props {
            map.insert(k.clone(), v.clone().into());
        }
        assert_eq!(
            serde_json::to_string(&item).unwrap(),
            serde_json::to_string(&map).unwrap()
        );
        assert_eq!(
            Update::Props(vec![item]).to_frame(),
            r#"{"id":"","action":"updateControlProps","payload":{"props":[{"a":"","bold":"false","i":"x","value":"1"}]}}"#
        );
    }
}
