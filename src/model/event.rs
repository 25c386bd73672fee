//! Events: the resolved facts a command produced. They are what the log stores and what
//! [`super::Tree::apply`] consumes, live and on recovery alike, so they never say "generate an
//! id" — ids, positions and the auto-id counter are already decided.

use super::{Control, SmallStr};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Event {
    /// Link a new control under `control.p` at `index` (None = append). If `control.i`
    /// exists already, its type, `at` and props are replaced and its children and place kept.
    /// `next_id` is the session's auto-id counter after this add.
    Add {
        control: Control,
        index: Option<u32>,
        next_id: u64,
    },
    /// Set props; an empty value deletes the prop. `SmallStr`s (same JSON and bincode
    /// bytes as `String`): a `set` of short names and values copies them inline instead of
    /// allocating three strings, and recovery reads them the same way.
    SetProps {
        id: SmallStr,
        props: Vec<(SmallStr, SmallStr)>,
    },
    /// Append to props (a missing prop counts as empty).
    AppendProps {
        id: SmallStr,
        props: Vec<(SmallStr, SmallStr)>,
    },
    /// Delete every descendant of `id`, keeping the control itself.
    Clean { id: String },
    /// Delete `id` with its descendants and unlink it from its parent.
    Remove { id: String },
}
