//! A rule's structural matcher, compiled at load or when first used.

use std::sync::OnceLock;

use ast_grep_config::{DeserializeEnv, RuleConfig, SerializableRuleConfig, SerializableRuleCore};
use ast_grep_core::matcher::Matcher as _;

use super::load::contextual;
use super::needles::FileNeedles;
use crate::source::lang::Lang;

/// The matcher of a `match` rule: compiled at load for a team's rules, so that their mistakes are load errors;
/// compiled when first used for the built-in pack, whose every matcher the test suite compiles, so that a run
/// over Go files never pays for compiling the Rust forms' regexes.
pub(crate) struct MatchRule {
    compiled: OnceLock<Option<Compiled>>,
    /// What to compile, while `compiled` is empty.
    recipe: Option<Recipe>,
    /// A regex every text holding a match must match (see `load::needles`), when the rule has one.
    pub(crate) needles: Option<String>,
    /// Literals a file must contain for the rule to match in it (see [`FileNeedles`]); worked out on first
    /// use for a deferred matcher, from its recipe.
    file_needles: OnceLock<FileNeedles>,
    /// Metavariables the finding points at; the first one captured wins.
    pub(crate) focus: Vec<String>,
    /// Whether the rule file gives a `fix`.
    pub(crate) has_fix: bool,
}

/// A compiled matcher.
pub(crate) struct Compiled {
    pub(crate) config: RuleConfig<Lang>,
    /// A rule some enclosing node must satisfy (evaluated once per enclosing node).
    pub(crate) enclosing: Option<ast_grep_config::RuleCore>,
}

/// A matcher as ast-grep reads it, kept to compile later: the rule configuration, and the `enclosing` rule.
/// Their patterns are put in their language's context (`load::contextual`, Go's function body) on first use
/// too: that parses each pattern, and a run with no Go file should not parse Go.
pub(crate) struct Recipe {
    pub(crate) lang: Lang,
    config: serde_json::Value,
    enclosing: Option<SerializableRuleCore>,
    in_context: OnceLock<InContext>,
}

/// A recipe's configuration and `enclosing` rule with their patterns in context.
type InContext = (serde_json::Value, Option<SerializableRuleCore>);

impl MatchRule {
    /// A matcher compiled now.
    pub(crate) fn compiled_now(
        compiled: Compiled,
        file_needles: FileNeedles,
        needles: Option<String>,
        focus: Vec<String>,
    ) -> Self {
        let has_fix = !compiled.config.fixer.is_empty();
        Self {
            compiled: OnceLock::from(Some(compiled)),
            recipe: None,
            needles,
            file_needles: OnceLock::from(file_needles),
            focus,
            has_fix,
        }
    }

    /// A matcher compiled when first used.
    pub(crate) fn deferred(
        recipe: Recipe,
        needles: Option<String>,
        focus: Vec<String>,
        has_fix: bool,
    ) -> Self {
        Self {
            compiled: OnceLock::new(),
            recipe: Some(recipe),
            needles,
            file_needles: OnceLock::new(),
            focus,
            has_fix,
        }
    }

    /// The compiled matcher (compiling it on first use). `None` only if a deferred matcher does not compile,
    /// which the test suite rules out for the built-in pack (`builtin_matchers_compile`).
    pub(crate) fn compiled(&self) -> Option<&Compiled> {
        self.compiled
            .get_or_init(|| self.recipe.as_ref().and_then(Recipe::compile))
            .as_ref()
    }
}

impl MatchRule {
    /// The literals a file must hold for the rule to match in it ([`FileNeedles`]), worked out on first use.
    pub(crate) fn file_needles(&self) -> &FileNeedles {
        self.file_needles.get_or_init(|| {
            self.recipe
                .as_ref()
                .map_or_else(FileNeedles::default, Recipe::file_needles)
        })
    }
}

impl MatchRule {
    /// The node kinds the matcher can match (`None`: any). A deferred matcher is not compiled for this: its
    /// kinds come from a copy with every `regex:` emptied (a regex never narrows the kinds, and an empty one
    /// compiles at once), so that building a language's kind buckets does not compile the regexes of rules
    /// that no file of the run will ever offer a node to.
    pub(crate) fn potential_kinds(&self) -> Option<Vec<usize>> {
        let kinds = |config: &RuleConfig<Lang>| {
            let set = config.matcher.potential_kinds()?;
            Some(set.iter().collect())
        };
        if let Some(compiled) = self.compiled.get() {
            return kinds(&compiled.as_ref()?.config);
        }
        let mut probe = self.recipe.as_ref()?.config().clone();
        for_each_regex(&mut probe, &mut String::clear);
        let serializable: SerializableRuleConfig<Lang> = serde_json::from_value(probe).ok()?;
        let config = RuleConfig::try_from(serializable, &Default::default()).ok()?;
        kinds(&config)
    }
}

