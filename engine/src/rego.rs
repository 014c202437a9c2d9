//! Rego policies, evaluated in-process by regorus.
//!
//! A [`Policy`] is one compiled regorus engine per rule: the rule's `.rego` files plus the hindsight library
//! modules it names (`rules/lib/*.rego`), the rule's options as `data.hindsight.options`, a `hindsight.file()` builtin
//! for file facts, and `hindsight.regex.backtracking(pattern)` for regex analysis ([`crate::analysis::backtracking`]). It is compiled and dry-run when loaded, so syntax errors, unknown functions and unsafe
//! variables are load problems with a file, line and column; at check time the prepared engine is cloned
//! (microseconds) for each evaluation, on any thread.
//!
//! Results follow conftest: the sets `deny`, `violation` (errors) and `warn` (warnings), whose entries are
//! strings or objects with `msg` and optionally `path` (keys and indices into the input document), `file`
//! (for repository-scope rules) and `match`/`capture` (for code rules).

use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use regorus::{Engine, Value};

use crate::data::PathElem;
use crate::finding::Severity;

mod budget;
mod conventions;
mod input_keys;
mod regex_builtins;
#[cfg(test)]
mod regorus_pins;
mod vm;
#[cfg(test)]
pub(crate) use vm::has_else;

pub use budget::{MAX_GENERATED, MAX_STRING_BYTES};
use budget::{MEMORY_MARKER, bounded_array_concat, bounded_concat, bounded_range, eval_by};

/// Library modules every policy can import (`import data.hindsight.k8s`, `import data.hindsight.terraform`).
const LIBRARY: &[(&str, &str)] = &[
    (
        "hindsight/k8s.rego",
        include_str!("../../rules/lib/k8s.rego"),
    ),
    (
        "hindsight/terraform.rego",
        include_str!("../../rules/lib/terraform.rego"),
    ),
];

/// The library modules a policy may name (its text holds `hindsight` and the module's last name, `k8s` or
/// `terraform`, however it spells the reference): parsing and analysing both for every policy was two thirds
/// of compiling the Dockerfile rules' policies.
fn libraries_named(sources: &[Source]) -> Vec<&'static (&'static str, &'static str)> {
    LIBRARY
        .iter()
        .filter(|(_, text)| {
            let name = library_package(text).rsplit('.').next().unwrap_or("");
            sources
                .iter()
                .any(|s| s.text.contains("hindsight") && s.text.contains(name))
        })
        .collect()
}

/// The package a library module declares (`hindsight.k8s`), which a policy using it names.
fn library_package(text: &str) -> &str {
    text.lines()
        .find_map(|line| line.strip_prefix("package "))
        .map_or("", str::trim)
}

/// Which result set an entry came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum VerdictKind {
    /// `deny`: an error.
    Deny,
    /// `violation`: an error.
    Violation,
    /// `warn`: a warning.
    Warn,
}

impl VerdictKind {
    /// The severity conftest gives this set.
    pub fn severity(self) -> Severity {
        match self {
            VerdictKind::Deny | VerdictKind::Violation => Severity::Error,
            VerdictKind::Warn => Severity::Warning,
        }
    }
}

/// One entry of a result set.
#[derive(Clone, Debug, PartialEq)]
pub struct Verdict {
    /// The set it came from.
    pub kind: VerdictKind,
    /// The message.
    pub msg: String,
    /// Where in the input document (`path`), when given.
    pub path: Vec<PathElem>,
    /// Which file (repository-scope rules), when given.
    pub file: Option<String>,
    /// Which document of that file (repository-scope rules), when given.
    pub document: Option<usize>,
    /// Which structural match (code rules), when given.
    pub match_index: Option<usize>,
    /// Which capture of that match (code rules), when given.
    pub capture: Option<String>,
    /// The name under which the package's `exception` rule exempts this result for this input (conftest's
    /// exceptions: the rule's name without its `deny_`/`violation_`/`warn_` prefix), when it does.
    pub exempted: Option<String>,
}

