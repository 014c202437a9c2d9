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

use std::collections::{BTreeMap, HashMap};
use std::path::{Component, Path, PathBuf};

use serde_json::{Value as Json, json};

use super::{DataFormat, DataNode, DataValue};
use crate::line_index::LineIndex;
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

/// The modules of a run: per module directory, its variables, the values assigned to them and its callers.
#[derive(Debug, Default)]
pub struct TerraformIndex {
    /// What the run's relative paths are relative to: the working directory, or a language server's
    /// workspace folder.
    base: PathBuf,
    modules: HashMap<PathBuf, ModuleDir>,
}

#[derive(Debug, Default)]
struct ModuleDir {
    /// Declared variables and their defaults (`None`: no default, or one Terraform computes).
    variables: BTreeMap<String, Option<Located>>,
    /// Assignments of `terraform.tfvars` and `*.auto.tfvars`.
    tfvars: BTreeMap<String, Located>,
    /// The directory configures a backend or provider, or has variable files Terraform loads by itself.
    root: bool,
    /// `module` blocks in production files whose `source` is this directory.
    calls: Vec<Call>,
    /// Its `.tf` files, as the run names them.
    files: Vec<PathBuf>,
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
    /// Reads the Terraform files (`.tf`, `terraform.tfvars`, `*.auto.tfvars`) among `files` (paths as the run
    /// shows them, relative to `base` or absolute, with their roles). A file that cannot be read or parsed adds
    /// nothing: the check reports it.
    pub fn build<'a>(base: &Path, files: impl IntoIterator<Item = (&'a Path, Role)>) -> Self {
        Self::build_with(base, files, &|path| {
            std::fs::read_to_string(base.join(path)).ok()
        })
    }

    /// [`TerraformIndex::build`] with the files' text from `read` (a git mode reads the index or a commit).
    pub fn build_with<'a>(
        base: &Path,
        files: impl IntoIterator<Item = (&'a Path, Role)>,
        read: &dyn Fn(&Path) -> Option<String>,
    ) -> Self {
        let mut index = Self {
            base: base.to_path_buf(),
            modules: HashMap::new(),
        };
        let mut calls = Vec::new();
        let mut seen = std::collections::HashSet::new();
        for (path, role) in files {
            let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
            let tfvars = name == "terraform.tfvars" || name.ends_with(".auto.tfvars");
            let dir = index.module_dir(path);
            if !(name.ends_with(".tf") || tfvars) || !seen.insert(dir.join(name)) {
                continue;
            }
            let Some(text) = read(path) else {
                continue;
            };
            if !tfvars && !declares_module_parts(&text) {
                // Resources only: nothing the index keeps but the file's place in its module.
                index
                    .modules
                    .entry(dir)
                    .or_default()
                    .files
                    .push(path.to_path_buf());
                continue;
            }
            let Ok(docs) = super::parse(DataFormat::Hcl, &text) else {
                continue;
            };
            let Some(doc) = docs.first() else { continue };
            let lines = LineIndex::new(&text);
            let place = |value: Json, span: &std::ops::Range<usize>| {
                let line = lines.line_of(span.start) + 1;
                let at = format!("{}:{line}", path.display());
                Located { value, at, line }
            };
            let module = index.modules.entry(dir.clone()).or_default();
            if tfvars {
                module.root = true;
                for (key, node) in entries(&doc.root) {
                    if let Some(value) = literal(node) {
                        module
                            .tfvars
                            .insert(key.name.clone(), place(value, &key.span));
                    }
                }
                continue;
            }
            module.files.push(path.to_path_buf());
            for (key, node) in entries(&doc.root) {
                match key.name.as_str() {
                    "variable" => {
                        for (name, body) in labelled(node) {
                            let default = entries(body).find(|(k, _)| k.name == "default");
                            let default =
                                default.and_then(|(k, v)| Some(place(literal(v)?, &k.span)));
                            module.variables.insert(name.to_string(), default);
                        }
                    }
                    "provider" => module.root = true,
                    "terraform" => {
                        let settings = bodies(node).flat_map(entries);
                        if settings
                            .into_iter()
                            .any(|(k, _)| k.name == "backend" || k.name == "cloud")
                        {
                            module.root = true;
                        }
                    }
                    "module" if role.is_production() => {
                        for (name, body) in labelled(node) {
                            if let Some(call) = module_call(name, body, (path, &dir), &place) {
                                calls.push(call);
                            }
                        }
                    }
                    _ => {}
                }
            }
        }
        for (target, call) in calls {
            index.modules.entry(target).or_default().calls.push(call);
        }
        index
    }

    /// No Terraform module among the files.
    pub fn is_empty(&self) -> bool {
        self.modules.is_empty()
    }

    /// The `.tf` files of the modules that `file` calls with a local `source` (as the run names them): what a
    /// change to `file` can change the findings of.
    pub fn called_module_files(&self, file: &Path) -> Vec<PathBuf> {
        let mut files = Vec::new();
        for module in self.modules.values() {
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
        for call in self.modules.values().flat_map(|m| &m.calls) {
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
        let module = self.modules.get(&dir)?;
        let mut variables = serde_json::Map::new();
        for name in module.variables.keys() {
            let mut found = Vec::new();
            self.bindings(&dir, name, 0, &mut found);
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
        let Some(module) = self.modules.get(dir) else {
            return;
        };
        let Some(default) = module.variables.get(name) else {
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
        let root = (calls.is_empty() && module.root) || !module.tfvars.is_empty();
        if !root {
            return;
        }
        if let Some(assigned) = module.tfvars.get(name) {
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
}

impl TerraformIndex {
    /// Terraform runs the module at `dir`: it is a root module (a backend, `cloud` block or provider, or
    /// variable files Terraform loads), or a module that runs calls it. A module nothing runs calls other
    /// modules for nobody: terraform-aws-modules' `wrappers/`, which wrap each module for Terragrunt, pass the
    /// wrapped module's inputs through, and must not make its defaults anyone's values.
    fn instantiated(&self, dir: &Path, depth: usize) -> bool {
        let Some(module) = self.modules.get(dir) else {
            return false;
        };
        module.root
            || (depth < MAX_CALL_DEPTH
                && module
                    .calls
                    .iter()
                    .any(|call| self.instantiated(&call.from, depth + 1)))
    }
}

/// The text has a top-level block the index reads (`variable`, `module`, `provider`, `terraform`), found by
/// its first word at the start of a line as `terraform fmt` writes it: about half of a large configuration's
/// files hold resources only and are not parsed a second time. A block written indented is missed, which
/// loses a value, never invents one.
fn declares_module_parts(text: &str) -> bool {
    text.lines().any(|line| {
        ["variable", "module", "provider", "terraform"]
            .iter()
            .any(|word| {
                line.strip_prefix(word)
                    .is_some_and(|rest| rest.starts_with([' ', '\t', '"', '{']))
            })
    })
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
    place: &dyn Fn(Json, &std::ops::Range<usize>) -> Located,
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
    let passed = entries(body)
        .filter(|(k, _)| !META_ARGUMENTS.contains(&k.name.as_str()))
        .map(|(k, _)| k.name.clone())
        .collect();
    let inputs = entries(body)
        .filter(|(k, _)| !META_ARGUMENTS.contains(&k.name.as_str()))
        .filter_map(|(k, v)| {
            let value = literal(v).or_else(|| {
                // An input written as `var.X` is kept as its reference, to follow into the caller's variables.
                let DataValue::Str(text) = &v.value else {
                    return None;
                };
                variable_name(text).map(|_| Json::String(text.clone()))
            })?;
            Some((k.name.clone(), place(value, &k.span)))
        })
        .collect();
    let block = place(Json::Null, &body.span);
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

impl TerraformIndex {
    /// The module directory of a file, as an absolute path without `.` and `..` (the run's paths may be
    /// relative or absolute, and a walk and a git listing may write one directory differently).
    fn module_dir(&self, file: &Path) -> PathBuf {
        normalize(&self.base.join(file.parent().unwrap_or(Path::new(""))))
    }
}

/// `a/./b/../c` as `a/c`, by the text of the path (no file system access: a module's `source` is resolved the
/// same way). A `..` above the start is kept.
fn normalize(path: &Path) -> PathBuf {
    let mut parts: Vec<Component<'_>> = Vec::new();
    for part in path.components() {
        match part {
            Component::CurDir => {}
            Component::ParentDir => match parts.last() {
                Some(Component::Normal(_)) => {
                    parts.pop();
                }
                Some(Component::RootDir | Component::Prefix(_)) => {}
                _ => parts.push(part),
            },
            other => parts.push(other),
        }
    }
    parts.iter().collect()
}

#[cfg(test)]
#[path = "terraform_tests.rs"]
mod tests;
