//! Terraform modules across files: the values a module's input variables can take, so that a rule judging
//! `deletion_protection = var.deletion_protection` sees the `false` a caller passes or the variable defaults to.
//!
//! A Terraform module is a directory of `.tf` files. A variable of a module gets its value, in each instance of
//! the module, from one place:
//! - a `module "NAME" { source = "./path" … }` block that calls the module with the variable as an input (an
//!   input written as `var.OTHER` is followed into the caller's own variables, a few calls deep);
//! - the variable's `default`, when a caller leaves the input out;
//! - for a root module (one that configures a `backend`, `cloud` or `provider`, or has `terraform.tfvars` or
//!   `*.auto.tfvars`, which Terraform loads by itself): those files' assignments, else the default.
//!
//! A reusable module that no checked production file calls is not a root module: its defaults are its
//! callers' business and are not reported. Callers in test, example, tooling or vendored files do not count
//! either: an example that passes `force_destroy = true` is written to be torn down, and it must not make the
//! module's own resource a finding. Only literal values are kept; anything Terraform computes when it plans
//! (`local.x`, a function call, a resource attribute) is unknown here, as it is to the rules.
//!
//! The index is built once per run from the files the run checks ([`TerraformIndex::build`]); each HCL file's
//! policies get its module's variables as `hindsight.file().terraform.variables` (docs/rego.md), and the
//! result cache keys a file's results on them ([`TerraformIndex::facts_for`]).

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use rayon::prelude::*;
use serde_json::{Value as Json, json};

use super::{DataFormat, DataNode, DataValue};
use crate::line_index::LineIndex;
use crate::paths::normalize;
use crate::source::scope::Role;

/// How many module calls a value is followed through (`var.a` passed as `var.b` passed as …).
const MAX_CALL_DEPTH: usize = 4;

/// Arguments of a `module` block that are not inputs of the called module.
const META_ARGUMENTS: &[&str] = &[
    "source",
    "version",
    "count",
    "for_each",
    "providers",
    "depends_on",
];

/// The modules of a run: per module directory, its files and callers, and its variables and the values
/// assigned to them. Nothing is read until a file first needs it: a run whose rules read no Terraform values
/// pays for nothing but the list of files.
pub struct TerraformIndex {
    /// What the run's relative paths are relative to: the working directory, or a language server's
    /// workspace folder.
    base: PathBuf,
    /// The run's Terraform files (as it names them) and their roles.
    files: Vec<(PathBuf, Role)>,
    read: Reader,
    modules: OnceLock<HashMap<PathBuf, ModuleDir>>,
}

/// Where the index reads a file's text: the disk, or what a git mode checks (the index, a commit).
type Reader = Box<dyn Fn(&Path) -> Option<String> + Send + Sync>;

impl std::fmt::Debug for TerraformIndex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TerraformIndex")
            .field("base", &self.base)
            .field("files", &self.files.len())
            .finish_non_exhaustive()
    }
}

#[derive(Debug, Default)]
struct ModuleDir {
    /// `module` blocks in production files whose `source` is this directory.
    calls: Vec<Call>,
    /// Its `.tf` files, as the run names them.
    files: Vec<PathBuf>,
    /// Its `terraform.tfvars` and `*.auto.tfvars`.
    tfvars: Vec<PathBuf>,
    /// What its files declare, read when a checked file of the module first needs it.
    declared: OnceLock<Declared>,
    /// What its files' policies get as `hindsight.file().terraform`, worked out once for all of them (a file's
    /// cache key and its check both ask).
    facts: OnceLock<Option<Json>>,
}

/// What a module's own files declare.
#[derive(Debug, Default)]
struct Declared {
    /// Declared variables and their defaults (`None`: no default, or one Terraform computes).
    variables: BTreeMap<String, Option<Located>>,
    /// Assignments of `terraform.tfvars` and `*.auto.tfvars`.
    tfvars: BTreeMap<String, Located>,
    /// The directory configures a backend or provider, or has variable files Terraform loads by itself.
    root: bool,
}