/// Calls `edit` on every `regex:` string of a rule as JSON (its `rule`, `constraints`, `utils`, at any depth).
pub(crate) fn for_each_regex(value: &mut serde_json::Value, edit: &mut dyn FnMut(&mut String)) {
    match value {
        serde_json::Value::Object(map) => {
            for (key, item) in map.iter_mut() {
                match item {
                    serde_json::Value::String(pattern) if key == "regex" => edit(pattern),
                    _ => for_each_regex(item, edit),
                }
            }
        }
        serde_json::Value::Array(items) => {
            for item in items {
                for_each_regex(item, edit);
            }
        }
        _ => {}
    }
}

impl Recipe {
    /// A recipe whose patterns are not yet in context (see [`Recipe`]).
    pub(crate) fn new(
        lang: Lang,
        config: serde_json::Value,
        enclosing: Option<SerializableRuleCore>,
    ) -> Self {
        Self {
            lang,
            config,
            enclosing,
            in_context: OnceLock::new(),
        }
    }

    /// The configuration, its patterns in context.
    fn config(&self) -> &serde_json::Value {
        self.in_context().map_or(&self.config, |(config, _)| config)
    }

    /// The `enclosing` rule, its patterns in context.
    fn enclosing(&self) -> Option<&SerializableRuleCore> {
        self.in_context()
            .map_or(self.enclosing.as_ref(), |(_, enclosing)| enclosing.as_ref())
    }

    /// `None` for a language whose patterns need no context: the recipe as written.
    fn in_context(&self) -> Option<&InContext> {
        self.lang.spec().pattern_context?;
        Some(self.in_context.get_or_init(|| {
            let mut config = self.config.clone();
            contextual::contextualise_config(self.lang, &mut config);
            let enclosing = self
                .enclosing
                .clone()
                .map(|core| contextual::typed_core(self.lang, core));
            (config, enclosing)
        }))
    }

    fn file_needles(&self) -> FileNeedles {
        let enclosing = self
            .enclosing()
            .and_then(|core| serde_json::to_value(&core.rule).ok());
        FileNeedles::of_config(self.config(), enclosing.as_ref())
    }

    fn compile(&self) -> Option<Compiled> {
        let serializable: SerializableRuleConfig<Lang> =
            serde_json::from_value(self.config().clone()).ok()?;
        let config = RuleConfig::try_from(serializable, &Default::default()).ok()?;
        let enclosing = match self.enclosing() {
            Some(core) => Some(core.get_matcher(DeserializeEnv::new(self.lang)).ok()?),
            None => None,
        };
        Some(Compiled { config, enclosing })
    }
}

#[cfg(test)]
mod tests {
    use ast_grep_core::Matcher as _;

    use super::MatchRule;
    use crate::rule::RulePack;

    /// The built-in pack's matchers are compiled when first used, so nothing at load would say that one does
    /// not compile, or that its `focus` names a metavariable it never captures: this test says it instead,
    /// for every matcher of every rule, form and language.
    #[test]
    fn builtin_matchers_compile() {
        let pack = RulePack::builtin();
        let mut n = 0;
        for rule in pack.rules() {
            let forms = rule.forms.iter().flat_map(|form| &form.matchers);
            let strict = rule.strict.iter().map(|strict| &*strict.matcher);
            let all: Vec<&MatchRule> = rule
                .matcher
                .as_deref()
                .into_iter()
                .chain(strict)
                .chain(forms)
                .collect();
            for matcher in all {
                n += 1;
                let compiled = matcher
                    .compiled()
                    .unwrap_or_else(|| panic!("{}: a matcher does not compile", rule.origin.path));
                let defined = compiled.config.matcher.defined_vars();
                for name in &matcher.focus {
                    assert!(
                        defined.contains(name.as_str()),
                        "{}: focus {name} is not captured",
                        rule.origin.path
                    );
                }
                if let Some(enclosing) = &compiled.enclosing {
                    assert!(
                        enclosing.potential_kinds().is_some(),
                        "{}: enclosing without a kind",
                        rule.origin.path
                    );
                }
                assert_eq!(
                    matcher.has_fix,
                    !compiled.config.fixer.is_empty(),
                    "{}",
                    rule.origin.path
                );
            }
        }
        assert!(n > 30, "only {n} matchers in the built-in pack");
    }

