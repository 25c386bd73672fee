//! `Controls`: a tree's controls sorted by id, each stored once. A `BTreeMap<id, Control>`
//! keeps every id twice (key and `Control::i`), 24 bytes a control; this is a `BTreeSet`
//! ordered by the control's own id. A set has no `get_mut`, so [`Controls::get_mut`] takes
//! the control out and a guard puts it back when dropped (ids never change in place).
//! Serialized as the map it replaces (id → control), so snapshots keep their bytes.

use super::{Control, SmallStr};
use serde::de::{MapAccess, Visitor};
use serde::ser::SerializeMap;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::borrow::Borrow;
use std::cmp::Ordering;
use std::collections::BTreeSet;
use std::ops::{Deref, DerefMut};

/// A control ordered (and found) by its id alone.
#[derive(Clone)]
struct ById(Control);

impl PartialEq for ById {
    fn eq(&self, o: &Self) -> bool {
        self.0.i == o.0.i
    }
}
impl Eq for ById {}
impl PartialOrd for ById {
    fn partial_cmp(&self, o: &Self) -> Option<Ordering> {
        Some(self.cmp(o))
    }
}
impl Ord for ById {
    fn cmp(&self, o: &Self) -> Ordering {
        self.0.i.cmp(&o.0.i)
    }
}
impl Borrow<str> for ById {
    fn borrow(&self) -> &str {
        &self.0.i
    }
}

#[derive(Clone, Default)]
pub struct Controls(BTreeSet<ById>);

/// Mutable access to one control; it goes back into the set when this is dropped.
pub struct Slot<'a> {
    set: &'a mut BTreeSet<ById>,
    control: Option<Control>,
}

impl Deref for Slot<'_> {
    type Target = Control;
    fn deref(&self) -> &Control {
        // Only `drop` empties it.
        self.control.as_ref().unwrap_or_else(|| unreachable!())
    }
}
impl DerefMut for Slot<'_> {
    fn deref_mut(&mut self) -> &mut Control {
        self.control.as_mut().unwrap_or_else(|| unreachable!())
    }
}
impl Drop for Slot<'_> {
    fn drop(&mut self) {
        if let Some(c) = self.control.take() {
            self.set.insert(ById(c));
        }
    }
}

impl Controls {
    pub fn get(&self, id: &str) -> Option<&Control> {
        self.0.get(id).map(|c| &c.0)
    }

    pub fn contains_key(&self, id: &str) -> bool {
        self.0.contains(id)
    }

    pub fn get_mut(&mut self, id: &str) -> Option<Slot<'_>> {
        let control = self.0.take(id)?.0;
        Some(Slot {
            set: &mut self.0,
            control: Some(control),
        })
    }

    /// Inserts or replaces the control with this id; returns the old one.
    pub fn insert(&mut self, c: Control) -> Option<Control> {
        self.0.replace(ById(c)).map(|c| c.0)
    }

    pub fn remove(&mut self, id: &str) -> Option<Control> {
        self.0.take(id).map(|c| c.0)
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Every control, sorted by id.
    pub fn values(&self) -> impl Iterator<Item = &Control> {
        self.0.iter().map(|c| &c.0)
    }

    /// Rebuilds the set with full nodes, passing each control through `f` (ids unchanged).
    pub fn rebuild(&mut self, mut f: impl FnMut(&mut Control)) {
        let set = std::mem::take(&mut self.0);
        // Sorted input: `collect` bulk-builds the tree with full nodes.
        self.0 = set
            .into_iter()
            .map(|mut c| {
                f(&mut c.0);
                c
            })
            .collect();
    }
}

impl PartialEq for Controls {
    fn eq(&self, o: &Self) -> bool {
        self.len() == o.len() && self.values().eq(o.values())
    }
}
impl Eq for Controls {}

impl std::fmt::Debug for Controls {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_map()
            .entries(self.values().map(|c| (&c.i, c)))
            .finish()
    }
}

impl Serialize for Controls {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(self.len()))?;
        for c in self.values() {
            m.serialize_entry(&c.i, c)?;
        }
        m.end()
    }
}

impl<'de> Deserialize<'de> for Controls {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Controls, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Controls;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a map of controls by id")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut m: A) -> Result<Controls, A::Error> {
                let mut set = BTreeSet::new();
                while let Some((id, c)) = m.next_entry::<SmallStr, Control>()? {
                    if id != c.i {
                        return Err(serde::de::Error::custom(format!(
                            "control '{}' stored under id '{id}'",
                            c.i
                        )));
                    }
                    set.insert(ById(c));
                }
                Ok(Controls(set))
            }
        }
        d.deserialize_map(V)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    #[test]
    fn same_bytes_as_the_map_and_a_slot_puts_back() {
        let mut cs = Controls::default();
        let mut map = BTreeMap::new();
        for id in ["b", "a", "page"] {
            let c = Control::new("text", "page", id);
            map.insert(SmallStr::from(id), c.clone());
            assert!(cs.insert(c).is_none());
        }
        assert_eq!(
            bincode::serialize(&cs).unwrap(),
            bincode::serialize(&map).unwrap()
        );
        let back: Controls = bincode::deserialize(&bincode::serialize(&map).unwrap()).unwrap();
        assert_eq!(back, cs);
        {
            let mut s = cs.get_mut("a").unwrap();
            s.props.insert("value", "x");
        }
        assert_eq!(cs.get("a").and_then(|c| c.prop("value")), Some("x"));
        assert_eq!(cs.len(), 3);
        assert_ne!(back, cs, "equality compares whole controls, not ids");
        assert!(cs.get_mut("zz").is_none());
        assert_eq!(cs.remove("b").map(|c| c.i), Some("b".into()));
        assert_eq!(
            cs.values().map(|c| c.i.as_str()).collect::<Vec<_>>(),
            ["a", "page"]
        );
    }
}