/// A value and where it is written: `path:line` as the run names the file, and the line.
#[derive(Clone, Debug)]
struct Located {
    value: Json,
    at: String,
    line: usize,
}

#[derive(Debug)]
struct Call {
    name: String,
    /// The file the block is in, as the run names it, and where the block starts (`path:line`, line).
    file: PathBuf,
    at: String,
    line: usize,
    /// The caller's own module directory, where its `var.` inputs are looked up.
    from: PathBuf,
    /// The inputs written as literals or as `var.NAME`.
    inputs: BTreeMap<String, Located>,
    /// Every input the block passes, however written: one passed as another expression is unknown, not
    /// left at its default.
    passed: std::collections::BTreeSet<String>,
}

/// One value a variable can take, and why.
struct Binding {
    value: Json,
    why: String,
}

impl TerraformIndex {
    /// The index of the Terraform files (`.tf`, `terraform.tfvars`, `*.auto.tfvars`) among `files` (paths as
    /// the run shows them, relative to `base` or absolute, with their roles), read from disk when first needed.
    /// A file that cannot be read or parsed adds nothing: the check reports it.
    pub fn build<'a>(base: &Path, files: impl IntoIterator<Item = (&'a Path, Role)>) -> Self {
        let root = base.to_path_buf();
        let read: Reader = Box::new(move |path| std::fs::read_to_string(root.join(path)).ok());
        Self::with_reader(base, files, read)
    }

    /// [`TerraformIndex::build`] with the files' text from `read` (a git mode reads the index or a commit),
    /// read now.
    pub fn build_with<'a>(
        base: &Path,
        files: impl IntoIterator<Item = (&'a Path, Role)>,
        read: &dyn Fn(&Path) -> Option<String>,
    ) -> Self {
        let files: Vec<(&Path, Role)> = files.into_iter().collect();
        let texts: HashMap<PathBuf, String> = files
            .iter()
            .filter_map(|(path, _)| Some((path.to_path_buf(), read(path)?)))
            .collect();
        let read: Reader = Box::new(move |path| texts.get(path).cloned());
        Self::with_reader(base, files, read)
    }

    fn with_reader<'a>(
        base: &Path,
        files: impl IntoIterator<Item = (&'a Path, Role)>,
        read: Reader,
    ) -> Self {
        let files = files
            .into_iter()
            .filter(|(path, _)| is_terraform(path).is_some())
            .map(|(path, role)| (path.to_path_buf(), role))
            .collect();
        Self {
            base: base.to_path_buf(),
            files,
            read,
            modules: OnceLock::new(),
        }
    }

    /// The modules: their files and, from the production files with `module` blocks (the only ones parsed
    /// here), their callers. The callers are read and parsed in parallel: this is about a quarter of a Terraform
    /// run's work and no file's facts are known before it ends ([`TerraformIndex::prepare`]).
    fn modules(&self) -> &HashMap<PathBuf, ModuleDir> {
        self.modules.get_or_init(|| {
            let mut seen = HashSet::new();
            let all: HashSet<&Path> = self.files.iter().map(|(path, _)| path.as_path()).collect();
            let files: Vec<(&PathBuf, Role, PathBuf, bool)> = self
                .files
                .iter()
                .filter(|(path, _)| !shadowed_by_tofu(path, &all))
                .filter_map(|(path, role)| {
                    let dir = self.module_dir(path);
                    let tfvars = is_terraform(path)?;
                    seen.insert(dir.join(path.file_name().unwrap_or_default()))
                        .then_some((path, *role, dir, tfvars))
                })
                .collect();
            let calls: Vec<Vec<(PathBuf, Call)>> = files
                .par_iter()
                .map(|(path, role, dir, tfvars)| {
                    if *tfvars || !role.is_production() {
                        return Vec::new();
                    }
                    match (self.read)(path) {
                        Some(text) if has_block(&text, &["module"]) && may_call_locally(&text) => {
                            read_calls(path, &text, dir)
                        }
                        _ => Vec::new(),
                    }
                })
                .collect();
            let mut modules: HashMap<PathBuf, ModuleDir> = HashMap::new();
            for (path, _, dir, tfvars) in files {
                let module = modules.entry(dir).or_default();
                if tfvars {
                    module.tfvars.push(path.clone());
                } else {
                    module.files.push(path.clone());
                }
            }
            for (target, call) in calls.into_iter().flatten() {
                modules.entry(target).or_default().calls.push(call);
            }
            modules
        })
    }

    /// Reads the modules' callers now, on the threads of the pool this runs in, rather than on the thread of the
    /// first file whose facts are asked for while the others wait for it.
    pub fn prepare(&self) {
        self.modules();
    }

    /// What the module at `dir` declares, read on first use.
    fn declared(&self, dir: &Path) -> Option<&Declared> {
        let module = self.modules().get(dir)?;
        Some(module.declared.get_or_init(|| {
            let files = module.files.iter().map(|path| (path, false));
            let tfvars = module.tfvars.iter().map(|path| (path, true));
            read_declared(files.chain(tfvars), &self.read)
        }))
    }

    /// No Terraform module among the files.
    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }

    /// The `.tf` files of the modules that `file` calls with a local `source` (as the run names them): what a
    /// change to `file` can change the findings of.
    pub fn called_module_files(&self, file: &Path) -> Vec<PathBuf> {
        let mut files = Vec::new();
        for module in self.modules().values() {
            if module.calls.iter().any(|call| call.file == file) {
                files.extend(module.files.iter().cloned());
            }
        }
        files.sort();
        files.dedup();
        files
    }

    /// The places of module calls a finding's message cites (the line of an input a call passes, or of a call
    /// that leaves a variable at its default), as the run names the files: a finding in a called module
    /// answers for a change to those lines.
    pub fn cited_call_sites(&self, message: &str) -> Vec<(PathBuf, usize)> {
        let mut sites = Vec::new();
        for call in self.modules().values().flat_map(|m| &m.calls) {
            let places = std::iter::once((&call.at, call.line))
                .chain(call.inputs.values().map(|input| (&input.at, input.line)));
            for (at, line) in places {
                if cites(message, at) {
                    sites.push((call.file.clone(), line));
                }
            }
        }
        sites.sort();
        sites.dedup();
        sites
    }

    /// What `hindsight.file().terraform` holds for a file of this run: `{"variables": {NAME: [{"value", "why"}]}}`
    /// for each variable of the file's module that has a known value in some instance, or `None`.
    pub fn facts_for(&self, file: &Path) -> Option<Json> {
        let dir = self.module_dir(file);
        let module = self.modules().get(&dir)?;
        module.facts.get_or_init(|| self.module_facts(&dir)).clone()
    }

    fn module_facts(&self, dir: &Path) -> Option<Json> {
        let declared = self.declared(dir)?;
        let mut variables = serde_json::Map::new();
        for name in declared.variables.keys() {
            let mut found = Vec::new();
            self.bindings(dir, name, 0, &mut found);
            if found.is_empty() {
                continue;
            }
            let values: Vec<Json> = found
                .into_iter()
                .map(|b| json!({"value": b.value, "why": b.why}))
                .collect();
            variables.insert(name.clone(), Json::Array(values));
        }
        (!variables.is_empty()).then(|| json!({ "variables": variables }))
    }

    /// The values `var.NAME` takes in the module at `dir`, over its instances.
    fn bindings(&self, dir: &Path, name: &str, depth: usize, out: &mut Vec<Binding>) {
        let (Some(module), Some(declared)) = (self.modules().get(dir), self.declared(dir)) else {
            return;
        };
        let Some(default) = declared.variables.get(name) else {
            return;
        };
        let calls: Vec<&Call> = module
            .calls
            .iter()
            .filter(|call| self.instantiated(&call.from, 0))
            .collect();
        for call in &calls {
            let module_name = &call.name;
            match call.inputs.get(name) {
                Some(input) => match variable_reference(&input.value) {
                    Some(outer) if depth < MAX_CALL_DEPTH => {
                        let mut inner = Vec::new();
                        self.bindings(&call.from, outer, depth + 1, &mut inner);
                        for b in inner {
                            let why = format!(
                                "module \"{module_name}\" passes `var.{outer}` at {}, and {}",
                                input.at, b.why
                            );
                            push(out, b.value, why);
                        }
                    }
                    Some(_) => {}
                    None => {
                        let why = format!(
                            "module \"{module_name}\" passes `{name} = {}` at {}",
                            input.value, input.at
                        );
                        push(out, input.value.clone(), why);
                    }
                },
                // Passed as an expression Terraform evaluates: unknown here.
                None if call.passed.contains(name) => {}
                None => {
                    if let Some(default) = default {
                        let why = format!(
                            "module \"{module_name}\" at {} leaves `var.{name}` at its default `{}` from {}",
                            call.at, default.value, default.at
                        );
                        push(out, default.value.clone(), why);
                    }
                }
            }
        }
        let root = (calls.is_empty() && declared.root) || !declared.tfvars.is_empty();
        if !root {
            return;
        }
        if let Some(assigned) = declared.tfvars.get(name) {
            let why = format!("{} sets `{name} = {}`", assigned.at, assigned.value);
            push(out, assigned.value.clone(), why);
        } else if let Some(default) = default {
            let why = format!(
                "`var.{name}` defaults to `{}` at {}",
                default.value, default.at
            );
            push(out, default.value.clone(), why);
        }
    }

    /// The module directory of a file, as an absolute path without `.` and `..` (the run's paths may be
    /// relative or absolute, and a walk and a git listing may write one directory differently).
    fn module_dir(&self, file: &Path) -> PathBuf {
        normalize(&self.base.join(file.parent().unwrap_or(Path::new(""))))
    }

    /// Terraform runs the module at `dir`: it is a root module (a backend, `cloud` block or provider, or
    /// variable files Terraform loads), or a module that runs calls it. A module nothing runs calls other
    /// modules for nobody: terraform-aws-modules' `wrappers/`, which wrap each module for Terragrunt, pass the
    /// wrapped module's inputs through, and must not make its defaults anyone's values.
    fn instantiated(&self, dir: &Path, depth: usize) -> bool {
        let (Some(module), Some(declared)) = (self.modules().get(dir), self.declared(dir)) else {
            return false;
        };
        declared.root
            || (depth < MAX_CALL_DEPTH
                && module
                    .calls
                    .iter()
                    .any(|call| self.instantiated(&call.from, depth + 1)))
    }
}