/// A policy that failed to compile or evaluate, with the position regorus reported.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RegoError {
    /// The policy file, when known.
    pub file: Option<String>,
    /// 1-based line (1 when unknown).
    pub line: usize,
    /// 1-based column (1 when unknown).
    pub column: usize,
    /// What went wrong.
    pub message: String,
    /// The evaluation ran out of time.
    pub timed_out: bool,
    /// The evaluation asked for more memory than a policy may use (see [`MAX_GENERATED`]).
    pub out_of_memory: bool,
}

impl RegoError {
    /// What a load problem says about this error: a policy that ran out of its time or memory budget in the
    /// dry run at load compiled, so it says that, not that it does not compile.
    pub fn load_message(&self, budget: Duration) -> String {
        if self.timed_out {
            format!(
                "the policy exceeded its time budget ({} ms) at load, in its dry run on an empty input",
                budget.as_millis()
            )
        } else if self.out_of_memory {
            format!(
                "the policy exceeded its memory budget at load, in its dry run on an empty input: {}",
                self.message
            )
        } else {
            format!("the policy does not compile: {}", self.message)
        }
    }

    /// Parses regorus's preformatted error (`--> file:line:col` … `error: message`).
    fn from_anyhow(err: &anyhow::Error) -> Self {
        let text = format!("{err:#}");
        let mut error = RegoError {
            file: None,
            line: 1,
            column: 1,
            message: text.trim().to_string(),
            timed_out: text.contains("exceeded time limit"),
            out_of_memory: text.contains(MEMORY_MARKER),
        };
        for line in text.lines() {
            let line = line.trim();
            if let Some(location) = line.strip_prefix("--> ") {
                let mut parts = location.rsplitn(3, ':');
                let column = parts.next().and_then(|c| c.parse().ok());
                let row = parts.next().and_then(|l| l.parse().ok());
                if let (Some(column), Some(row), Some(file)) = (column, row, parts.next()) {
                    error.file = Some(file.to_string());
                    error.line = row;
                    error.column = column;
                }
            } else if let Some(message) = line.strip_prefix("error: ") {
                // regorus appends its internal scope dump to unsafe-variable errors; users need the first part.
                error.message = message
                    .split(" (path [")
                    .next()
                    .unwrap_or(message)
                    .to_string();
            }
        }
        error
    }
}

thread_local! {
    /// File facts for `hindsight.file()`, set around each evaluation on the evaluating thread.
    static FILE_FACTS: RefCell<Value> = RefCell::new(Value::new_object());
}

/// A compiled policy.
#[derive(Clone)]
pub struct Policy {
    engine: Engine,
    package: String,
    /// The result rules queried: `deny`, `violation`, `warn` and their suffixed forms (`deny_run_as_root`).
    entrypoints: Vec<(VerdictKind, String)>,
    /// The package declares `exception`, which exempts named result rules for the inputs it matches.
    exceptions: bool,
    /// Set in `hindsight test --coverage`: every evaluation adds the lines it ran.
    coverage: Option<Arc<Mutex<Coverage>>>,
    /// The time budget of one evaluation: all its result rules together, not each.
    timeout: Duration,
    /// The policy as bytecode, when it can run on regorus's VM (see [`vm`]).
    bytecode: Option<vm::Bytecode>,
    /// The top-level keys of `input` the policy can read, `None` for the whole document (see [`input_keys`]).
    input_keys: Option<BTreeSet<String>>,
}

/// Lines of policy files that evaluations ran, accumulated over many evaluations.
#[derive(Debug, Default)]
pub struct Coverage {
    files: BTreeMap<String, (BTreeSet<u32>, BTreeSet<u32>)>,
}

/// Coverage of one policy file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FileCoverage {
    /// The policy file.
    pub path: String,
    /// Lines that ran.
    pub covered: usize,
    /// Lines that could run.
    pub total: usize,
    /// Lines that never ran.
    pub not_covered: Vec<u32>,
}

