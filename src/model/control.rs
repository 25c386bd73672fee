//! One control: type, parent, id, ordered children and string props, and its JSON form
//! (keys sorted, as the reference's Go maps marshal).

use super::{Children, SmallStr};
use serde::ser::{SerializeMap, Serializer};
use serde::{Deserialize, Serialize};

/// Attribute names that are structure, never props (`set` and browsers cannot change them).
pub const SYSTEM_ATTRS: &[&str] = &["id", "to", "from", "at", "t", "p", "i", "c"];

pub fn is_system_attr(name: &str) -> bool {
    SYSTEM_ATTRS.contains(&name)
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Control {
    pub t: SmallStr,
    pub p: SmallStr,
    pub i: SmallStr,
    pub c: Children,
    /// Rare (only an `add` with `at=`), so boxed: 8 bytes in every control instead of 24.
    pub at: Option<Box<SmallStr>>,
    pub props: super::Props,
}

/// Length of `s` as a JSON string literal, quotes included, as serde_json escapes it.
pub fn quoted_len(s: &str) -> usize {
    let mut n = 2;
    for b in s.bytes() {
        n += match b {
            b'"' | b'\\' | b'\n' | b'\r' | b'\t' | 0x08 | 0x0c => 2,
            0..=0x1f => 6,
            _ => 1,
        };
    }
    n
}

impl Control {
    pub fn new(t: &str, p: &str, i: &str) -> Control {
        Control {
            t: t.into(),
            p: p.into(),
            i: i.into(),
            ..Default::default()
        }
    }

    pub fn prop(&self, name: &str) -> Option<&str> {
        match name {
            "t" => Some(&self.t),
            "p" => Some(&self.p),
            "i" => Some(&self.i),
            "at" => self.at.as_deref().map(SmallStr::as_str),
            _ => self.props.get(name),
        }
    }

    /// Exact length of this control's JSON, kept in step with the session size quota.
    pub fn json_len(&self) -> usize {
        // {"c":[...],"i":..,"p":..,"t":..} plus one `,"k":v` per prop and `at`.
        let mut n = 2 + 4 + 2 + self.c.iter().map(|id| quoted_len(id)).sum::<usize>();
        n += self.c.len().saturating_sub(1);
        n +=
            1 + 4 + quoted_len(&self.i) + 1 + 4 + quoted_len(&self.p) + 1 + 4 + quoted_len(&self.t);
        if let Some(at) = &self.at {
            n += 1 + 5 + quoted_len(at);
        }
        for (k, v) in &self.props {
            n += 1 + quoted_len(k) + 1 + quoted_len(v);
        }
        n
    }

    /// Serializable view with the wire's sorted keys.
    pub fn json(&self) -> ControlJson<'_> {
        ControlJson(self)
    }
}

pub struct ControlJson<'a>(pub &'a Control);

enum Field<'a> {
    Str(&'a str),
    List(&'a [SmallStr]),
}

impl Serialize for ControlJson<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let c = self.0;
        let mut fixed: Vec<(&str, Field)> = Vec::with_capacity(5);
        if let Some(at) = &c.at {
            fixed.push(("at", Field::Str(at)));
        }
        fixed.push(("c", Field::List(&c.c)));
        fixed.push(("i", Field::Str(&c.i)));
        fixed.push(("p", Field::Str(&c.p)));
        fixed.push(("t", Field::Str(&c.t)));
        let mut map = s.serialize_map(Some(fixed.len() + c.props.len()))?;
        let mut props = c.props.iter().peekable();
        for (fk, fv) in fixed {
            while let Some((k, v)) = props.next_if(|(k, _)| *k < fk) {
                map.serialize_entry(k, v)?;
            }
            match fv {
                Field::Str(v) => map.serialize_entry(fk, v)?,
                Field::List(v) => map.serialize_entry(fk, v)?,
            }
        }
        for (k, v) in props {
            map.serialize_entry(k, v)?;
        }
        map.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_is_sorted_and_len_is_exact() {
        let mut c = Control::new("text", "page", "pun");
        c.props.insert(",", "true");
        c.props.insert("value", "He said \"hi\"\n");
        c.props.insert("world", "true");
        c.at = Some(Box::new("0".into()));
        c.c = vec![SmallStr::from("a"), "b".into()].into();
        let j = serde_json::to_string(&c.json()).unwrap();
        assert_eq!(
            j,
            r#"{",":"true","at":"0","c":["a","b"],"i":"pun","p":"page","t":"text","value":"He said \"hi\"\n","world":"true"}"#
        );
        assert_eq!(c.json_len(), j.len());
        let empty = Control::new("page", "", "page");
        assert_eq!(
            empty.json_len(),
            serde_json::to_string(&empty.json()).unwrap().len()
        );
    }
}