/// The text has a top-level block of one of these types, found by its first word at the start of a line as
/// `terraform fmt` writes it: most of a large configuration's files hold resources only and are never parsed a
/// second time. A block written indented is missed, which loses a value, never invents one.
fn has_block(text: &str, types: &[&str]) -> bool {
    text.lines().any(|line| {
        types.iter().any(|word| {
            line.strip_prefix(word)
                .is_some_and(|rest| rest.starts_with([' ', '\t', '"', '{']))
        })
    })
}

/// Whether the text can hold a `module` call with a local source (`"./…"` or `"../…"`, as [`module_call`]
/// requires): a file whose modules all come from registries or git is not parsed here (a fifth fewer
/// instructions reading callers on the Terraform set of bench/RESULTS.md).
fn may_call_locally(text: &str) -> bool {
    text.contains("\"./") || text.contains("\"../")
}

/// Where a file's values are written, as `path:line` for messages.
struct Places<'a> {
    lines: LineIndex<'a>,
    shown: String,
}

impl Places<'_> {
    fn place(&self, value: Json, span: &std::ops::Range<usize>) -> Located {
        let line = self.lines.line_of(span.start) + 1;
        let at = format!("{}:{line}", self.shown);
        Located { value, at, line }
    }
}

/// Parses one file; `None` when it is not valid HCL (the check reports it).
fn parse_with_places<'a>(path: &Path, text: &'a str) -> Option<(super::DataDoc, Places<'a>)> {
    let doc = super::parse(DataFormat::Hcl, text)
        .ok()?
        .into_iter()
        .next()?;
    let places = Places {
        lines: LineIndex::new(text),
        shown: path.display().to_string(),
    };
    Some((doc, places))
}

