//! File needles: literals a file's text must contain for a structural rule to have any chance of matching in
//! it, so that a file holding none of them is not parsed or walked for that rule.
//!
//! They come from the rule's own `regex:` conditions, read with regex-syntax's literal extractor: every match
//! of a regex starts with one of its prefix literals (or ends with one of its suffix literals), and the text
//! of the node a regex is tested on is part of the file. So a rule that needs a node (itself, a child, an
//! ancestor, a sibling: every positive condition is about some node of the same file) whose text matches
//! `^(Fatal|Panic)(f|ln)?$` cannot match in a file without `Fatal` or `Panic`. Negative conditions (`not:`)
//! say nothing, nor do `kind:`, `pattern:` or `nthChild:`. The needles are a necessary condition only: a file
//! that holds them is checked as before, so the findings never change, only the work done for files that
//! could not have any (Semgrep prefilters files the same way).

use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{LazyLock, Mutex, OnceLock};

use aho_corasick::{AhoCorasick, AhoCorasickKind};
use regex_syntax::hir::literal::{ExtractKind, Extractor, Seq};
use regex_syntax::hir::{Hir, HirKind};
use serde_json::Value;

/// The shortest literal worth a search of the whole file: shorter ones (`os`, `(`) are in nearly every file.
const MIN_LEN: usize = 3;
/// The most alternatives one needle may have (case variants of `(?i)` words count each).
const MAX_LITERALS: usize = 64;
/// The most needles a rule keeps: the longest literals, which skip the most files.
const MAX_NEEDLES: usize = 3;
/// How deep `matches:` references to utils are followed (utils may refer to each other, even in cycles).
const MAX_DEPTH: usize = 8;
/// How deep a regex's groups are searched for literals every match has.
const MAX_REGEX_DEPTH: usize = 16;

/// The needles of one rule: the file's text must contain at least one literal of every needle.
#[derive(Debug, Default)]
pub(crate) struct FileNeedles {
    needles: Vec<Alternatives>,
}

impl FileNeedles {
    /// The needles of a rule configuration as ast-grep reads it (JSON: its `rule` and `utils`) and its
    /// `enclosing` rule.
    pub(crate) fn of_config(config: &Value, enclosing: Option<&Value>) -> Self {
        Self::of(&config["rule"], config.get("utils"), enclosing)
    }

    /// The needles of a rule given as ast-grep reads it (JSON): its rule, its utils and its `enclosing` rule.
    pub(crate) fn of(rule: &Value, utils: Option<&Value>, enclosing: Option<&Value>) -> Self {
        let mut found = Vec::new();
        needs(rule, utils, 0, &mut found);
        if let Some(enclosing) = enclosing {
            needs(enclosing, utils, 0, &mut found);
        }
        found.sort_by_key(|alt| std::cmp::Reverse(shortest(alt)));
        found.dedup();
        found.truncate(MAX_NEEDLES);
        Self { needles: found }
    }

    /// Can a match of the rule be in this text? (The scan asks a [`NeedleIndex`] instead: one pass a file.)
    #[cfg(test)]
    pub(crate) fn admit(&self, text: &str) -> bool {
        let index = NeedleIndex::new([(0, self)]);
        index.admits(0, &index.scan(text))
    }

    /// How many needles the rule has.
    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        self.needles.len()
    }
}

/// The file needles of one language's rules, looked for in one pass over a file's text: one automaton over
/// every distinct literal (ASCII case ignored; an NFA for the first files, then a DFA), and each rule's
/// needles as literal ids. Asking each rule's
/// needles of the text in turn read every file once per rule (a tenth of a check of tokio).
#[derive(Debug, Default)]
pub(crate) struct NeedleIndex {
    /// `None` when no rule has needles, or the automaton could not be built (then no rule is skipped).
    automaton: Option<AhoCorasick>,
    /// The same literals as a DFA, built once [`DFA_AFTER`] files have been read: searching with it takes
    /// half the time, building it a few milliseconds, more than a check of a few files is worth.
    dfa: OnceLock<Option<AhoCorasick>>,
    scanned: AtomicUsize,
    patterns: Vec<Vec<u8>>,
    /// A rule's key (the caller's index of it) → its needles, each the ids of its alternative literals.
    rules: HashMap<usize, Vec<Vec<usize>>>,
}

