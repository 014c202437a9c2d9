//! `hindsight test [DIR…]`: runs rule packs' examples and Rego unit tests; exit 1 when any fails.
//! With `--coverage`, reports the lines of each policy they ran (and `--min` turns that into a gate).

use std::io::Write;
use std::sync::{Arc, Mutex};

use hindsight_engine::codex::testing::check_rule;
use hindsight_engine::rego::Coverage as RegoCoverage;
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
    let coverage = if args.coverage {
        pack.enable_rego_coverage()
    } else {
        Vec::new()
    };
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
    let stubs: Vec<crate::stubs::Stub> = args
        .dirs
        .iter()
        .flat_map(|d| crate::stubs::find(d))
        .collect();
    n_failed += print_stubs(&mut stdout, &stubs)?;
    // A rule whose file still holds stubs has failed already; its examples are stubs too.
    let stubbed = |rule: &hindsight_engine::Rule| {
        stubs
            .iter()
            .any(|s| s.path.display().to_string() == rule.origin.path)
    };
    for rule in pack
        .rules()
        .iter()
        .filter(|r| r.is_automated() && !stubbed(r))
    {
        let accumulator = coverage
            .iter()
            .find(|(code, _)| *code == rule.code)
            .map(|(_, c)| c.as_ref());
        let tests = check_rule(&checker, rule, accumulator);
        let counted = if tests.rego_tests == 0 {
            format!("{} examples", tests.examples)
        } else {
            format!(
                "{} examples, {} Rego tests",
                tests.examples, tests.rego_tests
            )
        };
        let failures = tests.failures;
        if failures.is_empty() {
            n_passed += 1;
            if args.verbose {
                writeln!(stdout, "PASS {} {} ({counted})", rule.code, rule.id)?;
            }
        } else {
            n_failed += 1;
            writeln!(
                stdout,
                "FAIL {} {} ({})",
                rule.code, rule.id, rule.origin.path
            )?;
            // A failure is a summary line and indented details (the findings, the example's code).
            for line in failures.iter().flat_map(|f| f.lines()) {
                writeln!(stdout, "     {line}")?;
            }
        }
    }
    writeln!(stdout, "{n_passed} rules passed, {n_failed} failed")?;
    let below_minimum = args.coverage && print_coverage(&mut stdout, &coverage, args.min)?;
    Ok(if n_failed == 0 && !below_minimum {
        Outcome::Clean
    } else {
        Outcome::Findings
    })
}

/// Lists the scaffold stubs left, one line each, grouped by file; returns the number of files that have some.
fn print_stubs(stdout: &mut impl Write, stubs: &[crate::stubs::Stub]) -> std::io::Result<usize> {
    let mut files = 0;
    let mut last: Option<&std::path::Path> = None;
    for stub in stubs {
        if last != Some(stub.path.as_path()) {
            files += 1;
            last = Some(stub.path.as_path());
            let n = stubs.iter().filter(|s| s.path == stub.path).count();
            writeln!(
                stdout,
                "FAIL {}: {n} {} still a `{}` stub: fill in each",
                stub.path.display(),
                if n == 1 { "field is" } else { "fields are" },
                crate::stubs::MARKER
            )?;
        }
        writeln!(
            stdout,
            "     {}:{}: `{}` is still a stub: {}",
            stub.path.display(),
            stub.line,
            stub.field,
            stub.ask
        )?;
    }
    Ok(files)
}

/// The Rego coverage report: each policy file's share of lines the examples and tests ran. True when a file
/// is below `min`.
fn print_coverage(
    stdout: &mut impl Write,
    coverage: &[(Arc<str>, Arc<Mutex<RegoCoverage>>)],
    min: Option<f64>,
) -> std::io::Result<bool> {
    let mut below_minimum = false;
    writeln!(stdout, "\nRego coverage (lines run by examples and tests):")?;
    for (code, accumulator) in coverage {
        let files = match accumulator.lock() {
            Ok(coverage) => coverage.files(),
            Err(_) => continue,
        };
        for file in files {
            let percent = file.percent();
            let missing = if file.not_covered.is_empty() {
                String::new()
            } else {
                let lines: Vec<String> = file.not_covered.iter().map(u32::to_string).collect();
                format!("; not run: line {}", lines.join(", "))
            };
            let verdict = match min {
                Some(min) if percent < min => {
                    below_minimum = true;
                    format!(" below the {min}% minimum")
                }
                _ => String::new(),
            };
            writeln!(
                stdout,
                "{percent:>6.1}% {code} {} ({}/{} lines{missing}){verdict}",
                file.path, file.covered, file.total
            )?;
        }
    }
    Ok(below_minimum)
}
