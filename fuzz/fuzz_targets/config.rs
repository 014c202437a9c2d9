//! `hindsight.toml`: parsing with every table's validation, then the queries the checker asks of it (enabled,
//! stage, severity, waivers) for every built-in rule. An error names the file.
#![no_main]

use std::path::Path;
use std::sync::{Arc, OnceLock};

use hindsight_engine::{Checker, Config, RulePack};
use libfuzzer_sys::fuzz_target;

fn pack() -> &'static Arc<RulePack> {
    static PACK: OnceLock<Arc<RulePack>> = OnceLock::new();
    PACK.get_or_init(|| Arc::new(RulePack::builtin()))
}

fuzz_target!(|input: &[u8]| {
    let Ok(text) = std::str::from_utf8(input) else {
        return;
    };
    let path = Path::new("hindsight.toml");
    match Config::parse(path, text) {
        Ok(config) => {
            for rule in pack().rules() {
                let _ = config.is_enabled(rule);
                let _ = config.severity_for(rule);
                let _ = config.options_for(rule);
                for file in ["src/lib.rs", "deploy/app.yaml", "vendor/x/main.go"] {
                    let _ = config.stage_for(rule, Path::new(file));
                    let _ =
                        config.waiver_for(rule, Path::new(file), "hindsight/v2:0123456789abcdef");
                }
            }
            let _ = Checker::new(pack().clone(), &config);
        }
        Err(error) => {
            let shown = error.to_string();
            assert!(
                shown.contains("hindsight.toml"),
                "an error that does not name the file: {shown}"
            );
        }
    }
});
