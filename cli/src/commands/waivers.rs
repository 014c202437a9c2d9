//! `hindsight waivers`: the `[[waiver]]` entries of hindsight.toml, with who owns what and when each expires.

use std::io::Write as _;

use anyhow::Context as _;
use hindsight_engine::Config;
use serde_json::json;

use crate::Outcome;
use crate::args::{ListFormat, WaiversArgs};

pub(crate) fn run(args: &WaiversArgs) -> anyhow::Result<Outcome> {
    let today = crate::date::today();
    let (config, source) = match &args.rules_from {
        Some(reference) => {
            let cwd = std::env::current_dir().context("cannot read the current directory")?;
            let trusted =
                hindsight_git::TrustedRules::load(&cwd, reference, args.config.as_deref())?;
            let source = format!("{} at {reference}", trusted.config_display());
            (trusted.config, source)
        }
        None => {
            let path = match &args.config {
                Some(path) => Some(path.clone()),
                None => Config::discover(std::path::Path::new(".")),
            };
            match path {
                Some(path) => {
                    let path = crate::paths::display_path(&path);
                    let config = Config::load(&path).context("invalid configuration")?;
                    (config, path.display().to_string())
                }
                None => (Config::default(), "no hindsight.toml".into()),
            }
        }
    };
    let mut out = std::io::stdout().lock();
    let status = |expires: &str| match crate::date::days_between(&today, expires) {
        Some(days) if days < 0 => format!("expired {} days ago", -days),
        Some(0) => "expires today".to_string(),
        Some(1) => "expires tomorrow".to_string(),
        Some(days) => format!("expires in {days} days"),
        None => String::new(),
    };
    match args.format {
        ListFormat::Json => {
            let waivers: Vec<_> = config
                .waivers
                .iter()
                .map(|w| {
                    json!({
                        "rule": w.rule,
                        "paths": w.paths,
                        "fingerprints": w.fingerprints,
                        "reason": w.reason,
                        "owner": w.owner,
                        "expires": w.expires,
                        "expired": w.expired(Some(&today)),
                        "ticket": w.ticket,
                        "line": w.line,
                    })
                })
                .collect();
            serde_json::to_writer_pretty(
                &mut out,
                &json!({ "source": source, "today": today, "waivers": waivers }),
            )?;
            writeln!(out)?;
        }
        ListFormat::Human => {
            if config.waivers.is_empty() {
                writeln!(out, "no waivers in {source}")?;
                return Ok(Outcome::Clean);
            }
            for waiver in &config.waivers {
                let ticket = waiver
                    .ticket
                    .as_ref()
                    .map(|t| format!(", {t}"))
                    .unwrap_or_default();
                writeln!(
                    out,
                    "{}: owner {}{ticket}; until {} ({})\n    {}\n    at {}:{}",
                    waiver.scope(),
                    waiver.owner,
                    waiver.expires,
                    status(&waiver.expires),
                    waiver.reason,
                    source,
                    waiver.line
                )?;
            }
            let expired = config
                .waivers
                .iter()
                .filter(|w| w.expired(Some(&today)))
                .count();
            writeln!(out, "{} waivers, {expired} expired", config.waivers.len())?;
        }
    }
    Ok(Outcome::Clean)
}
