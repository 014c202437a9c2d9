//! Where regorus (0.14.1) and OPA disagree on valid Rego, pinned so that a regorus upgrade that changes it
//! fails here and the divergence listed in `cli/tests/cli/conftest_suite` can be dropped. It comes from
//! conftest's `examples/combine/policy/duplicate.rego`, which OPA (and so conftest) accepts. (That file's
//! second rule fails at evaluation with "duplicated definition of local variable i" after the first is
//! removed; reduced copies of it evaluate, so that one is pinned only by the conftest suite.)

use regorus::{Engine, Value};

/// Adds `rego` as a policy and evaluates `query`: the first error, at loading or evaluating, as text.
fn load_and_eval(rego: &str, query: &str) -> Result<Value, String> {
    let mut engine = Engine::new();
    engine
        .add_policy("pin.rego".into(), rego.into())
        .map_err(|err| format!("load: {err}"))?;
    engine
        .eval_rule(query.into())
        .map_err(|err| format!("eval: {err}"))
}

/// OPA: the `name :=` inside the comprehension declares a variable local to it, which shadows the rule's
/// `name`, and the comprehension's body is reordered so the `==` runs after it; the policy compiles.
/// regorus refuses it (when the rule is first evaluated, which hindsight does when loading a policy): it
/// takes the `==` for a use of the local before its definition.
#[test]
fn a_comprehension_redeclaring_an_outer_variable_after_using_it_is_refused() {
    let rego = r#"package pin
import rego.v1

names := ["a", "b", "a"]

twice contains name if {
	name := names[_]
	found := [name | some i; names[i] == name; name := names[i]]
	count(found) > 1
}
"#;
    let err = load_and_eval(rego, "data.pin.twice").unwrap_err();
    assert!(
        err.contains("var `name` used before definition below"),
        "{err}"
    );
}

/// regorus's VM (RVM) lets an assignment of an undefined value succeed: the rule below is undefined in OPA and
/// in regorus's interpreter, 5 on the VM, and a function whose value is assigned from something undefined
/// returns undefined instead of taking its `else`. And with strict built-in errors set, a failing built-in is
/// undefined on the VM where the interpreter fails. hindsight runs only the built-in policies without `else`
/// on the VM and re-evaluates in the interpreter when one of its own built-ins failed (`vm.rs`); when this
/// test fails, the VM has changed and those workarounds can be looked at again. The cause, in regorus 0.14.1's
/// compiler (`compiler/destructuring.rs`): a variable bound by `=` is followed by a guard that it is defined,
/// one bound by `:=` (`PlanContext::ColonAssignment`, left out of `require_defined_values`) is not, so the same
/// body with `y = input.missing` is undefined on the VM too.
#[test]
fn the_vm_lets_an_assignment_of_undefined_succeed() {
    use regorus::languages::rego::compiler::Compiler;
    use regorus::rvm::RegoVM;

    let rego = r#"package pin
import rego.v1

dead := 5 if {
	y := input.missing
}

unified := 5 if {
	y = input.missing
}

first(xs) := x if {
	x := xs[0]
} else := "none"

fallback := first([])

failing := 1 if {
	count(numbers.range(1, "x")) > 0
}
"#;
    let mut engine = Engine::new();
    engine
        .add_policy("pin.rego".into(), rego.into())
        .expect("the policy loads");
    engine.set_input(Value::new_object());
    let rules = ["data.pin.dead", "data.pin.fallback"];
    assert!(
        engine.eval_rule("data.pin.failing".into()).is_err(),
        "the interpreter fails on a failing built-in"
    );
    let interpreted: Vec<Value> = rules
        .iter()
        .map(|rule| {
            engine
                .eval_rule((*rule).into())
                .expect("the interpreter evaluates it")
        })
        .collect();
    assert_eq!(interpreted, [Value::Undefined, Value::from("none")]);
    let compiled = engine
        .clone()
        .compile_with_entrypoint(&std::sync::Arc::from(rules[0]))
        .expect("the policy compiles");
    let on_vm_rules = [
        "data.pin.dead",
        "data.pin.fallback",
        "data.pin.failing",
        "data.pin.unified",
    ];
    let program = Compiler::compile_from_policy(&compiled, &on_vm_rules).expect("to bytecode");
    let mut vm = RegoVM::new();
    vm.load_program(program);
    vm.set_strict_builtin_errors(true);
    vm.set_input(Value::new_object());
    let on_vm: Vec<Value> = on_vm_rules
        .iter()
        .map(|rule| {
            vm.execute_entry_point_by_name(rule)
                .expect("the VM evaluates it")
        })
        .collect();
    assert_eq!(
        on_vm,
        [
            Value::from(5u64),
            Value::Undefined,
            Value::Undefined,
            Value::Undefined
        ]
    );
}
