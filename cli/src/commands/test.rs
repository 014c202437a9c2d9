//! `hindsight test [DIR…]`: runs rule packs' examples as tests; exit 1 when any fails.

use std::io::Write as _;
use std::sync::Arc;

use hindsight_engine::testing::test_rule;
use hindsight_engine::{Checker, Config, RulePack};

use crate::Outcome;
use crate::args::TestArgs;

pub(crate) fn run(args: &TestArgs) -> anyhow::Result<Outcome> {
    let mut pack = RulePack::new();
    if args.dirs.is_empty() {
        pack.add_builtin();
    } else {
        for dir in &args.dirs {
            pack.add_dir(dir);
        }
    }
    let pack = Arc::new(pack);
    // Every rule runs, whatever hindsight.toml says: a test of a disabled rule is still a test.
    let checker = Checker::new(pack.clone(), &Config::default());
    let mut stdout = std::io::stdout().lock();
    let (mut n_passed, mut n_failed) = (0, 0);
    for problem in pack.problems() {
        n_failed += 1;
        writeln!(
            stdout,
            "FAIL {}:{}:{}: {}",
            problem.path, problem.line, problem.column, problem.message
        )?;
        if let Some(hint) = &problem.hint {
            writeln!(stdout, "     help: {hint}")?;
        }
    }
    for rule in pack.rules().iter().filter(|r| r.is_automated()) {
        let outcomes = test_rule(&checker, rule);
        let failures: Vec<_> = outcomes.iter().filter(|o| !o.passed()).collect();
        if failures.is_empty() {
            n_passed += 1;
            if args.verbose {
                writeln!(
                    stdout,
                    "PASS {} {} ({} examples)",
                    rule.code,
                    rule.id,
                    outcomes.len()
                )?;
            }
        } else {
            n_failed += 1;
            writeln!(
                stdout,
                "FAIL {} {} ({})",
                rule.code, rule.id, rule.origin.path
            )?;
            for failure in failures {
                writeln!(stdout, "     {}", failure.describe())?;
            }
        }
    }
    writeln!(stdout, "{n_passed} rules passed, {n_failed} failed")?;
    Ok(if n_failed == 0 {
        Outcome::Clean
    } else {
        Outcome::Findings
    })
}
