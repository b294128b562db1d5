//! Stored series as Prometheus's `/api/v1/series` answers them: label sets,
//! kept compact. An answer of hundreds of thousands of series repeats the
//! same few names and values (`job`, `instance`, `__name__`...) in every
//! set: here each distinct string is stored once and a set is a short slice
//! of indices, so a 64 MiB answer costs a fraction of its size rather than
//! a map and two heap strings per label.
//!
//! [`Series`] deserializes straight from the JSON array (through a seed
//! that interns each string as the parser hands it over), so no tree of
//! `String`s is ever built.

use std::collections::HashMap;
use std::fmt;

use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};

/// Label sets, each sorted by label name, with their strings interned.
#[derive(Default, Clone)]
pub struct Series {
    strings: Vec<Box<str>>,
    sets: Vec<Box<[(u32, u32)]>>,
}

/// One series: its labels (`__name__` included).
#[derive(Clone, Copy)]
pub struct LabelSet<'a> {
    strings: &'a [Box<str>],
    pairs: &'a [(u32, u32)],
}

impl<'a> LabelSet<'a> {
    /// The value of label `name`.
    pub fn get(&self, name: &str) -> Option<&'a str> {
        let strings = self.strings;
        self.pairs
            .binary_search_by(|(k, _)| strings[*k as usize].as_ref().cmp(name))
            .ok()
            .map(|i| strings[self.pairs[i].1 as usize].as_ref())
    }

    /// Whether the set has label `name`.
    pub fn contains(&self, name: &str) -> bool {
        self.get(name).is_some()
    }

    /// `(name, value)` in label-name order.
    pub fn iter(&self) -> impl Iterator<Item = (&'a str, &'a str)> + Clone + 'a {
        let strings = self.strings;
        self.pairs
            .iter()
            .map(move |(k, v)| (strings[*k as usize].as_ref(), strings[*v as usize].as_ref()))
    }
}

impl fmt::Debug for LabelSet<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map().entries(self.iter()).finish()
    }
}

impl fmt::Debug for Series {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

impl Series {
    /// How many series.
    pub fn len(&self) -> usize {
        self.sets.len()
    }

    pub fn is_empty(&self) -> bool {
        self.sets.is_empty()
    }

    /// The series, in the order they were given.
    pub fn iter(&self) -> impl Iterator<Item = LabelSet<'_>> + '_ {
        self.sets.iter().map(|pairs| LabelSet {
            strings: &self.strings,
            pairs,
        })
    }

    /// The series satisfying `keep`, sharing this store's strings.
    pub fn filtered(&self, mut keep: impl FnMut(LabelSet<'_>) -> bool) -> Series {
        let sets = self
            .sets
            .iter()
            .filter(|pairs| {
                keep(LabelSet {
                    strings: &self.strings,
                    pairs,
                })
            })
            .cloned()
            .collect();
        Series {
            strings: self.strings.clone(),
            sets,
        }
    }
}

impl<K: AsRef<str>, V: AsRef<str>, S: IntoIterator<Item = (K, V)>> FromIterator<S> for Series {
    /// Series from label sets; a label given twice keeps its last value.
    fn from_iter<I: IntoIterator<Item = S>>(sets: I) -> Self {
        let mut b = Builder::default();
        for set in sets {
            for (k, v) in set {
                let k = b.intern(k.as_ref());
                let v = b.intern(v.as_ref());
                b.pairs.push((k, v));
            }
            b.finish_set();
        }
        b.series
    }
}

/// Interns strings and collects sets while an answer is read.
#[derive(Default)]
struct Builder {
    series: Series,
    index: HashMap<Box<str>, u32>,
    /// The set being read.
    pairs: Vec<(u32, u32)>,
}

impl Builder {
    fn intern(&mut self, s: &str) -> u32 {
        if let Some(i) = self.index.get(s) {
            return *i;
        }
        let i = u32::try_from(self.series.strings.len()).unwrap_or(u32::MAX);
        self.series.strings.push(s.into());
        self.index.insert(s.into(), i);
        i
    }

