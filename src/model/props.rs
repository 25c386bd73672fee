//! A control's props: a map from lower-case name to string value, sorted by name (the wire
//! lists them sorted). Controls hold a handful of props, so they live in one exactly sized
//! vector searched by bisection: a `BTreeMap` node costs ~540 bytes even for one entry,
//! which made props the largest part of a page's memory. A control that collects very many
//! props switches to a `BTreeMap`, so inserting stays logarithmic. Both are boxed, so a
//! control's props take 16 bytes in it (the slice's pointer and length), not a `Vec`'s 24.

use super::SmallStr;
use serde::de::{MapAccess, Visitor};
use serde::ser::SerializeMap;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::collections::BTreeMap;

/// Beyond this many props a control keeps them in a `BTreeMap`.
const SMALL_MAX: usize = 64;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Props {
    Small(Box<[(SmallStr, SmallStr)]>),
    Large(Box<BTreeMap<SmallStr, SmallStr>>),
}

impl Default for Props {
    fn default() -> Self {
        Props::Small(Box::default())
    }
}

impl Props {
    pub fn new() -> Props {
        Props::default()
    }

    pub fn len(&self) -> usize {
        match self {
            Props::Small(v) => v.len(),
            Props::Large(m) => m.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub fn get(&self, k: &str) -> Option<&str> {
        match self {
            Props::Small(v) => v
                .binary_search_by(|(x, _)| x.as_str().cmp(k))
                .ok()
                .map(|i| v[i].1.as_str()),
            Props::Large(m) => m.get(k).map(SmallStr::as_str),
        }
    }

    pub fn contains_key(&self, k: &str) -> bool {
        self.get(k).is_some()
    }

    /// Sets `k`; returns the old value.
    pub fn insert(&mut self, k: impl Into<SmallStr>, val: impl Into<SmallStr>) -> Option<SmallStr> {
        let (k, val): (SmallStr, SmallStr) = (k.into(), val.into());
        match self {
            Props::Small(b) => match b.binary_search_by(|(x, _)| x.as_str().cmp(k.as_str())) {
                Ok(i) => Some(std::mem::replace(&mut b[i].1, val)),
                Err(i) => {
                    let mut v = std::mem::take(b).into_vec();
                    if v.len() >= SMALL_MAX {
                        let mut m: BTreeMap<SmallStr, SmallStr> = v.into_iter().collect();
                        m.insert(k, val);
                        *self = Props::Large(Box::new(m));
                    } else {
                        // Exact size: most controls never get another prop.
                        v.reserve_exact(1);
                        v.insert(i, (k, val));
                        *b = v.into_boxed_slice();
                    }
                    None
                }
            },
            Props::Large(m) => m.insert(k, val),
        }
    }

    pub fn remove(&mut self, k: &str) -> Option<SmallStr> {
        match self {
            Props::Small(b) => {
                let i = b.binary_search_by(|(x, _)| x.as_str().cmp(k)).ok()?;
                let mut v = std::mem::take(b).into_vec();
                let (_, old) = v.remove(i);
                *b = v.into_boxed_slice();
                Some(old)
            }
            Props::Large(m) => m.remove(k),
        }
    }

    /// Appends `tail` to the value of `k` (a missing prop counts as empty).
    pub fn append(&mut self, k: &str, tail: &str) {
        let mut v = self.get(k).unwrap_or("").to_string();
        v.push_str(tail);
        self.insert(k, v);
    }

    /// Props in name order.
    pub fn iter(&self) -> Box<dyn Iterator<Item = (&str, &str)> + '_> {
        match self {
            Props::Small(v) => Box::new(v.iter().map(|(k, v)| (k.as_str(), v.as_str()))),
            Props::Large(m) => Box::new(m.iter().map(|(k, v)| (k.as_str(), v.as_str()))),
        }
    }
}

impl<K: Into<SmallStr>, V: Into<SmallStr>> FromIterator<(K, V)> for Props {
    fn from_iter<I: IntoIterator<Item = (K, V)>>(iter: I) -> Self {
        let mut p = Props::new();
        for (k, v) in iter {
            p.insert(k, v);
        }
        p
    }
}

impl<'a> IntoIterator for &'a Props {
    type Item = (&'a str, &'a str);
    type IntoIter = Box<dyn Iterator<Item = (&'a str, &'a str)> + 'a>;
    fn into_iter(self) -> Self::IntoIter {
        self.iter()
    }
}

/// Serialized as a map, exactly as the `BTreeMap` it replaces (same JSON, same bincode).
impl Serialize for Props {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(self.len()))?;
        for (k, v) in self.iter() {
            m.serialize_entry(k, v)?;
        }
        m.end()
    }
}

impl<'de> Deserialize<'de> for Props {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Props;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a map of props")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut a: A) -> Result<Props, A::Error> {
                let n = a.size_hint().unwrap_or(0).min(SMALL_MAX);
                let mut v: Vec<(SmallStr, SmallStr)> = Vec::with_capacity(n);
                let mut sorted = true;
                while let Some((k, val)) = a.next_entry::<SmallStr, SmallStr>()? {
                    sorted &= v.last().is_none_or(|(last, _)| *last < k);
                    v.push((k, val));
                }
                if sorted && v.len() <= SMALL_MAX {
                    return Ok(Props::Small(v.into_boxed_slice()));
                }
                let mut p = Props::new();
                for (k, val) in v {
                    p.insert(k, val);
                }
                Ok(p)
            }
        }
        d.deserialize_map(V)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn behaves_as_a_sorted_map_small_and_large() {
        let mut p = Props::new();
        let mut m = BTreeMap::new();
        for i in (0..200).rev().chain(0..50) {
            let (k, v) = (format!("k{}", i * 7 % 131), format!("v{i}"));
            assert_eq!(
                p.insert(k.clone(), v.clone()).map(String::from),
                m.insert(k, v)
            );
            if i % 5 == 0 {
                let r = format!("k{}", i * 3 % 131);
                assert_eq!(p.remove(&r).map(String::from), m.remove(&r));
            }
            assert!(p.iter().eq(m.iter().map(|(k, v)| (k.as_str(), v.as_str()))));
        }
        p.append("zz", "x");
        p.append("k1", "y");
        m.entry("zz".to_string()).or_default().push('x');
        m.entry("k1".to_string()).or_default().push('y');
        assert!(p.iter().eq(m.iter().map(|(k, v)| (k.as_str(), v.as_str()))));
        let mut small = Props::new();
        small.append("a", "1");
        small.append("c", "3");
        small.append("b", "2");
        let j = serde_json::to_string(&small).unwrap();
        assert_eq!(j, r#"{"a":"1","b":"2","c":"3"}"#);
        let back: Props = serde_json::from_str(&j).unwrap();
        assert_eq!(back, small);
        let bm: BTreeMap<String, String> = serde_json::from_str(&j).unwrap();
        assert_eq!(
            bincode::serialize(&bm).unwrap(),
            bincode::serialize(&small).unwrap()
        );
        assert_eq!(std::mem::size_of::<Props>(), 16);
        assert_eq!(std::mem::size_of::<crate::model::Control>(), 104);
    }
}
