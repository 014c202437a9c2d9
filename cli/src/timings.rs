//! `check --timings`: where a run's time went, printed after the run (and in `timings` of the JSON output):
//! each rule's matching and Rego time, parse time per language or format, and the slowest files. The engine
//! measures rules and parsing ([`hindsight_engine::Timings`]); the command times each file, whole.

use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::Duration;

use hindsight_engine::Timings;
use serde_json::{Value, json};

/// Rules and files listed in the human table (JSON carries every rule and the same number of files).
const LISTED: usize = 15;

/// The time each file took, from reading it to its findings (or to its cached results).
#[derive(Default)]
pub(crate) struct FileTimes(Mutex<Vec<(PathBuf, Duration)>>);

impl FileTimes {
    pub(crate) fn record(&self, path: &Path, took: Duration) {
        self.0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .push((path.to_path_buf(), took));
    }

    /// The slowest files, slowest first.
    fn slowest(self) -> Vec<(PathBuf, Duration)> {
        let mut files = self
            .0
            .into_inner()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        files.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        files.truncate(LISTED);
        files
    }
}

/// What `--timings` reports about one run.
pub(crate) struct RunTimings {
    engine: Timings,
    files: Vec<(PathBuf, Duration)>,
    /// Files whose results came from the result cache.
    from_cache: usize,
    files_checked: usize,
}

impl RunTimings {
    pub(crate) fn new(
        engine: Timings,
        files: FileTimes,
        from_cache: usize,
        files_checked: usize,
    ) -> Self {
        Self {
            engine,
            files: files.slowest(),
            from_cache,
            files_checked,
        }
    }

    /// The tables, for a terminal.
    pub(crate) fn human(&self) -> String {
        let ms = |d: Duration| format!("{:.1}", d.as_secs_f64() * 1000.0);
        let mut out = String::from("\ntimings (ms, summed over threads)\n");
        out.push_str(&format!(
            "{:<8} {:>10} {:>10} {:>10}\n",
            "rule", "total", "matching", "rego"
        ));
        for rule in self.engine.rules.iter().take(LISTED) {
            out.push_str(&format!(
                "{:<8} {:>10} {:>10} {:>10}\n",
                rule.code,
                ms(rule.total()),
                ms(rule.matching),
                ms(rule.rego)
            ));
        }
        let rest = self.engine.rules.len().saturating_sub(LISTED);
        if rest > 0 {
            out.push_str(&format!("… and {rest} more rules\n"));
        }
        out.push_str(&format!("\n{:<12} {:>10} {:>8}\n", "parse", "ms", "files"));
        for parse in &self.engine.parse {
            out.push_str(&format!(
                "{:<12} {:>10} {:>8}\n",
                parse.language,
                ms(parse.time),
                parse.files
            ));
        }
        out.push_str("\nslowest files (ms)\n");
        for (path, took) in &self.files {
            out.push_str(&format!("{:>10}  {}\n", ms(*took), path.display()));
        }
        out.push_str(&format!(
            "\n{} of {} files from the result cache\n",
            self.from_cache, self.files_checked
        ));
        out
    }

    /// The same figures as JSON (`timings` in `--format json`), in milliseconds.
    pub(crate) fn json(&self) -> Value {
        let ms = |d: Duration| (d.as_secs_f64() * 1_000_000.0).round() / 1000.0;
        json!({
            "rules": self.engine.rules.iter().map(|r| json!({
                "code": &*r.code,
                "total_ms": ms(r.total()),
                "matching_ms": ms(r.matching),
                "rego_ms": ms(r.rego),
            })).collect::<Vec<_>>(),
            "parse": self.engine.parse.iter().map(|p| json!({
                "language": p.language,
                "ms": ms(p.time),
                "files": p.files,
            })).collect::<Vec<_>>(),
            "slowest_files": self.files.iter().map(|(path, took)| json!({
                "path": path.display().to_string(),
                "ms": ms(*took),
            })).collect::<Vec<_>>(),
            "from_cache": self.from_cache,
        })
    }
}