    fn finish_set(&mut self) {
        let strings = &self.series.strings;
        // Sorted by name, the last of a repeated name kept.
        self.pairs
            .sort_by(|a, b| strings[a.0 as usize].cmp(&strings[b.0 as usize]));
        let mut set: Vec<(u32, u32)> = Vec::with_capacity(self.pairs.len());
        for p in self.pairs.drain(..) {
            match set.last_mut() {
                Some(last) if last.0 == p.0 => *last = p,
                _ => set.push(p),
            }
        }
        self.series.sets.push(set.into_boxed_slice());
    }
}

/// A JSON string, interned as the parser hands it over.
struct Intern<'b>(&'b mut Builder);

impl<'de> DeserializeSeed<'de> for Intern<'_> {
    type Value = u32;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<u32, D::Error> {
        d.deserialize_str(self)
    }
}

impl Visitor<'_> for Intern<'_> {
    type Value = u32;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a label name or value (a string)")
    }
    fn visit_str<E: de::Error>(self, s: &str) -> Result<u32, E> {
        Ok(self.0.intern(s))
    }
}

/// One label set: a JSON object of strings.
struct Set<'b>(&'b mut Builder);

impl<'de> DeserializeSeed<'de> for Set<'_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for Set<'_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a label set (an object of strings)")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while let Some(k) = map.next_key_seed(Intern(self.0))? {
            let v = map.next_value_seed(Intern(self.0))?;
            self.0.pairs.push((k, v));
        }
        self.0.finish_set();
        Ok(())
    }
}

struct Sets;

impl<'de> Visitor<'de> for Sets {
    type Value = Series;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a list of label sets")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Series, A::Error> {
        let mut b = Builder::default();
        while seq.next_element_seed(Set(&mut b))?.is_some() {}
        let mut series = b.series;
        series.strings.shrink_to_fit();
        series.sets.shrink_to_fit();
        Ok(series)
    }
}

impl<'de> serde::Deserialize<'de> for Series {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_seq(Sets)
    }
}

/// How many elements a JSON array has, read without keeping any of them:
/// what a "does this selector match anything" question needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Count(pub usize);

impl<'de> serde::Deserialize<'de> for Count {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Counter;
        impl<'de> Visitor<'de> for Counter {
            type Value = Count;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a list")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Count, A::Error> {
                let mut n = 0;
                while seq.next_element::<de::IgnoredAny>()?.is_some() {
                    n += 1;
                }
                Ok(Count(n))
            }
        }
        d.deserialize_seq(Counter)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_answer_is_read_into_interned_sorted_sets() {
        let json = r#"[{"__name__":"up","job":"a","instance":"h:1"},
                       {"job":"a","__name__":"up","instance":"h:2"},
                       {"__name__":"x\u00e9","job":"a"}]"#;
        let s: Series = serde_json::from_str(json).unwrap();
        assert_eq!(s.len(), 3);
        // `__name__`, `up`, `job`, `a`, `instance`, the two hosts and `xé`,
        // each once.
        assert_eq!(s.strings.len(), 8);
        let first: Vec<_> = s.iter().next().unwrap().iter().collect();
        assert_eq!(
            first,
            [("__name__", "up"), ("instance", "h:1"), ("job", "a")]
        );
        let second = s.iter().nth(1).unwrap();
        assert_eq!(second.get("instance"), Some("h:2"));
        assert_eq!(second.get("le"), None);
        assert_eq!(s.iter().nth(2).unwrap().get("__name__"), Some("xé"));
        let ups = s.filtered(|l| l.get("__name__") == Some("up"));
        assert_eq!(ups.len(), 2);
    }

    #[test]
    fn a_malformed_answer_is_an_error_not_a_panic() {
        for bad in [
            r#"[{"a":1}]"#,
            r#"{"a":"b"}"#,
            r#"[["a"]]"#,
            r#"[{"a":"b"}"#,
        ] {
            assert!(serde_json::from_str::<Series>(bad).is_err(), "{bad}");
        }
        assert_eq!(
            serde_json::from_str::<Count>(r#"[{"a":"b"},{},{"c":[1,2]}]"#).unwrap(),
            Count(3)
        );
    }

    #[test]
    fn sets_from_pairs_keep_the_last_of_a_repeated_label() {
        let s: Series = [vec![("b", "1"), ("a", "2"), ("b", "3")]]
            .into_iter()
            .collect();
        let set: Vec<_> = s.iter().next().unwrap().iter().collect();
        assert_eq!(set, [("a", "2"), ("b", "3")]);
    }
}