/// The local `module` calls of a production file: the directory each calls, and the call.
fn read_calls(path: &Path, text: &str, dir: &Path) -> Vec<(PathBuf, Call)> {
    let Some((doc, places)) = parse_with_places(path, text) else {
        return Vec::new();
    };
    let mut calls = Vec::new();
    for (key, node) in entries(&doc.root) {
        if key.name == "module" {
            for (name, body) in labelled(node) {
                calls.extend(module_call(name, body, (path, dir), &places));
            }
        }
    }
    calls
}

/// Which Terraform file this is: `Some(false)` for `.tf` (and OpenTofu's `.tofu`), `Some(true)` for the variable
/// files Terraform loads by itself (`terraform.tfvars`, `*.auto.tfvars`), `None` for any other.
fn is_terraform(path: &Path) -> Option<bool> {
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
    if name == "terraform.tfvars" || name.ends_with(".auto.tfvars") {
        Some(true)
    } else {
        (name.ends_with(".tf") || name.ends_with(".tofu")).then_some(false)
    }
}

/// Is `path` a file the index reads as part of its module (`.tf`, `.tofu`, or a variable file Terraform loads by
/// itself)? A change to one can change what the module's other files are given.
pub fn is_module_file(path: &Path) -> bool {
    is_terraform(path).is_some()
}