/// How many files a [`NeedleIndex`] reads with its NFA before it builds its DFA.
const DFA_AFTER: usize = 32;

/// An automaton over `patterns`, ASCII case ignored.
fn build<P: AsRef<[u8]>>(patterns: &[P], kind: AhoCorasickKind) -> Option<AhoCorasick> {
    AhoCorasick::builder()
        .ascii_case_insensitive(true)
        .kind(Some(kind))
        .build(patterns)
        .ok()
}

/// Which literals of a [`NeedleIndex`] a text holds.
pub(crate) struct Found(Vec<bool>);

impl NeedleIndex {
    /// The index of these rules' needles, each rule under its key.
    pub(crate) fn new<'a>(rules: impl IntoIterator<Item = (usize, &'a FileNeedles)>) -> Self {
        let mut ids: HashMap<&'a [u8], usize> = HashMap::new();
        let mut patterns: Vec<&'a [u8]> = Vec::new();
        let mut by_rule = HashMap::new();
        for (key, file_needles) in rules {
            if file_needles.needles.is_empty() {
                continue;
            }
            let as_ids = file_needles
                .needles
                .iter()
                .map(|alt| {
                    alt.iter()
                        .map(|literal| {
                            *ids.entry(literal.as_slice()).or_insert_with(|| {
                                patterns.push(literal.as_slice());
                                patterns.len() - 1
                            })
                        })
                        .collect()
                })
                .collect();
            by_rule.insert(key, as_ids);
        }
        let automaton = (!patterns.is_empty())
            .then(|| build(&patterns, AhoCorasickKind::ContiguousNFA))
            .flatten();
        if automaton.is_none() {
            by_rule.clear();
        }
        Self {
            automaton,
            dfa: OnceLock::new(),
            scanned: AtomicUsize::new(0),
            patterns: patterns.into_iter().map(<[u8]>::to_vec).collect(),
            rules: by_rule,
        }
    }

    /// Does any rule have needles (is a [`NeedleIndex::scan`] worth it)?
    pub(crate) fn is_empty(&self) -> bool {
        self.rules.is_empty()
    }

    /// The literals `text` holds (overlapping occurrences too: `reload` holds `load`).
    pub(crate) fn scan(&self, text: &str) -> Found {
        let mut found = vec![false; self.patterns.len()];
        let automaton = if self.scanned.fetch_add(1, Ordering::Relaxed) >= DFA_AFTER {
            self.dfa
                .get_or_init(|| build(&self.patterns, AhoCorasickKind::DFA))
                .as_ref()
                .or(self.automaton.as_ref())
        } else {
            self.automaton.as_ref()
        };
        if let Some(automaton) = automaton {
            for hit in automaton.find_overlapping_iter(text) {
                found[hit.pattern().as_usize()] = true;
            }
        }
        Found(found)
    }

    /// Can a match of the rule under `key` be in a text holding `found`? Always for a rule without needles.
    pub(crate) fn admits(&self, key: usize, found: &Found) -> bool {
        self.rules.get(&key).is_none_or(|needles| {
            needles.iter().all(|alt| {
                alt.iter()
                    .any(|&id| found.0.get(id).copied().unwrap_or(true))
            })
        })
    }
}

/// One needle: alternative literals, one of which must be in the text. They are kept in ASCII lower case and
/// searched for without regard to ASCII case: `(?i)config` is one literal rather than 64, and a needle that
/// also admits `fatal` for `Fatal` only skips a little less.
type Alternatives = Vec<Vec<u8>>;

fn shortest(alt: &Alternatives) -> usize {
    alt.iter().map(Vec::len).min().unwrap_or(0)
}

