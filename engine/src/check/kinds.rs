//! Which rules can match which node kinds, per language, and which kinds the walk must enter.
//!
//! Rules are bucketed by their matcher's `potential_kinds` (as ast-grep does), so the scan offers a node only
//! to the rules of its kind. From the grammar's `node-types.json`, [`compute_reach`] works out which kinds can
//! occur below which, so the walk skips subtrees that cannot hold an interesting kind (tokens, strings,
//! comments).

use std::collections::HashMap;
use std::sync::Arc;

use super::ActiveRule;
use crate::rule::{NeedleIndex, RulePack};
use crate::source::lang::{Lang, TestCode};
use crate::source::macros;

/// The node kind is a Rust macro invocation (its arguments are opened).
pub(super) const KIND_MACRO: u8 = 2;
/// Some rule can match the node kind.
pub(super) const KIND_RULES: u8 = 4;
/// Some descendant of a node of this kind can be of interest (a rule kind or a macro): the walk goes in.
pub(super) const KIND_DESCEND: u8 = 8;

/// The languages some enabled structural rule checks, in the order they first appear among `active`.
pub(super) fn languages(pack: &RulePack, active: &[ActiveRule]) -> Vec<Lang> {
    let mut langs: Vec<Lang> = Vec::new();
    for active_rule in active {
        let rule = &pack.rules()[active_rule.pack_idx];
        if let (Some(lang), Some(_)) = (active_rule.language(rule), active_rule.matcher(rule))
            && !langs.contains(&lang)
        {
            langs.push(lang);
        }
    }
    langs
}

/// Buckets the enabled rules of one language by node kind. Built when the first file of the language is
/// checked; the built-in pack's matchers are not compiled for it (`MatchRule::potential_kinds`), only when a
/// node is first offered to them.
pub(super) fn bucket(pack: &RulePack, active: &[ActiveRule], lang: Lang) -> KindMap {
    let mut map = KindMap::new(lang);
    for (active_idx, active_rule) in active.iter().enumerate() {
        let rule = &pack.rules()[active_rule.pack_idx];
        if active_rule.language(rule) != Some(lang) {
            continue;
        }
        if let Some(matcher) = active_rule.matcher(rule) {
            map.add_rule(active_idx, matcher);
        }
    }
    map.compute_descend();
    map.collect_needles(pack, active);
    map
}

/// One language's kind map, built on first use.
pub(super) struct LangKinds {
    pub(super) lang: Lang,
    pub(super) map: std::sync::OnceLock<KindMap>,
}

/// One language's rules by node kind, and the per-kind flags the walk reads.
pub(super) struct KindMap {
    pub(super) lang: Lang,
    /// Every interesting kind is a named node, so the walk can skip anonymous tokens.
    pub(super) named_only: bool,
    /// Kind ids the walk tracks for test code (`None` for a language that does not mark test code).
    pub(super) test: Option<TestKinds>,
    /// Some rule kind can occur without brackets, so even flat macro arguments are worth parsing.
    pub(super) flat_macros: bool,
    /// The needles (see `MatchRule::needles`) of every rule that has some: in a file where no rule without
    /// needles applies, macro arguments that match none of them cannot hold a match and are not parsed.
    pub(super) macro_needles: Option<regex::Regex>,
    /// Indices into `active` of the rules without needles.
    pub(super) needle_less: Vec<usize>,
    /// The rules' file needles (keyed by index into `active`), looked for in one pass a file.
    pub(super) file_needles: NeedleIndex,
    /// Node kind id → `KIND_*` flags: one lookup per node decides whether it needs any work.
    pub(super) flags: Vec<u8>,
    /// Indices into `active`.
    pub(super) rules: Vec<usize>,
    /// Node kind id → indices into `active`.
    pub(super) by_kind: Vec<Vec<usize>>,
}

impl KindMap {
    fn new(lang: Lang) -> Self {
        let ts = lang.ts_language();
        let mut flags = vec![0; ts.node_kind_count()];
        for (id, slot) in flags.iter_mut().enumerate() {
            let Some(name) = u16::try_from(id)
                .ok()
                .and_then(|id| ts.node_kind_for_id(id))
            else {
                continue;
            };
            if lang.spec().macro_kind == Some(name) {
                *slot |= KIND_MACRO;
            }
        }
        let test = lang.test_code().map(|test| TestKinds::new(lang, test, &ts));
        Self {
            lang,
            named_only: true,
            test,
            flat_macros: false,
            macro_needles: None,
            needle_less: Vec::new(),
            file_needles: NeedleIndex::default(),
            flags,
            rules: Vec::new(),
            by_kind: Vec::new(),
        }
    }