/// Whether OpenTofu reads `path` in place of a `.tf` of the same name in its directory: with both `foo.tf` and
/// `foo.tofu`, OpenTofu loads `foo.tofu` only (opentofu.org/docs/language/files), so the module's variables are
/// read from it. `foo.tf` is still checked as a file: Terraform reads it.
fn shadowed_by_tofu(path: &Path, files: &HashSet<&Path>) -> bool {
    path.extension().is_some_and(|e| e == "tf")
        && files.contains(path.with_extension("tofu").as_path())
}

/// What a module's files declare (`(path, is a tfvars file)`): variables and defaults, root markers, tfvars
/// assignments. Files without such blocks are not parsed.
fn read_declared<'a>(files: impl Iterator<Item = (&'a PathBuf, bool)>, read: &Reader) -> Declared {
    let mut declared = Declared::default();
    for (path, tfvars) in files {
        let Some(text) = read(path) else { continue };
        if !tfvars && !has_block(&text, &["variable", "provider", "terraform"]) {
            continue;
        }
        let Some((doc, places)) = parse_with_places(path, &text) else {
            continue;
        };
        if tfvars {
            declared.root = true;
            for (key, node) in entries(&doc.root) {
                if let Some(value) = literal(node) {
                    let assigned = places.place(value, &key.span);
                    declared.tfvars.insert(key.name.clone(), assigned);
                }
            }
            continue;
        }
        for (key, node) in entries(&doc.root) {
            match key.name.as_str() {
                "variable" => {
                    for (name, body) in labelled(node) {
                        let default = entries(body).find(|(k, _)| k.name == "default");
                        let default =
                            default.and_then(|(k, v)| Some(places.place(literal(v)?, &k.span)));
                        declared.variables.insert(name.to_string(), default);
                    }
                }
                "provider" => declared.root = true,
                "terraform" => {
                    let settings = bodies(node).flat_map(entries);
                    if settings
                        .into_iter()
                        .any(|(k, _)| k.name == "backend" || k.name == "cloud")
                    {
                        declared.root = true;
                    }
                }
                _ => {}
            }
        }
    }
    declared
}

/// `message` names `at` (`path:line`) as a whole: not `path:12` inside `path:123`.
fn cites(message: &str, at: &str) -> bool {
    message.match_indices(at).any(|(i, _)| {
        let after = message[i + at.len()..].chars().next();
        !after.is_some_and(|c| c.is_ascii_digit())
    })
}