/// Adds to `out` the needles every match of `rule` implies.
fn needs(rule: &Value, utils: Option<&Value>, depth: usize, out: &mut Vec<Alternatives>) {
    let Value::Object(map) = rule else { return };
    if let Some(regex) = map.get("regex").and_then(Value::as_str)
        && let Some(alt) = literals_of(regex)
    {
        out.push(alt);
    }
    if let Some(Value::Array(items)) = map.get("all") {
        for item in items {
            needs(item, utils, depth, out);
        }
    }
    if let Some(Value::Array(branches)) = map.get("any")
        && let Some(alt) = any_of(branches, utils, depth)
    {
        out.push(alt);
    }
    for relation in ["has", "inside", "follows", "precedes"] {
        if let Some(inner) = map.get(relation) {
            needs(inner, utils, depth, out);
        }
    }
    if let Some(name) = map.get("matches").and_then(Value::as_str)
        && depth < MAX_DEPTH
        && let Some(util) = utils.and_then(|u| u.get(name))
    {
        needs(util, utils, depth + 1, out);
    }
}

/// `any:` needs one of its branches: a needle only when every branch has one. Each branch may imply several
/// needles; the union is only as good as its shortest literal, so each branch takes, among its needles at
/// least that long, the one adding the fewest literals to the union: a reload method inside a class that also
/// loads (`load|read|parse`, long but common) is better said by the `reload|refresh` the other branch has.
fn any_of(branches: &[Value], utils: Option<&Value>, depth: usize) -> Option<Alternatives> {
    let mut options: Vec<Vec<Alternatives>> = Vec::with_capacity(branches.len());
    for branch in branches {
        let mut found = Vec::new();
        needs(branch, utils, depth, &mut found);
        if found.is_empty() {
            return None;
        }
        options.push(found);
    }
    // No branch can do better than its best needle, so neither can the union.
    let floor = options
        .iter()
        .map(|found| found.iter().map(shortest).max().unwrap_or(0))
        .min()?;
    // The branches with the fewest choices first: what they must add, the others can reuse.
    options.sort_by_key(Vec::len);
    let mut union = Alternatives::new();
    for found in &options {
        let best = found
            .iter()
            .filter(|alt| shortest(alt) >= floor)
            .min_by_key(|alt| alt.iter().filter(|lit| !union.contains(lit)).count())?;
        union.extend(best.iter().cloned());
    }
    union.sort();
    union.dedup();
    (!union.is_empty() && union.len() <= MAX_LITERALS).then_some(union)
}

/// The literals one of which every match of `regex` contains: its prefixes or suffixes, or when neither will
/// do, literals from inside it ([`required`], which extracts from each part: worth it only then).
fn literals_of(regex: &str) -> Option<Alternatives> {
    // Rules share regexes (a util is read at each `matches:` naming it, forms repeat their conditions), and
    // parsing and extracting is most of the cost of working needles out: each regex is read once a process.
    static SEEN: LazyLock<Mutex<HashMap<String, Option<Alternatives>>>> =
        LazyLock::new(Default::default);
    if let Some(known) = SEEN.lock().ok().and_then(|seen| seen.get(regex).cloned()) {
        return known;
    }
    let literals = regex_syntax::parse(regex)
        .ok()
        .and_then(|hir| ends(&hir).or_else(|| required(&hir, 0)));
    if let Ok(mut seen) = SEEN.lock() {
        seen.insert(regex.to_string(), literals.clone());
    }
    literals
}

/// The better of `hir`'s prefix and suffix literals, when usable.
fn ends(hir: &Hir) -> Option<Alternatives> {
    [ExtractKind::Prefix, ExtractKind::Suffix]
        .into_iter()
        .filter_map(|kind| usable(Extractor::new().kind(kind).extract(hir)))
        .reduce(|a, b| if better(&b, &a) { b } else { a })
}