    /// Files the rule under every kind its matcher can match.
    fn add_rule(&mut self, active_idx: usize, matcher: &crate::rule::MatchRule) {
        self.rules.push(active_idx);
        // Rules without potential kinds are rejected at load, so every rule lands in some bucket.
        if let Some(kinds) = matcher.potential_kinds() {
            for kind in kinds {
                if self.by_kind.len() <= kind {
                    self.by_kind.resize_with(kind + 1, Vec::new);
                }
                self.by_kind[kind].push(active_idx);
                if let Some(flag) = self.flags.get_mut(kind) {
                    *flag |= KIND_RULES;
                }
            }
        }
    }

    /// Joins the rules' needles into one regex for macro arguments, lists the rules that have none, and
    /// indexes the rules' file needles.
    fn collect_needles(&mut self, pack: &RulePack, active: &[ActiveRule]) {
        let mut needles = Vec::new();
        let mut file_needles = Vec::new();
        for &idx in &self.rules {
            let rule = &pack.rules()[active[idx].pack_idx];
            let matcher = active[idx].matcher(rule);
            if let Some(matcher) = matcher {
                file_needles.push((idx, matcher.file_needles()));
            }
            match matcher.and_then(|m| m.needles.as_deref()) {
                Some(needle) => needles.push(format!("(?:{needle})")),
                None => self.needle_less.push(idx),
            }
        }
        self.file_needles = NeedleIndex::new(file_needles);
        self.macro_needles = if needles.is_empty() {
            None
        } else {
            regex::Regex::new(&needles.join("|")).ok()
        };
    }

    /// Marks the kinds whose subtrees can contain an interesting kind, from the grammar's node types.
    /// Everything the grammar does not describe (errors, unknown kinds) is entered, to be safe.
    fn compute_descend(&mut self) {
        let ts = self.lang.ts_language();
        let reach = node_type_reach(self.lang);
        let interesting = reach.bits_of(
            (0..self.flags.len())
                .filter(|&id| self.flags[id] & (KIND_RULES | KIND_MACRO) != 0)
                .filter_map(|id| {
                    u16::try_from(id)
                        .ok()
                        .and_then(|id| ts.node_kind_for_id(id))
                }),
        );
        for (id, flag) in self.flags.iter_mut().enumerate() {
            let Some(name) = u16::try_from(id)
                .ok()
                .and_then(|id| ts.node_kind_for_id(id))
            else {
                continue;
            };
            if *flag & (KIND_RULES | KIND_MACRO) != 0
                && u16::try_from(id).is_ok_and(|id| !ts.node_kind_is_named(id))
            {
                self.named_only = false;
            }
            if *flag & KIND_RULES != 0 && !macros::DELIMITED_KINDS.contains(&name) {
                self.flat_macros = true;
            }
            let descend = match reach.below.get(name) {
                Some(descendants) => descendants
                    .iter()
                    .zip(&interesting)
                    .any(|(below, wanted)| below & wanted != 0),
                None => true,
            };
            if descend {
                *flag |= KIND_DESCEND;
            }
        }
    }
}

/// Which node kinds can occur below which, as bit sets over the grammar's kind names: computed once per
/// language, and a few hundred kinds each, so sets of names would cost more than the walk they save.
#[derive(Default)]
struct Reach {
    /// Kind name → its bit.
    bit: HashMap<String, usize>,
    /// Kind name → the bits of the kinds that can occur below it (supertypes such as `_expression` stand for
    /// their subtypes and have no bit set), for every kind that has children.
    below: HashMap<String, Vec<u64>>,
}

impl Reach {
    /// The bit set of some kind names (names the grammar does not describe have no bit).
    fn bits_of<'a>(&self, names: impl Iterator<Item = &'a str>) -> Vec<u64> {
        let mut bits = vec![0u64; self.bit.len().div_ceil(64)];
        for bit in names.filter_map(|name| self.bit.get(name)) {
            bits[bit / 64] |= 1 << (bit % 64);
        }
        bits
    }

    /// Can `inner` occur below `outer`?
    #[cfg(test)]
    fn has(&self, outer: &str, inner: &str) -> bool {
        let (Some(below), Some(&bit)) = (self.below.get(outer), self.bit.get(inner)) else {
            return false;
        };
        below[bit / 64] & (1 << (bit % 64)) != 0
    }
}