impl FileCoverage {
    /// Covered share in percent (100 for a file without coverable lines).
    pub fn percent(&self) -> f64 {
        if self.total == 0 {
            100.0
        } else {
            self.covered as f64 * 100.0 / self.total as f64
        }
    }
}

impl Coverage {
    fn merge(&mut self, report: regorus::coverage::Report) {
        for file in report.files {
            // The library and the tests themselves are not what coverage is about.
            if LIBRARY.iter().any(|(path, _)| *path == file.path)
                || file.path.ends_with("_test.rego")
            {
                continue;
            }
            let entry = self.files.entry(file.path).or_default();
            entry.0.extend(file.covered);
            entry.1.extend(file.not_covered);
        }
    }

    /// Per file: a line counts as covered when any evaluation ran it.
    pub fn files(&self) -> Vec<FileCoverage> {
        self.files
            .iter()
            .map(|(path, (covered, seen_not_covered))| {
                let not_covered: Vec<u32> = seen_not_covered.difference(covered).copied().collect();
                FileCoverage {
                    path: path.clone(),
                    covered: covered.len(),
                    total: covered.len() + not_covered.len(),
                    not_covered,
                }
            })
            .collect()
    }
}

/// One Rego source file.
#[derive(Clone, Debug)]
pub struct Source {
    /// Display path, used in error positions.
    pub path: String,
    /// The text.
    pub text: String,
}

impl Policy {
    /// Compiles `sources` (all in `package`, such as `data.main`), with `options` as
    /// `data.hindsight.options`, and dry-runs every result set so broken policies fail here, not later.
    pub fn compile(
        sources: &[Source],
        package: &str,
        options: &serde_json::Value,
        timeout: Duration,
    ) -> Result<Policy, RegoError> {
        Self::compile_for(sources, package, options, None, timeout)
    }

    /// Like [`Policy::compile`], with `repository` as `data.hindsight.repository` (the repository checked, as
    /// [`crate::repository::Repository::to_json`] describes it), when known.
    pub fn compile_for(
        sources: &[Source],
        package: &str,
        options: &serde_json::Value,
        repository: Option<&serde_json::Value>,
        timeout: Duration,
    ) -> Result<Policy, RegoError> {
        let mut data = serde_json::Map::new();
        let mut hindsight = serde_json::Map::new();
        hindsight.insert("options".into(), options.clone());
        if let Some(repository) = repository {
            hindsight.insert("repository".into(), repository.clone());
        }
        data.insert("hindsight".into(), serde_json::Value::Object(hindsight));
        Self::build(sources, package, data, timeout)
    }

    /// Like [`Policy::compile`], for a plain conftest policy: `data` (the documents of `--data`, merged at
    /// the root) is the policy's `data`, next to an empty `data.hindsight.options`.
    pub fn compile_with_data(
        sources: &[Source],
        package: &str,
        mut data: serde_json::Map<String, serde_json::Value>,
        timeout: Duration,
    ) -> Result<Policy, RegoError> {
        data.entry("hindsight")
            .or_insert_with(|| serde_json::json!({}))
            .as_object_mut()
            .map(|h| h.entry("options").or_insert_with(|| serde_json::json!({})));
        Self::build(sources, package, data, timeout)
    }

