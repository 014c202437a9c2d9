//! Budgets: how long a policy may run and how much it may build. See [`MAX_GENERATED`] for what regorus
//! bounds and what hindsight bounds around it.

use std::num::NonZeroU32;
use std::time::Instant;

use regorus::utils::limits::ExecutionTimerConfig;
use regorus::{Engine, Value};

use super::RegoError;

/// The most numbers one call of `numbers.range` or `numbers.range_step` may make (about 40 MiB), and the most
/// items of one `array.concat`.
///
/// What bounds a policy: regorus checks its execution timer at every step of an evaluation in the interpreter
/// ([`TIMER_INTERVAL`]; every `VM_TIMER_INTERVAL` instructions on the VM, which runs only the built-in
/// pack's policies), never inside one built-in call, so a user's policy is stopped at its time budget plus at
/// most one built-in call. regorus cannot bound memory without replacing the process's allocator (its
/// `allocator-memory-limits` feature: a vendored mimalloc as the global allocator and one process-wide
/// counter, checked only inside some built-ins), so memory is bounded around it: collections a policy builds
/// by iterating (comprehensions, result sets) grow one step at a time and stop with the time budget, and the
/// built-ins that can make much more than their arguments in one call are replaced by versions that refuse
/// to: `numbers.range` and `numbers.range_step` (this many numbers), `array.concat` (this many items) and
/// `concat` ([`MAX_STRING_BYTES`]); refusing is a memory budget error. Not bounded: other built-ins that
/// double their argument (`sprintf`, `replace`, `strings.replace_n`, `json.marshal` on their own output)
/// chained within the time budget, and `graph.reachable_paths` on a dense graph.
pub const MAX_GENERATED: u64 = 1_000_000;

/// The longest string one call of `concat` may make (16 MiB: sixteen times the default file size cap).
pub const MAX_STRING_BYTES: usize = 16 << 20;

/// How many evaluation steps regorus runs between two looks at the clock: every one. A larger interval lets a
/// policy of few but slow steps (a chain of `concat`s, each doubling a string) never reach a look at the
/// clock at all; reading it costs tens of nanoseconds, a step microseconds.
pub(super) const TIMER_INTERVAL: u32 = 1;

/// The same on regorus's VM, whose steps are bytecode instructions (tens of nanoseconds each) rather than the
/// interpreter's expressions and iterations: reading the clock at each one was a sixth of the VM's time on the
/// Dockerfile rules. Only the built-in pack's policies run there (`vm.rs`), and every built-in that can make
/// much more than its arguments is bounded, so 64 instructions between looks add microseconds to a stop.
pub(super) const VM_TIMER_INTERVAL: u32 = 64;

/// Marks the error of a replaced built-in that refused to exceed [`MAX_GENERATED`].
pub(super) const MEMORY_MARKER: &str = "exceeds the memory budget of a policy";

/// Evaluates `rule` with what is left of the time budget until `deadline`: the budget is for the whole
/// evaluation, so a policy with three result rules cannot take three budgets.
pub(super) fn eval_by(
    engine: &mut Engine,
    rule: &str,
    deadline: Instant,
) -> Result<Value, RegoError> {
    engine.set_execution_timer_config(timer_until(rule, deadline, TIMER_INTERVAL)?);
    engine
        .eval_rule(rule.to_string())
        .map_err(|e| RegoError::from_anyhow(&e))
}

/// regorus's timer (interpreter or VM) for evaluating `rule` with what is left of the time budget until
/// `deadline`, looking at the clock every `interval` steps, or the time budget error when nothing is left.
pub(super) fn timer_until(
    rule: &str,
    deadline: Instant,
    interval: u32,
) -> Result<ExecutionTimerConfig, RegoError> {
    let left = deadline.saturating_duration_since(Instant::now());
    if left.is_zero() {
        return Err(RegoError {
            file: None,
            line: 1,
            column: 1,
            message: format!("exceeded time limit before `{rule}`"),
            timed_out: true,
            out_of_memory: false,
        });
    }
    Ok(ExecutionTimerConfig {
        limit: left,
        check_interval: NonZeroU32::MIN.saturating_add(interval.saturating_sub(1)),
    })
}