/// For every named node kind in a grammar's `node-types.json`, the kinds that can occur below it.
/// Kinds without children (tokens) are absent. Computed once per language and process.
fn node_type_reach(lang: Lang) -> Arc<Reach> {
    static CACHE: std::sync::LazyLock<std::sync::Mutex<HashMap<&'static str, Arc<Reach>>>> =
        std::sync::LazyLock::new(Default::default);
    let mut cache = match CACHE.lock() {
        Ok(cache) => cache,
        Err(poisoned) => poisoned.into_inner(),
    };
    cache
        .entry(lang.name())
        .or_insert_with(|| Arc::new(compute_reach(lang.spec().node_types)))
        .clone()
}

/// The reach of every kind described in a `node-types.json` text (see [`node_type_reach`]); a text that is not
/// a JSON array gives none.
fn compute_reach(node_types: &str) -> Reach {
    let Ok(serde_json::Value::Array(types)) = serde_json::from_str::<serde_json::Value>(node_types)
    else {
        return Reach::default();
    };
    let name = |v: &serde_json::Value| v.get("type").and_then(|t| t.as_str()).map(str::to_string);
    // Number every kind name, so the closure works on bit sets.
    let mut ids: HashMap<String, usize> = HashMap::new();
    let mut names: Vec<String> = Vec::new();
    let mut id_of = |kind: String| -> usize {
        let next = names.len();
        *ids.entry(kind.clone()).or_insert_with(|| {
            names.push(kind);
            next
        })
    };
    let mut subtypes: Vec<(usize, Vec<usize>)> = Vec::new();
    let mut children: Vec<(usize, Vec<usize>)> = Vec::new();
    for node in &types {
        let Some(kind) = name(node) else { continue };
        let kind = id_of(kind);
        if let Some(subs) = node.get("subtypes").and_then(|s| s.as_array()) {
            subtypes.push((kind, subs.iter().filter_map(name).map(&mut id_of).collect()));
        }
        let mut direct = Vec::new();
        if let Some(fields) = node.get("fields").and_then(|f| f.as_object()) {
            for field in fields.values() {
                let types = field.get("types").and_then(|t| t.as_array());
                direct.extend(types.into_iter().flatten().filter_map(name).map(&mut id_of));
            }
        }
        if let Some(types) = node
            .get("children")
            .and_then(|c| c.get("types"))
            .and_then(|t| t.as_array())
        {
            direct.extend(types.iter().filter_map(name).map(&mut id_of));
        }
        if !direct.is_empty() {
            children.push((kind, direct));
        }
    }
    let n = names.len();
    let words = n.div_ceil(64);
    let set = |bits: &mut [u64], i: usize| bits[i / 64] |= 1 << (i % 64);
    // reach[k]: kinds that can occur directly below k, supertypes (`_expression`) counted as their subtypes.
    let mut reach = vec![vec![0u64; words]; n];
    let mut is_super = vec![false; n];
    for (kind, subs) in &subtypes {
        is_super[*kind] = true;
        for &sub in subs {
            set(&mut reach[*kind], sub);
        }
    }
    for (kind, kids) in &children {
        for &kid in kids {
            set(&mut reach[*kind], kid);
        }
    }
    close_transitively(&mut reach);
    // Supertypes are not kinds a node has: their bits are cleared, so only real kinds are looked for.
    let supers: Vec<u64> = {
        let mut bits = vec![0u64; words];
        for j in (0..n).filter(|&j| is_super[j]) {
            set(&mut bits, j);
        }
        bits
    };
    let below = children
        .iter()
        .map(|(kind, _)| {
            let bits = reach[*kind]
                .iter()
                .zip(&supers)
                .map(|(r, s)| r & !s)
                .collect();
            (names[*kind].clone(), bits)
        })
        .collect();
    Reach { bit: ids, below }
}

/// Closes a relation given as one bit set per kind (`reach[k]` has bit `j` when `j` occurs directly below
/// `k`) so that each set holds every kind reachable below, at any depth.
fn close_transitively(reach: &mut [Vec<u64>]) {
    let n = reach.len();
    // Iterate to a fixpoint (the grammar's depth bounds the rounds).
    loop {
        let mut changed = false;
        for k in 0..n {
            let mut acc = reach[k].clone();
            for j in 0..n {
                if reach[k][j / 64] & (1 << (j % 64)) != 0 {
                    for (a, b) in acc.iter_mut().zip(&reach[j]) {
                        *a |= *b;
                    }
                }
            }
            if acc != reach[k] {
                reach[k] = acc;
                changed = true;
            }
        }
        if !changed {
            break;
        }
    }
}

/// Node kind ids the walk tracks for test code, from the language's [`TestCode`] entry: the walk compares
/// ids, not kind names, on every node.
pub(super) struct TestKinds {
    /// The entry the ids come from (for reading an attribute's test marks).
    pub(super) code: &'static TestCode,
    /// Attributes written before their item (`#[test]`).
    pub(super) outer_attribute: u16,
    /// Attributes written inside what they apply to (`#![cfg(test)]`).
    pub(super) inner_attribute: u16,
    /// Functions: a test attribute makes them test code.
    pub(super) functions: Vec<u16>,
    /// Comments: they stand between an attribute and its item without taking the attribute.
    pub(super) comments: Vec<u16>,
}

