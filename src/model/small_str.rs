//! `SmallStr`: an immutable string that keeps up to 22 bytes inline (ids, types, prop names
//! and most values are that short) and longer text in one exactly sized heap block. It is
//! the size of a `String` (24 bytes) but a page of short controls makes no small heap
//! allocations for them; a 32-byte malloc chunk per string was most of a control's memory.
//! Serialized as a plain string, so JSON and the store's bincode bytes are unchanged.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::borrow::Borrow;
use std::cmp::Ordering;
use std::fmt;
use std::hash::{Hash, Hasher};
use std::ops::Deref;

const INLINE: usize = 22;

#[derive(Clone)]
pub enum SmallStr {
    Inline { len: u8, buf: [u8; INLINE] },
    Heap(Box<str>),
}

impl SmallStr {
    pub fn new(s: &str) -> SmallStr {
        if s.len() <= INLINE {
            let mut buf = [0u8; INLINE];
            buf[..s.len()].copy_from_slice(s.as_bytes());
            SmallStr::Inline {
                len: s.len() as u8,
                buf,
            }
        } else {
            SmallStr::Heap(s.into())
        }
    }

    pub fn as_str(&self) -> &str {
        match self {
            SmallStr::Inline { len, buf } => {
                let bytes = &buf[..usize::from(*len).min(INLINE)];
                // SAFETY: `buf[..len]` is always a copy of a whole `&str` (see `new`).
                unsafe { std::str::from_utf8_unchecked(bytes) }
            }
            SmallStr::Heap(s) => s,
        }
    }
}

impl Default for SmallStr {
    fn default() -> Self {
        SmallStr::new("")
    }
}

impl Deref for SmallStr {
    type Target = str;
    fn deref(&self) -> &str {
        self.as_str()
    }
}

impl AsRef<str> for SmallStr {
    fn as_ref(&self) -> &str {
        self.as_str()
    }
}

impl Borrow<str> for SmallStr {
    fn borrow(&self) -> &str {
        self.as_str()
    }
}

impl PartialEq for SmallStr {
    fn eq(&self, o: &Self) -> bool {
        self.as_str() == o.as_str()
    }
}
impl Eq for SmallStr {}
impl PartialEq<str> for SmallStr {
    fn eq(&self, o: &str) -> bool {
        self.as_str() == o
    }
}
impl PartialEq<&str> for SmallStr {
    fn eq(&self, o: &&str) -> bool {
        self.as_str() == *o
    }
}
impl PartialEq<String> for SmallStr {
    fn eq(&self, o: &String) -> bool {
        self.as_str() == o.as_str()
    }
}
impl PartialEq<SmallStr> for String {
    fn eq(&self, o: &SmallStr) -> bool {
        self.as_str() == o.as_str()
    }
}
impl PartialEq<SmallStr> for &str {
    fn eq(&self, o: &SmallStr) -> bool {
        *self == o.as_str()
    }
}
impl PartialOrd for SmallStr {
    fn partial_cmp(&self, o: &Self) -> Option<Ordering> {
        Some(self.cmp(o))
    }
}
impl Ord for SmallStr {
    fn cmp(&self, o: &Self) -> Ordering {
        self.as_str().cmp(o.as_str())
    }
}
impl Hash for SmallStr {
    fn hash<H: Hasher>(&self, h: &mut H) {
        self.as_str().hash(h)
    }
}

impl fmt::Debug for SmallStr {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        fmt::Debug::fmt(self.as_str(), f)
    }
}
impl fmt::Display for SmallStr {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl From<&str> for SmallStr {
    fn from(s: &str) -> Self {
        SmallStr::new(s)
    }
}
impl From<&String> for SmallStr {
    fn from(s: &String) -> Self {
        SmallStr::new(s)
    }
}
impl From<String> for SmallStr {
    fn from(s: String) -> Self {
        if s.len() <= INLINE {
            SmallStr::new(&s)
        } else {
            SmallStr::Heap(s.into_boxed_str())
        }
    }
}
impl From<&SmallStr> for String {
    fn from(s: &SmallStr) -> Self {
        s.as_str().to_string()
    }
}
impl From<SmallStr> for String {
    fn from(s: SmallStr) -> Self {
        match s {
            SmallStr::Heap(b) => b.into_string(),
            inline => inline.as_str().to_string(),
        }
    }
}

impl Serialize for SmallStr {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for SmallStr {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl serde::de::Visitor<'_> for V {
            type Value = SmallStr;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a string")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<SmallStr, E> {
                Ok(SmallStr::new(v))
            }
            fn visit_string<E: serde::de::Error>(self, v: String) -> Result<SmallStr, E> {
                Ok(v.into())
            }
        }
        d.deserialize_str(V)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inline_and_heap_behave_as_strings() {
        assert_eq!(std::mem::size_of::<SmallStr>(), 24);
        for s in [
            "",
            "page",
            "é-ü:ß",
            &"x".repeat(22),
            &"y".repeat(23),
            &"Привет мир".repeat(5),
        ] {
            let a = SmallStr::new(s);
            assert_eq!(a.as_str(), s);
            assert_eq!(SmallStr::from(s.to_string()), a);
            assert_eq!(String::from(a.clone()), s);
            let j = serde_json::to_string(&a).unwrap();
            assert_eq!(j, serde_json::to_string(s).unwrap());
            assert_eq!(serde_json::from_str::<SmallStr>(&j).unwrap(), a);
            assert_eq!(
                bincode::serialize(&a).unwrap(),
                bincode::serialize(s).unwrap()
            );
            let back: SmallStr = bincode::deserialize(&bincode::serialize(s).unwrap()).unwrap();
            assert_eq!(back, a);
        }
        assert!(matches!(
            SmallStr::new(&"x".repeat(22)),
            SmallStr::Inline { .. }
        ));
        assert!(matches!(SmallStr::new(&"x".repeat(23)), SmallStr::Heap(_)));
        assert!(SmallStr::new("a") < SmallStr::new("b"));
    }
}