/// The literals one of which every match of `hir` contains, when they are few and long enough to be worth a
/// search, found inside it (its own prefixes and suffixes are [`ends`]): a run of literal characters in a
/// concatenation (`_*(do_)?reload(_\w+)?$` needs `reload`), one of each branch of an alternation, what a
/// group or a repetition of at least one holds. The best of them: the longest shortest literal, then the
/// fewest literals.
fn required(hir: &Hir, depth: usize) -> Option<Alternatives> {
    if depth >= MAX_REGEX_DEPTH {
        return None;
    }
    match hir.kind() {
        HirKind::Literal(literal) => {
            let alt = vec![literal.0.to_ascii_lowercase()];
            (shortest(&alt) >= MIN_LEN).then_some(alt)
        }
        HirKind::Concat(items) => {
            // A run of literal characters is read from its start, together with what follows it (one
            // extraction per run: starting inside a run only gives shorter literals); the groups, alternations
            // and repetitions between runs are searched on their own.
            let mut best: Option<Alternatives> = None;
            for (start, item) in items.iter().enumerate() {
                let candidate = if literal_like(item) {
                    if start > 0 && literal_like(&items[start - 1]) {
                        continue;
                    }
                    usable(Extractor::new().extract(&Hir::concat(items[start..].to_vec())))
                } else {
                    required(item, depth + 1)
                };
                if let Some(candidate) = candidate
                    && best.as_ref().is_none_or(|b| better(&candidate, b))
                {
                    best = Some(candidate);
                }
            }
            best
        }
        HirKind::Alternation(branches) => {
            let mut union = Alternatives::new();
            for branch in branches {
                union.extend(required(branch, depth + 1)?);
            }
            union.sort();
            union.dedup();
            (union.len() <= MAX_LITERALS).then_some(union)
        }
        HirKind::Capture(capture) => required(&capture.sub, depth + 1),
        HirKind::Repetition(repetition) if repetition.min >= 1 => {
            required(&repetition.sub, depth + 1)
        }
        _ => None,
    }
}

/// A literal or a class: what the extractor reads as characters.
fn literal_like(hir: &Hir) -> bool {
    matches!(hir.kind(), HirKind::Literal(_) | HirKind::Class(_))
}

/// Is needle `a` worth more than `b`: a longer shortest literal (rarer in text), then fewer literals.
fn better(a: &Alternatives, b: &Alternatives) -> bool {
    (shortest(a), std::cmp::Reverse(a.len())) > (shortest(b), std::cmp::Reverse(b.len()))
}

