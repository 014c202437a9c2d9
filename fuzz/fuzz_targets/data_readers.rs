//! Every data reader with spans (YAML, JSON, TOML, HCL, Dockerfile, INI, dotenv, properties, ignore): the first
//! byte picks the format, the rest is the file. Spans lie inside the text, errors are 1-based, and the tree
//! converts to a policy input and resolves a key path to a span inside the text.
#![no_main]

use hindsight_engine::data::{self, DataValue, PathElem};
use hindsight_engine::fuzzing;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|input: &[u8]| {
    let Some((&selector, rest)) = input.split_first() else {
        return;
    };
    let Ok(text) = std::str::from_utf8(rest) else {
        return;
    };
    let format = fuzzing::data_format(selector.into());
    match data::parse(format, text) {
        Ok(docs) => {
            for doc in &docs {
                hindsight_fuzz::assert_data_tree(&doc.root, text);
                let _ = data::to_rego(&doc.root);
                // The path of the last child at every level, and one step past it that does not exist.
                let mut path = Vec::new();
                let mut node = &doc.root;
                loop {
                    let next = match &node.value {
                        DataValue::Map(entries) => entries
                            .last()
                            .map(|(k, v)| (PathElem::Key(k.name.clone()), v)),
                        DataValue::Seq(items) => items
                            .len()
                            .checked_sub(1)
                            .map(|i| (PathElem::Index(i), &items[i])),
                        _ => None,
                    };
                    let Some((elem, child)) = next else { break };
                    path.push(elem);
                    node = child;
                    if path.len() > 64 {
                        break;
                    }
                }
                path.push(PathElem::Key("__missing__".into()));
                let resolved = data::resolve(&doc.root, &path, text);
                hindsight_fuzz::assert_range_in(&resolved.span, text, "a resolved path");
            }
        }
        Err(error) => {
            assert!(
                error.line >= 1 && error.column >= 1,
                "{format:?}: error not 1-based: {error:?}"
            );
            // YAML counts a lone `\r` as a line end too (as editors do), so its lines are the bound.
            assert!(
                error.line <= hindsight_fuzz::yaml_lines(text) + 1,
                "{format:?}: error past the end: {error:?}"
            );
        }
    }
});
