//! `Children`: a control's ordered child ids. Most controls are leaves, so an empty list is
//! one null pointer (8 bytes, where a `Vec` takes 24 in every control); a list with ids is a
//! boxed `Vec`. Serialized as a plain sequence, so JSON and the store's bincode bytes are
//! those of a `Vec<SmallStr>`.

use super::SmallStr;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::ops::Deref;

// The box is the point: 8 bytes in a leaf, which has no list at all.
#[allow(clippy::box_collection)]
#[derive(Clone, Default)]
pub struct Children(Option<Box<Vec<SmallStr>>>);

impl Children {
    pub fn new() -> Children {
        Children(None)
    }

    fn vec_mut(&mut self) -> &mut Vec<SmallStr> {
        self.0.get_or_insert_with(Box::default)
    }

    pub fn insert(&mut self, at: usize, id: SmallStr) {
        self.vec_mut().insert(at, id);
    }

    pub fn push(&mut self, id: SmallStr) {
        self.vec_mut().push(id);
    }

    pub fn remove(&mut self, at: usize) -> SmallStr {
        let v = self.vec_mut();
        let id = v.remove(at);
        if v.is_empty() {
            self.0 = None;
        }
        id
    }

    pub fn clear(&mut self) {
        self.0 = None;
    }

    pub fn capacity(&self) -> usize {
        self.0.as_ref().map_or(0, |v| v.capacity())
    }

    /// Drops the spare capacity (after a big `add`, see `Tree::compact`).
    pub fn shrink_to_fit(&mut self) {
        if let Some(v) = &mut self.0 {
            v.shrink_to_fit();
        }
    }
}

impl Deref for Children {
    type Target = [SmallStr];

    fn deref(&self) -> &[SmallStr] {
        self.0.as_deref().map_or(&[], Vec::as_slice)
    }
}

impl PartialEq for Children {
    fn eq(&self, o: &Self) -> bool {
        **self == **o
    }
}
impl Eq for Children {}

impl std::fmt::Debug for Children {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

impl From<Vec<SmallStr>> for Children {
    fn from(v: Vec<SmallStr>) -> Children {
        Children((!v.is_empty()).then(|| Box::new(v)))
    }
}

impl FromIterator<SmallStr> for Children {
    fn from_iter<I: IntoIterator<Item = SmallStr>>(it: I) -> Children {
        Children::from(it.into_iter().collect::<Vec<_>>())
    }
}

impl IntoIterator for Children {
    type Item = SmallStr;
    type IntoIter = std::vec::IntoIter<SmallStr>;

    fn into_iter(self) -> Self::IntoIter {
        self.0.map(|b| *b).unwrap_or_default().into_iter()
    }
}

impl<'a> IntoIterator for &'a Children {
    type Item = &'a SmallStr;
    type IntoIter = std::slice::Iter<'a, SmallStr>;

    fn into_iter(self) -> Self::IntoIter {
        self.iter()
    }
}

impl Serialize for Children {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        (**self).serialize(s)
    }
}

impl<'de> Deserialize<'de> for Children {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Children, D::Error> {
        Vec::<SmallStr>::deserialize(d).map(Children::from)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_leaf_is_one_pointer_and_the_bytes_are_a_vecs() {
        assert_eq!(std::mem::size_of::<Children>(), 8);
        let mut c = Children::new();
        assert!(c.is_empty());
        c.push("b".into());
        c.insert(0, "a".into());
        assert_eq!(c.join(" "), "a b");
        let v: Vec<SmallStr> = vec!["a".into(), "b".into()];
        assert_eq!(
            bincode::serialize(&c).unwrap(),
            bincode::serialize(&v).unwrap()
        );
        assert_eq!(serde_json::to_string(&c).unwrap(), r#"["a","b"]"#);
        let back: Children = bincode::deserialize(&bincode::serialize(&v).unwrap()).unwrap();
        assert_eq!(back, c);
        assert_eq!(c.remove(0), "a");
        assert_eq!(c.remove(0), "b");
        assert_eq!(c, Children::new());
        assert!(c.0.is_none(), "an emptied list frees its box");
    }
}
