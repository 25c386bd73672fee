//! What browsers of a session are sent after a command: one message derived from the
//! command's events, serialized once and shared by every browser. Props updates are the
//! events themselves (a range of them), so a `set` copies nothing for its browsers.

use crate::model::{Control, Event, SmallStr};
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
    /// `updateControlProps` of the `SetProps` events in this range of the command's events.
    Props(std::ops::Range<usize>),
    /// `appendControlProps` of the `AppendProps` events in this range.
    Append(std::ops::Range<usize>),
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

/// One `{i, name: value...}` map of `updateControlProps`/`appendControlProps`, read from the
/// event's own list (no map, no JSON values) and written as the map the reference sent:
/// keys sorted, a repeated name keeps its last value.
#[derive(Debug, Clone, Copy)]
pub struct PropsItem<'a> {
    pub id: &'a str,
    pub props: &'a [(SmallStr, SmallStr)],
}

impl Serialize for PropsItem<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut all: Vec<(&str, &str)> = Vec::with_capacity(self.props.len() + 1);
        all.push(("i", self.id));
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

/// The props events of a range, as the list of maps browsers get.
struct PropsList<'a>(&'a [Event]);

impl Serialize for PropsList<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.0.iter().filter_map(|e| match e {
            Event::SetProps { id, props } | Event::AppendProps { id, props } => {
                Some(PropsItem { id, props })
            }
            _ => None,
        }))
    }
}

#[derive(Serialize)]
struct PropsPayload<'a> {
    props: PropsList<'a>,
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
    /// The complete WebSocket frame; `events` are those of the command (or batch) that
    /// produced the update.
    pub fn to_frame(&self, events: &[Event]) -> String {
        let range = |r: &std::ops::Range<usize>| PropsPayload {
            props: PropsList(events.get(r.clone()).unwrap_or_default()),
        };
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
            Update::Props(r) => frame(actions::UPDATE_CONTROL_PROPS, range(r)),
            Update::Append(r) => frame(actions::APPEND_CONTROL_PROPS, range(r)),
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
                let inner: Vec<String> = items.iter().map(|u| u.to_frame(events)).collect();
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
        let props: Vec<(SmallStr, SmallStr)> = vec![
            ("value".into(), "1".into()),
            ("bold".into(), "true".into()),
            ("bold".into(), "false".into()),
            ("a".into(), "".into()),
        ];
        let item = PropsItem {
            id: "x",
            props: &props,
        };
        let mut map = PropsMap::new();
        map.insert("i".into(), "x".into());
        for (k, v) in &props {
            map.insert(k.to_string(), v.as_str().into());
        }
        assert_eq!(
            serde_json::to_string(&item).unwrap(),
            serde_json::to_string(&map).unwrap()
        );
        let events = vec![
            Event::Remove { id: "gone".into() },
            Event::SetProps {
                id: "x".into(),
                props,
            },
        ];
        assert_eq!(
            Update::Props(1..2).to_frame(&events),
            r#"{"id":"","action":"updateControlProps","payload":{"props":[{"a":"","bold":"false","i":"x","value":"1"}]}}"#
        );
    }
}