    /// File needles are a necessary condition: every bad example of every built-in matcher holds them (the
    /// examples-as-tests would fail otherwise, but this names the matcher), and most forms have some, or the
    /// needles would skip nothing.
    #[test]
    fn builtin_needles_admit_every_bad_example() {
        let pack = RulePack::builtin();
        let (mut with, mut all) = (0, 0);
        for rule in pack.rules() {
            let own = rule.matcher.as_deref().map(|m| (m, &rule.bad_examples));
            let forms = rule
                .forms
                .iter()
                .flat_map(|form| form.matchers.iter().map(move |m| (m, &form.bad_examples)));
            for (matcher, bad) in own.into_iter().chain(forms) {
                all += 1;
                let needles = matcher.recipe.as_ref().map(super::Recipe::file_needles);
                with += usize::from(needles.is_some_and(|n| n.len() > 0));
                let lang = matcher.recipe.as_ref().map(|r| r.lang);
                // Examples in a configuration format (a Rego rule that reads both) are not the matcher's.
                let own_language = |example: &&crate::rule::Example| {
                    example.path.as_deref().is_none_or(|path| {
                        crate::source::lang::Lang::from_file(std::path::Path::new(path)) == lang
                    })
                };
                for example in bad.iter().filter(own_language) {
                    assert!(
                        matcher.file_needles().admit(&example.code),
                        "{}:{}: the file needles reject a bad example",
                        rule.origin.path,
                        example.line
                    );
                }
            }
        }
        assert!(
            with * 2 > all,
            "only {with} of {all} matchers have file needles"
        );
    }

    /// Kind buckets are built from a deferred matcher's regex-free copy: its kinds must be the compiled
    /// matcher's, for every matcher of the built-in pack.
    #[test]
    fn builtin_kinds_without_compiling_are_the_compiled_kinds() {
        let pack = RulePack::builtin();
        for rule in pack.rules() {
            let forms = rule.forms.iter().flat_map(|form| &form.matchers);
            let strict = rule.strict.iter().map(|strict| &*strict.matcher);
            for matcher in rule
                .matcher
                .as_deref()
                .into_iter()
                .chain(strict)
                .chain(forms)
            {
                let probed = matcher.potential_kinds();
                assert!(matcher.compiled.get().is_none(), "{}", rule.origin.path);
                matcher.compiled();
                assert_eq!(probed, matcher.potential_kinds(), "{}", rule.origin.path);
                assert!(probed.is_some(), "{}: no kinds", rule.origin.path);
            }
        }
    }

    /// The same for the built-in pack's policies, also compiled when first used (`LazyPolicy`).
    #[test]
    fn builtin_policies_compile() {
        let pack = RulePack::builtin();
        let mut n = 0;
        for rule in pack.rules() {
            let Some(rego) = &rule.rego else { continue };
            n += 1;
            let options = serde_json::Value::Object(rego.default_options.clone());
            if let Err(err) =
                crate::rego::Policy::compile(&rego.sources, &rego.package, &options, rego.timeout)
            {
                panic!(
                    "{}: the policy does not compile: {}",
                    rule.origin.path, err.message
                );
            }
            assert!(rego.policy().is_some(), "{}", rule.origin.path);
            // Bytecode is several times faster than the interpreter: every policy that can run on regorus's VM
            // must (one calling hindsight's extensions cannot, the Terraform library may, the RVM compiler has
            // no `walk`, and `else` is not trusted to it, see rego/vm.rs). A policy that falls back silently (its
            // dry run differs) fails here.
            let interpreter_only = rego.sources.iter().any(|s| {
                crate::rego::has_else(&s.text)
                    || [
                        "hindsight.file",
                        "hindsight.regex",
                        "data.hindsight.terraform",
                        "walk(",
                    ]
                    .iter()
                    .any(|needle| s.text.contains(needle))
            });
            assert!(
                interpreter_only || rego.policy().is_some_and(crate::rego::Policy::runs_on_vm),
                "{}: does not run on the VM",
                rule.origin.path
            );
        }
        assert!(n > 15, "only {n} policies in the built-in pack");
    }
}