    fn build(
        sources: &[Source],
        package: &str,
        data: serde_json::Map<String, serde_json::Value>,
        timeout: Duration,
    ) -> Result<Policy, RegoError> {
        configure_regex_cache();
        let mut engine = Engine::new();
        let libraries = libraries_named(sources);
        for (path, text) in &libraries {
            engine
                .add_policy((*path).to_string(), (*text).to_string())
                .map_err(|e| RegoError::from_anyhow(&e))?;
        }
        let mut entrypoints = Vec::new();
        let mut exceptions = false;
        for source in sources {
            // Rego v1 is the default; a file written for v0 says so with `import future.keywords` or by using
            // v0 rule heads, which v1 rejects.
            engine.set_rego_v0(is_rego_v0(&source.text));
            let added = engine.add_policy(source.path.clone(), source.text.clone());
            engine.set_rego_v0(false);
            if added.map_err(|e| RegoError::from_anyhow(&e))? == package {
                let (results, exception) =
                    conventions::declared_rules(&engine, &source.path, &source.text);
                entrypoints.extend(results);
                exceptions |= exception;
            }
        }
        entrypoints.sort_by(|a, b| a.1.cmp(&b.1));
        entrypoints.dedup();
        let data = Value::from_json_str(&serde_json::Value::Object(data).to_string())
            .map_err(|e| RegoError::from_anyhow(&e))?;
        engine
            .add_data(data.clone())
            .map_err(|e| RegoError::from_anyhow(&e))?;
        engine
            .add_extension(
                "hindsight.file".into(),
                0,
                Box::new(|_: Vec<Value>| Ok(FILE_FACTS.with(|f| f.borrow().clone()))),
            )
            .map_err(|e| RegoError::from_anyhow(&e))?;
        add_pure_extensions(&mut engine)?;
        if entrypoints.is_empty() {
            return Err(RegoError {
                file: sources.first().map(|s| s.path.clone()),
                line: 1,
                column: 1,
                message: format!(
                    "`{package}` defines none of `deny`, `violation` or `warn` (nor `deny_*`, `violation_*`, `warn_*`)"
                ),
                timed_out: false,
                out_of_memory: false,
            });
        }
        // A dry run of every rule queried, so a policy that cannot evaluate fails at load, not on each file.
        engine.set_input(Value::new_object());
        let exception_rule = exceptions.then_some("exception");
        let deadline = Instant::now() + timeout;
        let rules: Vec<String> = entrypoints
            .iter()
            .map(|(_, name)| name.as_str())
            .chain(exception_rule)
            .map(|name| format!("{package}.{name}"))
            .collect();
        let mut dry_run = Vec::with_capacity(rules.len());
        for rule in &rules {
            dry_run.push(eval_by(&mut engine, rule, deadline).map_err(|mut err| {
                // A budget error has no position; the policy's file is where to look.
                if err.file.is_none() {
                    err.file = sources.first().map(|s| s.path.clone());
                }
                err
            })?);
        }
        let bytecode = vm::Bytecode::compile(&engine, sources, &rules, &data, &dry_run, deadline);
        let input_keys = input_keys::read_by(
            libraries
                .iter()
                .map(|(_, text)| *text)
                .chain(sources.iter().map(|s| s.text.as_str())),
        );
        Ok(Policy {
            engine,
            package: package.to_string(),
            entrypoints,
            exceptions,
            coverage: None,
            timeout,
            bytecode,
            input_keys,
        })
    }

    /// Evaluates the policy on `input`, with `facts` as `hindsight.file()`.
    pub fn evaluate(&self, input: Value, facts: Value) -> Result<Vec<Verdict>, RegoError> {
        let deadline = Instant::now() + self.timeout;
        if let Some(bytecode) = &self.bytecode
            && let Ok(mut machine) = bytecode.machine(input.clone())
        {
            match self.verdicts(|rule| machine.eval(rule, deadline)) {
                Ok(verdicts) => return Ok(verdicts),
                Err(vm::Failed::TimedOut(err)) => return Err(err),
                // The interpreter evaluates it again and reports its error with a position.
                Err(vm::Failed::Other) => {}
            }
        }
        let mut engine = self.engine.clone();
        engine.set_input(input);
        FILE_FACTS.with(|f| *f.borrow_mut() = facts);
        let verdicts = self.verdicts(|rule| eval_by(&mut engine, rule, deadline))?;
        if let Some(coverage) = &self.coverage
            && let Ok(report) = engine.get_coverage_report()
            && let Ok(mut coverage) = coverage.lock()
        {
            coverage.merge(report);
        }
        Ok(verdicts)
    }