impl TestKinds {
    fn new(lang: Lang, code: &'static TestCode, ts: &tree_sitter::Language) -> Self {
        let id = |name: &&str| ts.id_for_node_kind(name, true);
        Self {
            code,
            outer_attribute: id(&code.outer_attribute),
            inner_attribute: id(&code.inner_attribute),
            functions: code.functions.iter().map(id).collect(),
            comments: lang.spec().comment_kinds.iter().map(id).collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A grammar in miniature: a supertype, a node with fields, one with children, and tokens.
    const NODE_TYPES: &str = r#"[
        {"type": "_expression", "named": true, "subtypes": [
            {"type": "call", "named": true},
            {"type": "identifier", "named": true}
        ]},
        {"type": "call", "named": true, "fields": {
            "function": {"multiple": false, "required": true, "types": [{"type": "_expression", "named": true}]},
            "arguments": {"multiple": false, "required": true, "types": [{"type": "arguments", "named": true}]}
        }},
        {"type": "arguments", "named": true, "fields": {}, "children": {"multiple": true, "required": false, "types": [
            {"type": "_expression", "named": true},
            {"type": "string", "named": true},
            {"type": ",", "named": false}
        ]}},
        {"type": "string", "named": true, "fields": {}, "children": {"multiple": true, "required": false, "types": [
            {"type": "escape", "named": true}
        ]}},
        {"type": "identifier", "named": true},
        {"type": "escape", "named": true},
        {"type": ",", "named": false}
    ]"#;

    fn below(reach: &Reach, kind: &str) -> Vec<String> {
        let mut kinds: Vec<String> = reach
            .bit
            .keys()
            .filter(|inner| reach.has(kind, inner))
            .cloned()
            .collect();
        kinds.sort();
        kinds
    }

    #[test]
    fn reach_is_the_transitive_closure_through_fields_children_and_supertypes() {
        let reach = compute_reach(NODE_TYPES);
        // `call` reaches `arguments` by a field, `string` and `,` through it, and itself and `identifier`
        // through the `_expression` supertype; the supertype is not a kind of node and is left out.
        assert_eq!(
            below(&reach, "call"),
            [",", "arguments", "call", "escape", "identifier", "string"]
        );
        assert_eq!(
            below(&reach, "arguments"),
            [",", "arguments", "call", "escape", "identifier", "string"]
        );
        assert_eq!(below(&reach, "string"), ["escape"]);
    }

    #[test]
    fn kinds_without_children_are_absent() {
        let reach = compute_reach(NODE_TYPES);
        // Tokens, and a supertype (it has subtypes, not children): the walk enters absent kinds to be safe,
        // but a real tree never holds a supertype node.
        for kind in ["identifier", "escape", ",", "_expression"] {
            assert!(!reach.below.contains_key(kind), "{kind}");
        }
        assert_eq!(reach.below.len(), 3);
    }

    #[test]
    fn unreadable_node_types_give_no_reach() {
        assert!(compute_reach("not json").below.is_empty());
        assert!(compute_reach(r#"{"type": "call"}"#).below.is_empty());
    }

    #[test]
    fn the_rust_grammar_has_strings_without_calls_inside() {
        let reach = node_type_reach(Lang::RUST);
        let has = |kind: &str, below: &str| reach.has(kind, below);
        assert!(has("function_item", "call_expression"));
        assert!(has("call_expression", "call_expression"));
        assert!(!has("string_literal", "call_expression"));
        // Computed once per language and process.
        assert!(Arc::ptr_eq(&reach, &node_type_reach(Lang::RUST)));
    }

    #[test]
    fn test_kinds_are_the_ids_of_the_kinds_the_language_row_names() {
        let ts = Lang::RUST.ts_language();
        let id = |name: &str| ts.id_for_node_kind(name, true);
        let kinds = KindMap::new(Lang::RUST)
            .test
            .unwrap_or_else(|| panic!("Rust marks test code"));
        assert_eq!(kinds.outer_attribute, id("attribute_item"));
        assert_eq!(kinds.inner_attribute, id("inner_attribute_item"));
        assert_eq!(kinds.functions, [id("function_item")]);
        assert_eq!(kinds.comments, [id("line_comment"), id("block_comment")]);
        // A language that does not mark test code has nothing to track.
        assert!(KindMap::new(Lang::YAML).test.is_none());
    }
}
