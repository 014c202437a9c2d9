//! Budgets: how long a policy may run and how much it may build. See [`MAX_GENERATED`] for what regorus
//! bounds and what hindsight bounds around it.

use std::num::NonZeroU32;
use std::time::Instant;

use regorus::utils::limits::ExecutionTimerConfig;
use regorus::{Engine, Value};

use super::RegoError;

/// The most numbers one call of `numbers.range` or `numbers.range_step` may make (about 40 MiB).
///
/// What bounds a policy: regorus checks its execution timer every [`TIMER_INTERVAL`] steps of an evaluation,
/// never inside one built-in call, so a policy is stopped at its time budget plus at most one built-in call.
/// regorus cannot bound memory without replacing the process's allocator (its `allocator-memory-limits`
/// feature: a vendored mimalloc as the global allocator and one process-wide counter, checked only inside some
/// built-ins), so memory is bounded around it: collections a policy builds by iterating (comprehensions,
/// result sets) grow one step at a time and stop with the time budget, and the two built-ins whose result is
/// not bounded by the size of their arguments, `numbers.range` and `numbers.range_step`, are replaced by
/// versions that refuse to make more than this many numbers, a memory budget error. Not bounded: a chain of
/// built-ins that each double their argument (`concat`, `sprintf`, `replace` on their own output), and
/// `graph.reachable_paths` on a dense graph, can still allocate within one step.
pub const MAX_GENERATED: u64 = 1_000_000;

/// How many evaluation steps regorus runs between two looks at the clock: small enough that a runaway loop
/// is stopped within milliseconds of its budget (a step is microseconds), large enough that reading the
/// clock costs nothing measurable.
pub(super) const TIMER_INTERVAL: u32 = 100;

/// Marks the error of a replaced built-in that refused to exceed [`MAX_GENERATED`].
pub(super) const MEMORY_MARKER: &str = "exceeds the memory budget of a policy";

/// Evaluates `rule` with what is left of the time budget until `deadline`: the budget is for the whole
/// evaluation, so a policy with three result rules cannot take three budgets.
pub(super) fn eval_by(
    engine: &mut Engine,
    rule: &str,
    deadline: Instant,
) -> Result<Value, RegoError> {
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
    engine.set_execution_timer_config(ExecutionTimerConfig {
        limit: left,
        check_interval: NonZeroU32::MIN.saturating_add(TIMER_INTERVAL - 1),
    });
    engine
        .eval_rule(rule.to_string())
        .map_err(|e| RegoError::from_anyhow(&e))
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
