//! Policies evaluated as bytecode: regorus's Rego virtual machine (RVM), when a policy allows it.
//!
//! regorus's tree-walking interpreter resolves every rule and function call by building path strings and
//! looking them up, and a prepared engine is cloned for each evaluation: on the Dockerfile rules that was about
//! 1 M instructions an evaluation, more than reading the file. The same policy compiled to RVM bytecode
//! evaluates the same input several times faster (bench/RESULTS.md). The interpreter stays the reference:
//!
//! - Only the built-in pack's policies run on the VM, and only those without `else`. regorus 0.14.1's VM
//!   lets an assignment of an undefined value succeed (`r := 5 if { y := input.missing }` is 5 on the VM,
//!   undefined in the interpreter and in OPA; `y = input.missing` is undefined on both: its compiler guards
//!   `=` bindings, not `:=` ones), so a function whose body assigns its value from something
//!   undefined returns undefined instead of falling through to its `else` (pinned in
//!   `regorus_pins.rs`): that changed two HS1004 findings in the cargo registry's 711 crates. A user's policy
//!   may lean on either at any place (`x := input.spec.hostNetwork` as the guard of a `deny`), so it stays on
//!   the interpreter. The built-in policies are reviewed here and their findings compared between the two on
//!   every benchmark corpus (bench/RESULTS.md); none assigns a value it does not use.
//! - The VM calls the same replaced built-ins as the interpreter: the bounded ones of
//!   [`super::MAX_GENERATED`] and the `regex.*` functions over patterns kept per thread. The VM makes a
//!   failing built-in undefined even with strict built-in errors set, where the interpreter fails the
//!   evaluation: when one of hindsight's fails, the interpreter evaluates the input again and reports the
//!   error (a memory budget error stays one); an error of another regorus built-in (a type error, such as
//!   `lower(3)`) is undefined on the VM. No built-in policy met one on the benchmark corpora (their `errors`
//!   are identical with and without the VM).
//! - A policy calling a hindsight extension (`hindsight.file()`, `hindsight.regex.backtracking`), or using
//!   what the RVM compiler does not support (`walk`, `with`, some partial-object heads), does not compile to
//!   bytecode and stays on the interpreter.
//! - Coverage (`hindsight test --coverage`) and Rego unit tests (`with`) use the interpreter.
//!
//! `HINDSIGHT_REGO_VM=0` turns the VM off, for comparing the two on a corpus.

use std::cell::Cell;
use std::sync::Arc;
use std::time::Instant;

use regorus::languages::rego::compiler::Compiler;
use regorus::rvm::{Program, RegoVM};
use regorus::{Engine, Value};

use super::budget::{VM_TIMER_INTERVAL, timer_until};
use super::{REPLACED_BUILTINS, RegoError, Source};
use crate::paths::BUILTIN_PREFIX;

/// A policy compiled to bytecode, with the `data` document it reads.
#[derive(Clone)]
pub(super) struct Bytecode {
    program: Arc<Program>,
    data: Value,
}

/// Whether the VM may be used at all in this process (`HINDSIGHT_REGO_VM=0` says no).
fn enabled() -> bool {
    static ENABLED: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    *ENABLED.get_or_init(|| std::env::var("HINDSIGHT_REGO_VM").map_or(true, |v| v != "0"))
}

impl Bytecode {
    /// Compiles `rules` (full paths such as `data.pkg.deny`) of the prepared `engine`, made of `sources`, to
    /// bytecode, or `None` when the policy must stay on the interpreter (see the module's documentation).
    /// `dry_run` holds the interpreter's value of each rule for an empty input; the VM's dry run must give them
    /// by `deadline` too.
    pub(super) fn compile(
        engine: &Engine,
        sources: &[Source],
        rules: &[String],
        data: &Value,
        dry_run: &[Value],
        deadline: Instant,
    ) -> Option<Bytecode> {
        let first = rules.first()?;
        if !enabled()
            || !sources
                .iter()
                .all(|s| s.path.starts_with(BUILTIN_PREFIX) && !has_else(&s.text))
        {
            return None;
        }
        // Compiling records the entry point in the engine's compiled policy: a copy keeps the original as it was.
        let mut scratch = engine.clone();
        let compiled = scratch
            .compile_with_entrypoint(&Arc::from(first.as_str()))
            .ok()?;
        let names: Vec<&str> = rules.iter().map(String::as_str).collect();
        let compiled = Compiler::compile_from_policy(&compiled, &names).ok()?;
        let program = with_hindsight_builtins(&compiled);
        let bytecode = Bytecode {
            program,
            data: data.clone(),
        };
        let mut machine = bytecode.machine(Value::new_object()).ok()?;
        for (rule, expected) in rules.iter().zip(dry_run) {
            match machine.eval(rule, deadline) {
                Ok(value) if value == *expected => {}
                _ => return None,
            }
        }
        Some(bytecode)
    }