    /// The verdicts of the result rules, each rule's value given by `eval` (of its full path).
    fn verdicts<E>(
        &self,
        mut eval: impl FnMut(&str) -> Result<Value, E>,
    ) -> Result<Vec<Verdict>, E> {
        let exempted = if self.exceptions {
            let value = eval(&format!("{}.exception", self.package))?;
            conventions::exempted_names(&value)
        } else {
            BTreeSet::new()
        };
        let mut verdicts = Vec::new();
        for (kind, name) in &self.entrypoints {
            let value = eval(&format!("{}.{name}", self.package))?;
            let first = verdicts.len();
            collect_verdicts(*kind, &value, &mut verdicts);
            let exception = conventions::exception_name(name);
            if exempted.contains(exception) {
                for verdict in &mut verdicts[first..] {
                    verdict.exempted = Some(exception.to_string());
                }
            }
        }
        Ok(verdicts)
    }

    /// Records the lines every later evaluation (of this policy and its clones) runs into the returned
    /// accumulator.
    pub fn enable_coverage(&mut self) -> Arc<Mutex<Coverage>> {
        // Coverage is the interpreter's: a policy that records it is evaluated there.
        self.bytecode = None;
        self.engine.set_enable_coverage(true);
        let coverage = Arc::new(Mutex::new(Coverage::default()));
        self.coverage = Some(coverage.clone());
        coverage
    }

    /// Whether evaluations run on regorus's VM (see [`vm`]) rather than its interpreter.
    pub fn runs_on_vm(&self) -> bool {
        self.bytecode.is_some()
    }

    /// The top-level keys of a mapping `input` this policy can read, `None` when it may read the whole
    /// document: the others need not be converted for it.
    pub fn input_keys(&self) -> Option<&BTreeSet<String>> {
        self.input_keys.as_ref()
    }

    /// The package queried, such as `data.main`.
    pub fn package(&self) -> &str {
        &self.package
    }
}

/// The outcome of one Rego unit test.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TestOutcome {
    /// `data.<package>.test_<name>`.
    pub name: String,
    /// The test rule evaluated to `true`.
    pub passed: bool,
    /// Why it could not be evaluated.
    pub error: Option<String>,
}

/// regorus keeps compiled `regex.*` patterns in one process-wide LRU cache (256 by default), each with the
/// lazy DFA it grew while matching. Policies that build patterns from what they match (HS1004's Rust policy
/// did, one pattern per variable name, until it tagged the variable's words instead) fill it with patterns
/// seldom used twice. A small cache keeps the fixed patterns every evaluation uses: on tokio's sources the whole
/// pack's peak RSS went from 97 to 76 MiB with 32, CPU time within the noise (bench/RESULTS.md).
fn configure_regex_cache() {
    static CONFIGURED: std::sync::Once = std::sync::Once::new();
    CONFIGURED.call_once(|| {
        regorus::cache::configure(regorus::cache::Config {
            regex: REGEX_CACHE,
            glob: 128,
        });
    });
}

/// How many compiled patterns regorus keeps (see [`configure_regex_cache`]).
const REGEX_CACHE: usize = 32;

