//! What browsers of a session are sent after a command: one message derived from the
//! command's events, serialized once and shared by every browser.

use crate::model::Control;
use crate::wire::{actions, Message, PropsMap};
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
    Props(Vec<PropsMap>),
    Append(Vec<PropsMap>),
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

#[derive(Serialize)]
struct PropsPayload<'a> {
    props: &'a [PropsMap],
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