/// `concat(delimiter, strings)` as regorus defines it (an array or a set of strings, a set in its sorted
/// order), refusing to make a string longer than [`MAX_STRING_BYTES`]: a chain of `concat`s each doubling a
/// string would otherwise reach gigabytes in a few dozen steps, each one built inside one built-in call.
pub(super) fn bounded_concat(args: &[Value]) -> anyhow::Result<Value> {
    let (Some(Value::String(delimiter)), Some(collection)) = (args.first(), args.get(1)) else {
        anyhow::bail!("`concat` expects a string delimiter and an array/set of strings.");
    };
    let items: Vec<&Value> = match collection {
        Value::Array(items) => items.iter().collect(),
        Value::Set(items) => items.iter().collect(),
        _ => anyhow::bail!("`concat` expects array/set of strings."),
    };
    let mut parts: Vec<&str> = Vec::with_capacity(items.len());
    for item in items {
        let Value::String(s) = item else {
            anyhow::bail!("`concat` expects array/set of strings.");
        };
        parts.push(s);
    }
    let len = parts.iter().map(|p| p.len()).sum::<usize>()
        + delimiter.len() * parts.len().saturating_sub(1);
    if len > MAX_STRING_BYTES {
        anyhow::bail!(
            "concat would make a string of {len} bytes, which {MEMORY_MARKER} ({MAX_STRING_BYTES} bytes)"
        );
    }
    Ok(Value::String(parts.join(delimiter).into()))
}

/// `array.concat(a, b)`, refusing to make an array of more than [`MAX_GENERATED`] items (arrays share their
/// items, so doubling one costs little per step but its length grows as fast as a string's).
pub(super) fn bounded_array_concat(args: &[Value]) -> anyhow::Result<Value> {
    let (Some(Value::Array(a)), Some(Value::Array(b))) = (args.first(), args.get(1)) else {
        anyhow::bail!("`array.concat` expects two arrays.");
    };
    let len = a.len() + b.len();
    if len as u64 > MAX_GENERATED {
        anyhow::bail!(
            "array.concat would make {len} items, which {MEMORY_MARKER} ({MAX_GENERATED} items)"
        );
    }
    let items: Vec<Value> = a.iter().chain(b.iter()).cloned().collect();
    Ok(Value::from(items))
}

/// `numbers.range(a, b)` and `numbers.range_step(a, b, step)` as OPA defines them (both ends included;
/// descending when `b < a`; a step must be a positive integer), refusing to make more than
/// [`MAX_GENERATED`] numbers. Non-integer ends are an error, as with regorus's own.
pub(super) fn bounded_range(name: &str, args: &[Value], stepped: bool) -> anyhow::Result<Value> {
    let integer = |value: Option<&Value>| match value {
        Some(Value::Number(n)) if n.is_integer() => n.as_i64(),
        _ => None,
    };
    let (Some(from), Some(to)) = (integer(args.first()), integer(args.get(1))) else {
        anyhow::bail!("{name}: operand must be integer");
    };
    let step = if stepped {
        match integer(args.get(2)) {
            Some(step) if step > 0 => step,
            _ => anyhow::bail!("{name}: step must be a positive integer"),
        }
    } else {
        1
    };
    let count = from.abs_diff(to) / step.unsigned_abs() + 1;
    if count > MAX_GENERATED {
        anyhow::bail!(
            "{name} would make {count} numbers, which {MEMORY_MARKER} ({MAX_GENERATED} numbers)"
        );
    }
    // In i128: the distance between two i64 ends may not fit an i64; every number made lies between them.
    let direction = if to >= from {
        i128::from(step)
    } else {
        -i128::from(step)
    };
    let values: Vec<Value> = (0..i128::from(count))
        .filter_map(|i| i64::try_from(i128::from(from) + i * direction).ok())
        .map(Value::from)
        .collect();
    Ok(Value::from(values))
}