/// Runs the `test_*` rules of Rego test files against the policy's modules, as `opa test` does, with the
/// rule's default `options` as `data.hindsight.options`, adding the lines they run to `coverage` when given.
pub fn run_tests(
    policy_sources: &[Source],
    test_sources: &[Source],
    options: &serde_json::Value,
    coverage: Option<&Mutex<Coverage>>,
) -> Result<Vec<TestOutcome>, RegoError> {
    let mut engine = Engine::new();
    engine.set_enable_coverage(coverage.is_some());
    let data = serde_json::json!({ "hindsight": { "options": options } });
    engine
        .add_data(value_from_json(&data))
        .map_err(|e| RegoError::from_anyhow(&e))?;
    for (path, text) in LIBRARY {
        engine
            .add_policy((*path).to_string(), (*text).to_string())
            .map_err(|e| RegoError::from_anyhow(&e))?;
    }
    let mut tests = Vec::new();
    for source in policy_sources.iter().chain(test_sources) {
        engine.set_rego_v0(is_rego_v0(&source.text));
        let package = engine
            .add_policy(source.path.clone(), source.text.clone())
            .map_err(|e| RegoError::from_anyhow(&e));
        engine.set_rego_v0(false);
        let package = package?;
        if test_sources.iter().any(|t| t.path == source.path) {
            for name in test_rule_names(&source.text) {
                tests.push(format!("{package}.{name}"));
            }
        }
    }
    engine
        .add_extension(
            "hindsight.file".into(),
            0,
            Box::new(|_: Vec<Value>| Ok(Value::new_object())),
        )
        .map_err(|e| RegoError::from_anyhow(&e))?;
    add_pure_extensions(&mut engine)?;
    let mut results = Vec::new();
    tests.sort();
    tests.dedup();
    for name in tests {
        engine.set_input(Value::new_object());
        match engine.eval_rule(name.clone()) {
            Ok(value) => results.push(TestOutcome {
                name,
                passed: value == Value::from(true),
                error: None,
            }),
            Err(err) => results.push(TestOutcome {
                name,
                passed: false,
                error: Some(RegoError::from_anyhow(&err).message),
            }),
        }
    }
    if let Some(coverage) = coverage
        && let Ok(report) = engine.get_coverage_report()
        && let Ok(mut coverage) = coverage.lock()
    {
        coverage.merge(report);
    }
    Ok(results)
}

/// The built-ins that depend on their arguments only, the same in policies and in their unit tests, and the
/// bounded replacements of regorus's built-ins that could exhaust memory within one step ([`MAX_GENERATED`]).
/// The built-ins hindsight replaces, in the interpreter (as extensions, looked up before a built-in of the same
/// name) and on the VM alike (`vm.rs`): `numbers.range`, `numbers.range_step`, `concat` and `array.concat`
/// bounded ([`MAX_GENERATED`]), and regorus's `regex.*` over compiled patterns kept per thread
/// (`regex_builtins`, same results). Name, arity, function.
const REPLACED_BUILTINS: [(&str, u8, Builtin); 9] = [
    ("numbers.range", 2, |args| {
        bounded_range("numbers.range", args, false)
    }),
    ("numbers.range_step", 3, |args| {
        bounded_range("numbers.range_step", args, true)
    }),
    ("concat", 2, bounded_concat),
    ("array.concat", 2, bounded_array_concat),
    ("regex.match", 2, regex_builtins::regex_match),
    ("regex.split", 2, regex_builtins::split),
    ("regex.find_n", 3, regex_builtins::find_n),
    (
        "regex.find_all_string_submatch_n",
        3,
        regex_builtins::find_all_string_submatch_n,
    ),
    ("regex.replace", 3, regex_builtins::replace),
];

/// A built-in's body: its arguments to its value.
type Builtin = fn(&[Value]) -> anyhow::Result<Value>;

fn add_pure_extensions(engine: &mut Engine) -> Result<(), RegoError> {
    engine
        .add_extension(
            "hindsight.regex.backtracking".into(),
            1,
            Box::new(regex_backtracking),
        )
        .map_err(|e| RegoError::from_anyhow(&e))?;
    for (name, arity, builtin) in REPLACED_BUILTINS {
        engine
            .add_extension(
                name.into(),
                arity,
                Box::new(move |args: Vec<Value>| builtin(&args)),
            )
            .map_err(|e| RegoError::from_anyhow(&e))?;
    }
    Ok(())
}

/// `hindsight.regex.backtracking(pattern)`: the catastrophic-backtracking shapes of a regex pattern
/// (`docs/rego.md`). A pattern regex-syntax rejects is `{"parsed": false, ...}`, not an error: policies stay
/// silent on it. Only a non-string argument, a policy bug, is an error.
fn regex_backtracking(args: Vec<Value>) -> anyhow::Result<Value> {
    let Some(Value::String(pattern)) = args.first() else {
        return Err(anyhow::format_err!(
            "hindsight.regex.backtracking expects a string"
        ));
    };
    let result = match crate::analysis::backtracking::analyze(pattern) {
        crate::analysis::backtracking::Analysis::Parsed {
            problems,
            word_boundary,
        } => serde_json::json!({
            "parsed": true,
            "word_boundary": word_boundary,
            "problems": problems.iter().map(|p| serde_json::json!({
                "kind": p.kind.as_str(),
                "growth": p.kind.growth(),
                "text": p.text,
                "span": [p.span.start, p.span.end],
                "repeat": p.repeat,
                "then": p.then.map(String::from).unwrap_or_default(),
            })).collect::<Vec<_>>(),
        }),
        crate::analysis::backtracking::Analysis::Unparsed { error } => serde_json::json!({
            "parsed": false,
            "error": error,
            "word_boundary": false,
            "problems": [],
        }),
    };
    Ok(value_from_json(&result))
}