    /// A machine for one evaluation of `input`; [`Machine::eval`] runs one rule of it.
    pub(super) fn machine(&self, input: Value) -> Result<Machine, RegoError> {
        let mut vm = RegoVM::new();
        vm.load_program(self.program.clone());
        // The interpreter's default, which hindsight keeps: a built-in given the wrong types is an error.
        vm.set_strict_builtin_errors(true);
        vm.set_data(self.data.clone()).map_err(|e| vm_error(&e))?;
        vm.set_input(input);
        Ok(Machine { vm })
    }
}

/// One evaluation's virtual machine.
pub(super) struct Machine {
    vm: RegoVM,
}

/// Why the VM could not give a rule's value.
pub(super) enum Failed {
    /// Out of time: reported as is.
    TimedOut(RegoError),
    /// Any other error: the interpreter evaluates the input again.
    Other,
}

impl Machine {
    /// Evaluates `rule` with what is left of the time budget until `deadline`.
    pub(super) fn eval(&mut self, rule: &str, deadline: Instant) -> Result<Value, Failed> {
        let timer = timer_until(rule, deadline, VM_TIMER_INTERVAL).map_err(Failed::TimedOut)?;
        self.vm.set_execution_timer_config(Some(timer));
        BUILTIN_FAILED.with(|failed| failed.set(false));
        let value = self.vm.execute_entry_point_by_name(rule).map_err(|err| {
            let error = vm_error(&err);
            if error.timed_out {
                Failed::TimedOut(error)
            } else {
                Failed::Other
            }
        })?;
        if BUILTIN_FAILED.with(Cell::get) {
            return Err(Failed::Other);
        }
        Ok(value)
    }
}

/// `program` with the built-ins hindsight replaces in the interpreter ([`REPLACED_BUILTINS`]) replaced on the VM
/// too (with regorus's `regex.*`, each call searched with a fresh cache: HS1004 took twice as long on the VM as
/// in the interpreter). The VM calls what `resolved_builtins` holds, by index into its table of names, as plain
/// function pointers of the signature regorus exposes only in `regorus::unstable`: one instance of
/// [`on_vm`] per entry of the table.
fn with_hindsight_builtins(program: &Program) -> Arc<Program> {
    const ON_VM: [VmBuiltin; REPLACED_BUILTINS.len()] = [
        on_vm::<0>, on_vm::<1>, on_vm::<2>, on_vm::<3>, on_vm::<4>, on_vm::<5>, on_vm::<6>,
        on_vm::<7>, on_vm::<8>,
    ];
    let mut program = program.clone();
    for (i, info) in program.builtin_info_table.iter().enumerate() {
        if let Some(at) = REPLACED_BUILTINS
            .iter()
            .position(|(name, _, _)| *name == info.name)
            && let Some(resolved) = program.resolved_builtins.get_mut(i)
        {
            resolved.0 = ON_VM[at];
        }
    }
    Arc::new(program)
}

type VmBuiltin = fn(
    &regorus::unstable::Span,
    &[regorus::unstable::Ref<regorus::unstable::Expr>],
    &[Value],
    bool,
) -> anyhow::Result<Value>;

/// Entry `I` of [`REPLACED_BUILTINS`] as the VM calls it, noting an error ([`noted`]).
fn on_vm<const I: usize>(
    _: &regorus::unstable::Span,
    _: &[regorus::unstable::Ref<regorus::unstable::Expr>],
    args: &[Value],
    _: bool,
) -> anyhow::Result<Value> {
    noted((REPLACED_BUILTINS[I].2)(args))
}

thread_local! {
    /// Set when one of hindsight's built-ins failed during the VM evaluation running on this thread.
    static BUILTIN_FAILED: Cell<bool> = const { Cell::new(false) };
}

/// `result`, noting an error: the VM makes a failing built-in undefined (the interpreter, with regorus's strict
/// built-in errors, fails the evaluation), so an evaluation in which one of hindsight's failed is evaluated
/// again by the interpreter, which reports the error (a memory budget, a pattern that does not compile).
fn noted(result: anyhow::Result<Value>) -> anyhow::Result<Value> {
    if result.is_err() {
        BUILTIN_FAILED.with(|failed| failed.set(true));
    }
    result
}

/// Whether a policy's text has the keyword `else` outside comments (a string holding it only costs speed).
pub(crate) fn has_else(text: &str) -> bool {
    text.lines().any(|line| {
        let code = line.split('#').next().unwrap_or("");
        code.split(|c: char| !(c.is_alphanumeric() || c == '_'))
            .any(|word| word == "else")
    })
}

fn vm_error(err: &dyn std::fmt::Display) -> RegoError {
    let message = err.to_string();
    RegoError {
        file: None,
        line: 1,
        column: 1,
        timed_out: message.contains("exceeded time limit"),
        out_of_memory: false,
        message,
    }
}