fn push(out: &mut Vec<Binding>, value: Json, why: String) {
    if !out.iter().any(|b| b.value == value && b.why == why) {
        out.push(Binding { value, why });
    }
}

/// `module "NAME" {..}` with a local `source`: the directory it calls and the call.
fn module_call(
    name: &str,
    body: &DataNode,
    (file, dir): (&Path, &Path),
    places: &Places<'_>,
) -> Option<(PathBuf, Call)> {
    let source = entries(body).find(|(k, _)| k.name == "source")?.1;
    let DataValue::Str(source) = &source.value else {
        return None;
    };
    // Only local paths name a directory of this repository; registry and git sources are someone else's.
    if !(source.starts_with("./") || source.starts_with("../")) {
        return None;
    }
    let target = normalize(&dir.join(source));
    let mut passed = std::collections::BTreeSet::new();
    let mut inputs = BTreeMap::new();
    for (key, value) in entries(body).filter(|(k, _)| !META_ARGUMENTS.contains(&k.name.as_str())) {
        passed.insert(key.name.clone());
        // An input written as `var.X` is kept as its reference, to follow into the caller's variables.
        let reference = || match &value.value {
            DataValue::Str(text) => variable_name(text).map(|_| Json::String(text.clone())),
            _ => None,
        };
        if let Some(value) = literal(value).or_else(reference) {
            inputs.insert(key.name.clone(), places.place(value, &key.span));
        }
    }
    let block = places.place(Json::Null, &body.span);
    let call = Call {
        name: name.to_string(),
        file: file.to_path_buf(),
        at: block.at,
        line: block.line,
        from: dir.to_path_buf(),
        inputs,
        passed,
    };
    Some((target, call))
}

/// The mapping entries of a node (none for other values).
fn entries(node: &DataNode) -> impl Iterator<Item = (&super::DataKey, &DataNode)> {
    let entries = match &node.value {
        DataValue::Map(entries) => entries.as_slice(),
        _ => &[],
    };
    entries.iter().map(|(k, v)| (k, v))
}

/// The bodies of a block list (`lifecycle`, `terraform`: one per block written).
fn bodies(node: &DataNode) -> impl Iterator<Item = &DataNode> {
    let items = match &node.value {
        DataValue::Seq(items) => items.as_slice(),
        _ => &[],
    };
    items.iter()
}

/// The bodies of a block type with one label (`variable "x" {..}`, `module "x" {..}`), with their label.
fn labelled(node: &DataNode) -> impl Iterator<Item = (&str, &DataNode)> {
    entries(node)
        .flat_map(|(label, list)| bodies(list).map(move |body| (label.name.as_str(), body)))
}

/// A value written as a literal, as JSON; `None` for an expression Terraform evaluates.
fn literal(node: &DataNode) -> Option<Json> {
    Some(match &node.value {
        DataValue::Null => Json::Null,
        DataValue::Bool(b) => Json::Bool(*b),
        DataValue::Int(i) => json!(i),
        DataValue::Float(f) => json!(f),
        DataValue::Str(s) if s.contains("${") => return None,
        DataValue::Str(s) => Json::String(s.clone()),
        DataValue::Seq(items) => Json::Array(items.iter().map(literal).collect::<Option<_>>()?),
        DataValue::Map(entries) => Json::Object(
            entries
                .iter()
                .map(|(k, v)| Some((k.name.clone(), literal(v)?)))
                .collect::<Option<_>>()?,
        ),
    })
}

/// `NAME` of a value written as exactly `var.NAME` (the reader gives it as `"${var.NAME}"`).
fn variable_name(text: &str) -> Option<&str> {
    let name = text.strip_prefix("${var.")?.strip_suffix('}')?;
    let valid = !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    valid.then_some(name)
}

fn variable_reference(value: &Json) -> Option<&str> {
    variable_name(value.as_str()?)
}

#[cfg(test)]
#[path = "terraform_tests.rs"]
mod tests;
