//! Documents as the values policies see: each `DataNode` converted to a `regorus::Value`, once per document
//! and shared by every policy that reads it.

use std::collections::{BTreeMap, BTreeSet};

use super::{DataKey, DataNode, DataValue};

/// A document as the JSON its policies see: what the readers' tests compare with conftest's shapes.
#[cfg(test)]
pub(crate) fn doc_json(doc: &super::DataDoc) -> serde_json::Value {
    let text = to_rego(&doc.root).to_json_str().unwrap_or_default();
    serde_json::from_str(&text).unwrap_or_default()
}

/// Converts a node to the value policies see as `input`.
pub fn to_rego(node: &DataNode) -> regorus::Value {
    convert(node, &mut KeyCache::default())
}

/// Converts a document for policies that read only `keys` of its top-level mapping (`None`: all of it); the
/// other entries are left out. A document that is not a mapping is converted whole.
pub fn to_rego_keys(node: &DataNode, keys: Option<&BTreeSet<&str>>) -> regorus::Value {
    match (&node.value, keys) {
        (DataValue::Map(entries), Some(keys)) => {
            let cache = &mut KeyCache::default();
            map_to_rego(
                entries
                    .iter()
                    .filter(|(key, _)| keys.contains(key.name.as_str())),
                cache,
            )
        }
        _ => to_rego(node),
    }
}

fn convert<'a>(node: &'a DataNode, keys: &mut KeyCache<'a>) -> regorus::Value {
    match &node.value {
        DataValue::Null => regorus::Value::Null,
        DataValue::Bool(b) => regorus::Value::from(*b),
        DataValue::Int(i) => regorus::Value::from(*i),
        DataValue::Float(f) => regorus::Value::from(*f),
        DataValue::Str(s) => regorus::Value::from(s.as_str()),
        DataValue::Seq(items) => regorus::Value::from(
            items
                .iter()
                .map(|item| convert(item, keys))
                .collect::<Vec<_>>(),
        ),
        DataValue::Map(entries) => map_to_rego(entries.iter(), keys),
    }
}

fn map_to_rego<'a>(
    entries: impl Iterator<Item = &'a (DataKey, DataNode)>,
    keys: &mut KeyCache<'a>,
) -> regorus::Value {
    let map: BTreeMap<regorus::Value, regorus::Value> = entries
        .map(|(key, value)| (keys.get(&key.name), convert(value, keys)))
        .collect();
    regorus::Value::from(map)
}

/// The mapping keys of one document as regorus strings, each made once and shared: a document repeats its keys
/// (every instruction of a Dockerfile has the same eight, every resource of a kind the same attributes), and a
/// string made per key was a third of the conversion's cost and of freeing the input after evaluation. A small
/// table indexed by a cheap hash of the key (a miss replaces the slot) is enough for that repetition.
struct KeyCache<'a> {
    slots: [Option<(&'a str, regorus::Value)>; KEY_SLOTS],
}

impl Default for KeyCache<'_> {
    fn default() -> Self {
        Self {
            slots: std::array::from_fn(|_| None),
        }
    }
}

const KEY_SLOTS: usize = 64;

impl<'a> KeyCache<'a> {
    fn get(&mut self, key: &'a str) -> regorus::Value {
        let bytes = key.as_bytes();
        let mix = |at: usize| bytes.get(at).map_or(0, |&b| usize::from(b));
        let slot = (bytes.len().wrapping_mul(31)
            ^ mix(0).wrapping_mul(7)
            ^ mix(bytes.len() / 2)
            ^ (mix(bytes.len().wrapping_sub(1)) << 2))
            % KEY_SLOTS;
        match &self.slots[slot] {
            Some((cached, value)) if *cached == key => value.clone(),
            _ => {
                let value = regorus::Value::from(key);
                self.slots[slot] = Some((key, value.clone()));
                value
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::{DataFormat, parse};

    #[test]
    fn shared_keys_convert_as_keys_made_one_by_one() {
        // Keys that share length, first, middle and last byte land in one slot of the key table and evict each
        // other; 200 distinct keys overflow it; every mapping repeats them.
        let mut text = String::from("items:\n");
        for item in 0..3 {
            text.push_str(&format!(
                "  - ab{item}: 1\n    ba{item}: 2\n    aab: 3\n    abb: 4\n"
            ));
            for n in 0..200 {
                text.push_str(&format!("    key{n}: {item}\n"));
            }
        }
        let docs = parse(DataFormat::Yaml, &text).unwrap();
        let expected: serde_json::Value = serde_saphyr::from_str(&text).unwrap();
        assert_eq!(doc_json(&docs[0]), expected);
    }

    #[test]
    fn a_document_is_converted_as_far_as_its_policies_read() {
        let docs = parse(
            DataFormat::Yaml,
            "resource: {a: 1}\nvariable: [x]\nlocals: 2\n",
        )
        .unwrap();
        let json = |keys: Option<&BTreeSet<&str>>| {
            let text = to_rego_keys(&docs[0].root, keys).to_json_str().unwrap();
            serde_json::from_str::<serde_json::Value>(&text).unwrap()
        };
        let keys = BTreeSet::from(["resource", "absent"]);
        assert_eq!(json(Some(&keys)), serde_json::json!({"resource": {"a": 1}}));
        assert_eq!(json(None), doc_json(&docs[0]));
        // A document that is not a mapping is converted whole.
        let list = parse(DataFormat::Yaml, "[1, 2]").unwrap();
        let whole = to_rego_keys(&list[0].root, Some(&keys));
        assert_eq!(whole, to_rego(&list[0].root));
    }
}
