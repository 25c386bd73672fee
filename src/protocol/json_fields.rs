//! How a JSON command's `values`/`lines` and `attrs` are read: straight into strings, with
//! no `serde_json::Value` in between. A host's batch of 100 `set`s went through a map of
//! `Value`s per command, then a second map built from it (three ~600-byte allocations per
//! command); this reads each attr once into the map the command keeps.

use crate::model::SmallStr;
use serde::de::{self, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::fmt;

/// One field value as a string. With `TEXT`, where a string was expected a scalar is taken
/// as its text (JSON hosts may send numbers or booleans; the Go server would reject them,
/// we take their text so a sloppy client still works), `null` as empty and an array or
/// object as its JSON text. Without `TEXT` (attrs) anything but a string is `None`, and
/// skipped without building text. `S` is the string type the command keeps: `SmallStr` for
/// names and values, `String` for whole lines; either is built once, from the JSON text.
struct Field<const TEXT: bool, S>(Option<S>);

/// What a field can be read into.
pub trait Text: for<'a> From<&'a str> + From<String> + Default {}
impl<S: for<'a> From<&'a str> + From<String> + Default> Text for S {}

impl<const TEXT: bool, S: Text> Field<TEXT, S> {
    fn other(text: impl FnOnce() -> String) -> Self {
        Field(TEXT.then(|| S::from(text())))
    }
}

impl<'de, const TEXT: bool, S: Text> Deserialize<'de> for Field<TEXT, S> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V<const TEXT: bool, S>(std::marker::PhantomData<S>);
        impl<'de, const TEXT: bool, S: Text> Visitor<'de> for V<TEXT, S> {
            type Value = Field<TEXT, S>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a string or a scalar")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
                Ok(Field(Some(S::from(v))))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
                Ok(Field(Some(S::from(v))))
            }
            fn visit_bool<E: de::Error>(self, v: bool) -> Result<Self::Value, E> {
                Ok(Field::other(|| v.to_string()))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
                Ok(Field::other(|| v.to_string()))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
                Ok(Field::other(|| v.to_string()))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
                // serde_json's own text for the number (`1.0`, not Rust's `1`).
                Ok(Field::other(|| serde_json::Value::from(v).to_string()))
            }
            fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
                Ok(Field::other(String::new))
            }
            fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
                Ok(Field::other(String::new))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut a: A) -> Result<Self::Value, A::Error> {
                if TEXT {
                    let v =
                        serde_json::Value::deserialize(de::value::SeqAccessDeserializer::new(a))?;
                    return Ok(Field(Some(S::from(v.to_string()))));
                }
                while a.next_element::<IgnoredAny>()?.is_some() {}
                Ok(Field(None))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut a: A) -> Result<Self::Value, A::Error> {
                if TEXT {
                    let v =
                        serde_json::Value::deserialize(de::value::MapAccessDeserializer::new(a))?;
                    return Ok(Field(Some(S::from(v.to_string()))));
                }
                while a.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
                Ok(Field(None))
            }
        }
        d.deserialize_any(V::<TEXT, S>(std::marker::PhantomData))
    }
}

/// `values` / `lines`: a list of strings (scalars taken as text), or `null`.
pub fn strings<'de, D: Deserializer<'de>, S: Text>(d: D) -> Result<Vec<S>, D::Error> {
    let v: Option<Vec<Field<true, S>>> = Option::deserialize(d)?;
    Ok(v.unwrap_or_default()
        .into_iter()
        .map(|f| f.0.unwrap_or_default())
        .collect())
}

/// `attrs`: name → string value, or `null`. Attributes whose value is not a string are
/// ignored, as the reference did: the Python client sends its ids as `[value, dirty]`
/// pairs, which therefore get automatic ids there. A repeated name keeps its last value.
pub fn attrs<'de, D: Deserializer<'de>>(d: D) -> Result<BTreeMap<SmallStr, SmallStr>, D::Error> {
    struct V;
    impl<'de> Visitor<'de> for V {
        type Value = BTreeMap<SmallStr, SmallStr>;
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("a map of attributes")
        }
        fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(BTreeMap::new())
        }
        fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(BTreeMap::new())
        }
        fn visit_some<D2: Deserializer<'de>>(self, d: D2) -> Result<Self::Value, D2::Error> {
            d.deserialize_map(V)
        }
        fn visit_map<A: MapAccess<'de>>(self, mut a: A) -> Result<Self::Value, A::Error> {
            let mut m = BTreeMap::new();
            while let Some((k, v)) = a.next_entry::<SmallStr, Field<false, SmallStr>>()? {
                match v.0 {
                    Some(v) => m.insert(k, v),
                    None => m.remove(&k),
                };
            }
            Ok(m)
        }
    }
    d.deserialize_option(V)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Deserialize)]
    struct T {
        #[serde(default, deserialize_with = "strings")]
        v: Vec<SmallStr>,
        #[serde(default, deserialize_with = "attrs")]
        a: BTreeMap<SmallStr, SmallStr>,
    }

    #[test]
    fn same_strings_and_attrs_as_going_through_values() {
        let t: T = serde_json::from_str(
            r#"{"v":["x",5,-2,1.0,2.5e20,true,null,[1,"a"],{"k":1}],
                "a":{"id":["f",true],"value":"v","size":3,"n":null,"o":{"p":1},"d":"1","d":2}}"#,
        )
        .unwrap();
        let old: Vec<String> = serde_json::from_str::<Vec<serde_json::Value>>(
            r#"["x",5,-2,1.0,2.5e20,true,null,[1,"a"],{"k":1}]"#,
        )
        .unwrap()
        .into_iter()
        .map(|v| match v {
            serde_json::Value::String(s) => s,
            serde_json::Value::Null => String::new(),
            other => other.to_string(),
        })
        .collect();
        assert_eq!(t.v, old);
        assert_eq!(t.v[3], "1.0");
        assert_eq!(t.a.len(), 1, "{:?}", t.a);
        assert_eq!(t.a["value"], "v");
        let n: T = serde_json::from_str(r#"{"v":null,"a":null}"#).unwrap();
        assert!(n.v.is_empty() && n.a.is_empty());
        assert!(serde_json::from_str::<T>(r#"{"a":"x"}"#).is_err());
    }
}