/// Names of `test_*` rules defined at the start of a line.
fn test_rule_names(text: &str) -> Vec<String> {
    text.lines()
        .filter_map(|line| {
            let name: String = line
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            (name.starts_with("test_")
                && line[name.len()..]
                    .trim_start()
                    .starts_with(['{', ':', '=', 'i']))
            .then_some(name)
        })
        .collect()
}

/// A v0 policy: `import future.keywords`, or rule heads like `deny[msg] {` without `if`/`contains`.
pub fn is_rego_v0(text: &str) -> bool {
    if text.contains("import rego.v1") {
        return false;
    }
    if text.contains("import future.keywords") {
        return true;
    }
    text.lines().map(str::trim).any(|line| {
        let head = line.split('{').next().unwrap_or("");
        line.ends_with('{')
            && !head.contains(" if")
            && !head.contains(" contains ")
            && !head.starts_with("package")
            && !head.contains(":=")
            && !head.contains('=')
            && (head.contains('[') || head.split_whitespace().count() == 1)
            && !head.starts_with('#')
            && !head.is_empty()
    })
}

fn collect_verdicts(kind: VerdictKind, value: &Value, out: &mut Vec<Verdict>) {
    let entries: Vec<&Value> = match value {
        Value::Set(set) => set.iter().collect(),
        Value::Array(items) => items.iter().collect(),
        // conftest reads only collections: a scalar (`deny_count := 3`, a boolean `deny if ...`) is no result.
        _ => Vec::new(),
    };
    for entry in entries {
        let mut verdict = Verdict {
            kind,
            msg: String::new(),
            path: Vec::new(),
            file: None,
            document: None,
            match_index: None,
            capture: None,
            exempted: None,
        };
        match entry {
            Value::String(s) => verdict.msg = s.to_string(),
            Value::Object(fields) => {
                let field = |name: &str| fields.get(&Value::from(name));
                verdict.msg = match field("msg") {
                    Some(Value::String(s)) => s.to_string(),
                    Some(other) => other.to_json_str().unwrap_or_default(),
                    None => entry.to_json_str().unwrap_or_default(),
                };
                if let Some(Value::Array(path)) = field("path") {
                    verdict.path = path
                        .iter()
                        .filter_map(|p| match p {
                            Value::String(s) => Some(PathElem::Key(s.to_string())),
                            Value::Number(n) => n
                                .as_u64()
                                .and_then(|n| usize::try_from(n).ok())
                                .map(PathElem::Index),
                            _ => None,
                        })
                        .collect();
                }
                if let Some(Value::String(file)) = field("file") {
                    verdict.file = Some(file.to_string());
                }
                let index = |name: &str| match field(name) {
                    Some(Value::Number(n)) => n.as_u64().and_then(|n| usize::try_from(n).ok()),
                    _ => None,
                };
                verdict.document = index("document");
                verdict.match_index = index("match");
                if let Some(Value::String(capture)) = field("capture") {
                    verdict.capture = Some(capture.to_string());
                }
            }
            other => verdict.msg = other.to_json_str().unwrap_or_default(),
        }
        out.push(verdict);
    }
}

/// A JSON value as a regorus value.
pub fn value_from_json(value: &serde_json::Value) -> Value {
    Value::from_json_str(&value.to_string()).unwrap_or(Value::Null)
}

#[cfg(test)]
mod tests;