fn usable(seq: Seq) -> Option<Alternatives> {
    let literals = seq.literals()?;
    let mut alt: Alternatives = literals
        .iter()
        .map(|l| l.as_bytes().to_ascii_lowercase())
        .collect();
    alt.sort();
    alt.dedup();
    (!alt.is_empty() && alt.len() <= MAX_LITERALS && shortest(&alt) >= MIN_LEN).then_some(alt)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::{FileNeedles, NeedleIndex};

    fn admits(rule: serde_json::Value, utils: Option<serde_json::Value>, text: &str) -> bool {
        FileNeedles::of(&rule, utils.as_ref(), None).admit(text)
    }

    #[test]
    fn an_anchored_regex_needs_its_words_anywhere_in_the_file() {
        let rule = json!({"kind": "call_expression", "has": {"field": "field", "regex": "^(Fatal|Panic)(f|ln)?$"}});
        assert!(admits(rule.clone(), None, "func f() { log.Fatalf(\"x\") }"));
        assert!(admits(rule.clone(), None, "x.Panic()"));
        assert!(!admits(rule, None, "func f() { return nil }"));
    }

    #[test]
    fn any_needs_one_branch_and_not_says_nothing() {
        let rule = json!({"any": [{"regex": "^Unmarshal\\w*$"}, {"regex": "^(Atoi|ParseInt)$"}],
            "not": {"regex": "Nothing"}});
        assert!(admits(rule.clone(), None, "strconv.Atoi(s)"));
        assert!(admits(rule.clone(), None, "json.UnmarshalJSON"));
        assert!(!admits(rule.clone(), None, "Nothing here"));
        // A branch without a needle makes the whole `any` say nothing.
        let open = json!({"any": [{"regex": "^Unmarshal$"}, {"kind": "identifier"}]});
        assert!(admits(open, None, "Nothing here"));
    }

    #[test]
    fn utils_are_followed_and_cycles_end() {
        let utils =
            json!({"a": {"matches": "b"}, "b": {"all": [{"matches": "a"}, {"regex": "Split"}]}});
        let rule = json!({"matches": "a"});
        assert!(admits(
            rule.clone(),
            Some(utils.clone()),
            "strings.Split(s)"
        ));
        assert!(!admits(rule, Some(utils), "strings.Cut(s)"));
    }

    #[test]
    fn case_insensitive_words_and_suffixes_are_needles() {
        let rule = json!({"regex": "(?i)^(re_?load|refresh)_config"});
        assert!(admits(rule.clone(), None, "def ReLoad_Config():"));
        assert!(!admits(rule, None, "def reload():"));
        // No useful prefix (`\w*`), but every match ends in one of the words.
        let rule = json!({"regex": "\\b\\w*(Config|Settings)\\b"});
        assert!(admits(rule.clone(), None, "type AppSettings struct{}"));
        assert!(!admits(rule, None, "type App struct{}"));
    }

    #[test]
    fn short_or_open_literals_are_not_needles() {
        for regex in [
            "^os$",
            "\\(",
            "\\w+",
            "(?s).*",
            "a|bcd",
            "_*(load)*_?",
            "(abc|d)e",
        ] {
            assert_eq!(
                FileNeedles::of(&json!({"regex": regex}), None, None).len(),
                0,
                "{regex}"
            );
        }
    }

    #[test]
    fn literals_inside_a_regex_are_needles() {
        // Neither prefix (`_*`) nor suffix (`(_\w+)?`) is a literal, but every match holds one of the words.
        let rule =
            json!({"regex": "^_*(do_)?(reload|refresh|watch)(_\\w+)?$|^_*(handle|on)_?(sig)?hup$"});
        assert!(admits(rule.clone(), None, "def do_reload_rules(self):"));
        assert!(admits(rule.clone(), None, "def _on_sighup(signum, frame):"));
        assert!(!admits(rule, None, "def load_config(path):"));
        // A repetition of at least one holds its body; a group, its content.
        let rule = json!({"regex": "^(?:_(init))+\\d*$"});
        assert!(admits(rule.clone(), None, "__init__"));
        assert!(!admits(rule, None, "new"));
    }

    #[test]
    fn any_takes_the_needles_its_branches_share() {
        // The second branch holds `load|read|parse` (longer words, but common) and `reload|refresh` (which the
        // first branch needs anyway): the union is the reload words alone.
        let rule = json!({"any": [
            {"regex": "^(reload|refresh)$"},
            {"all": [{"regex": "^(load|read|parse)_\\w+$"},
                     {"inside": {"has": {"regex": "^(reload|refresh)$"}}}]},
        ]});
        assert!(admits(
            rule.clone(),
            None,
            "def refresh(self): self.load_rules()"
        ));
        assert!(!admits(rule, None, "def load_rules(self): parse_file()"));
    }

    #[test]
    fn one_index_answers_for_every_rule_in_one_pass() {
        let reload = FileNeedles::of(&json!({"regex": "^(reload|refresh)_config$"}), None, None);
        let load = FileNeedles::of(&json!({"regex": "^load_\\w+$"}), None, None);
        let open = FileNeedles::of(&json!({"kind": "identifier"}), None, None);
        let index = NeedleIndex::new([(3, &reload), (7, &load), (9, &open)]);
        // `reload_config` holds `load_` too (overlapping), in any ASCII case.
        let found = index.scan("fn ReLoad_Config() {}");
        assert!(index.admits(3, &found) && index.admits(7, &found));
        let found = index.scan("fn load_rules() {}");
        assert!(!index.admits(3, &found) && index.admits(7, &found));
        let found = index.scan("fn main() {}");
        assert!(!index.admits(3, &found) && !index.admits(7, &found));
        // After the first files, the DFA answers as the NFA did.
        for _ in 0..super::DFA_AFTER {
            let found = index.scan("fn load_rules() {}");
            assert!(!index.admits(3, &found) && index.admits(7, &found));
        }
        assert!(index.dfa.get().is_some_and(Option::is_some));
        // A rule without needles, or one the index does not know, is always admitted.
        assert!(index.admits(9, &found) && index.admits(42, &found));
        assert!(NeedleIndex::new([(9, &open)]).is_empty());
    }
}
