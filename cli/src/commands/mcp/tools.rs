//! The MCP tools: `check`, `lessons_for_change`, `explain`, `search_codex` and `coverage`, each a thin layer
//! over the CLI's code path for the same question (`change.rs` resolves what a change is for all of them).

use rmcp::handler::server::wrapper::Parameters;
use rmcp::{ErrorData, Json, tool, tool_router};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::checking::{self as change, ChangeInput};
use super::{Codex, internal, invalid};
use crate::lessons::{self, CitedFinding, Lesson};

/// `check`'s arguments: what to check (files, a unified diff, or a git change) and the CLI's options.
#[derive(Debug, Default, Deserialize, JsonSchema)]
pub(crate) struct CheckInput {
    #[serde(flatten)]
    pub(crate) change: ChangeInput,
    /// Report only findings that did not exist at this git ref, matched by fingerprint (moved code is not
    /// new): `check --new-only REF`.
    #[serde(default)]
    pub(crate) new_only: Option<String>,
    /// Judge with `hindsight.toml`, rule directories, stages and waivers as they are at this git ref (the
    /// base branch), so the change cannot weaken the rules that judge it: `check --rules-from REF`.
    #[serde(default)]
    pub(crate) rules_from: Option<String>,
}

/// `check`'s result.
#[derive(Debug, Serialize, JsonSchema)]
pub(crate) struct CheckOutput {
    /// Unsuppressed findings, in file order (shadow-stage ones are only counted).
    pub(crate) findings: Vec<CitedFinding>,
    /// How many files were checked.
    pub(crate) files_checked: usize,
    /// Findings left out: suppressed, shadow stage, on untouched lines, already at the ref.
    pub(crate) omitted: Vec<String>,
    /// What a reviewer should know besides findings: suppressions and waivers the change adds or removes, rule
    /// changes, files that could not be parsed or were skipped.
    pub(crate) notes: Vec<String>,
    /// Files hindsight could not check.
    pub(crate) errors: Vec<String>,
}

/// `lessons_for_change`'s result.
#[derive(Debug, Serialize, JsonSchema)]
pub(crate) struct LessonsOutput {
    /// The changed files looked at.
    pub(crate) files: Vec<String>,
    /// The lessons that apply to them: review-only ones (`kind: review`, for you to check by eye) first.
    pub(crate) lessons: Vec<Lesson>,
}

#[derive(Debug, Deserialize, JsonSchema)]
pub(crate) struct ExplainInput {
    /// A rule code (`HS1001`) or id (`unwrap-outside-tests`).
    pub(crate) rule: String,
}

/// One rule's full documentation.
#[derive(Debug, Serialize, JsonSchema)]
pub(crate) struct ExplainOutput {
    #[serde(flatten)]
    pub(crate) lesson: Lesson,
    /// `error`, `warning` or `info`.
    pub(crate) severity: String,
    /// The stage the rule file declares: `shadow`, `warn` or `enforce`.
    pub(crate) stage: String,
    /// What it reads: languages and configuration formats.
    pub(crate) inputs: Vec<String>,
    /// Further reading.
    pub(crate) references: Vec<String>,
    /// Everything above and the examples, as `hindsight explain` prints it.
    pub(crate) markdown: String,
}

#[derive(Debug, Deserialize, JsonSchema)]
pub(crate) struct SearchInput {
    /// Words to look for in the lessons' codes, titles, docs and incidents, such as `retry` or `DaemonSet`;
    /// lessons holding every word come first.
    pub(crate) query: String,
    /// At most this many lessons (default 10).
    #[serde(default)]
    pub(crate) limit: Option<usize>,
}

#[derive(Debug, Serialize, JsonSchema)]
pub(crate) struct SearchOutput {
    /// The matching lessons, best first (their `files` is empty).
    pub(crate) lessons: Vec<Lesson>,
}

#[derive(Debug, Default, Deserialize, JsonSchema)]
pub(crate) struct CoverageInput {
    /// Only these incidents (registry ids, such as `cloudflare-2025-11-18`); default: all.
    #[serde(default)]
    pub(crate) incidents: Vec<String>,
}

#[tool_router(router = tool_router, vis = "pub(super)")]
impl Codex {
    /// Runs hindsight's automated rules.
    #[tool(
        description = "Run the codex's automated rules (as `hindsight check`) on files, on a unified diff (findings on the lines it adds), or on a git change since `base` (findings on the lines it changes; `staged` for the index). Returns each finding with its code, lesson, location, incident and docs link.",
        annotations(read_only_hint = true, open_world_hint = false)
    )]
    async fn check(
        &self,
        Parameters(input): Parameters<CheckInput>,
    ) -> Result<Json<CheckOutput>, ErrorData> {
        let pack = self.pack.clone();
        blocking(move || change::check(&pack, &input)).await
    }

    /// The lessons that apply to a change.
    #[tool(
        description = "The lessons (automated and review-only) that apply to the files a change touches, by language, format, path globs and content: each with its 'If you need X, do Y' title, why, how to check it by eye, and a link. Give `paths`, a unified `diff`, or a git `base` (and `staged`).",
        annotations(read_only_hint = true, open_world_hint = false)
    )]
    async fn lessons_for_change(
        &self,
        Parameters(input): Parameters<ChangeInput>,
    ) -> Result<Json<LessonsOutput>, ErrorData> {
        let pack = self.pack.clone();
        blocking(move || change::lessons(&pack, &input)).await
    }

    /// One rule's docs.
    #[tool(
        description = "One rule's full documentation by code or id: what it reports, why (the incidents), how to fix it, and its examples.",
        annotations(read_only_hint = true, open_world_hint = false)
    )]
    async fn explain(
        &self,
        Parameters(input): Parameters<ExplainInput>,
    ) -> Result<Json<ExplainOutput>, ErrorData> {
        let setup = self.setup()?;
        let Some(rule) = setup.pack.get(input.rule.trim()) else {
            return Err(invalid(format!(
                "no rule has the code or id `{}`; `search_codex` finds lessons by words",
                input.rule
            )));
        };
        Ok(Json(ExplainOutput {
            lesson: lessons::lesson(rule, &setup.config, Vec::new()),
            severity: rule.severity.as_str().into(),
            stage: rule.stage.as_str().into(),
            inputs: rule.input_names().into_iter().map(String::from).collect(),
            references: rule.docs.references.clone(),
            markdown: hindsight_engine::codex::docs::render_markdown(rule),
        }))
    }

    /// Lessons by words.
    #[tool(
        description = "Search the codex for lessons matching words (such as 'retry' or 'DaemonSet') in their codes, titles, docs and incidents; best matches first.",
        annotations(read_only_hint = true, open_world_hint = false)
    )]
    async fn search_codex(
        &self,
        Parameters(input): Parameters<SearchInput>,
    ) -> Result<Json<SearchOutput>, ErrorData> {
        let setup = self.setup()?;
        let words = super::search::words(&input.query);
        if words.is_empty() {
            return Err(invalid("`query` needs at least one word"));
        }
        let limit = input.limit.unwrap_or(10).max(1);
        let lessons = super::search::search(&setup.pack, &words)
            .into_iter()
            .take(limit)
            .map(|rule| lessons::lesson(rule, &setup.config, Vec::new()))
            .collect();
        Ok(Json(SearchOutput { lessons }))
    }

    /// Coverage of incidents' action items.
    #[tool(
        description = "Per incident, which corrective actions are enforced automatically (by rules that are loaded, enabled, past shadow and passing their tests), left to review, or open.",
        annotations(read_only_hint = true, open_world_hint = false)
    )]
    async fn coverage(
        &self,
        Parameters(input): Parameters<CoverageInput>,
    ) -> Result<Json<hindsight_engine::codex::coverage::CoverageReport>, ErrorData> {
        let setup = self.setup()?;
        for id in &input.incidents {
            if setup.pack.incident(id).is_none() {
                return Err(invalid(format!(
                    "no incident `{id}` in the registry; resources hindsight://incidents/ID list them"
                )));
            }
        }
        blocking(move || {
            let mut report = crate::commands::coverage::build(&setup.pack, &setup.config);
            if !input.incidents.is_empty() {
                report.incidents.retain(|i| input.incidents.contains(&i.id));
                report.totals = report
                    .incidents
                    .iter()
                    .fold(Default::default(), |sum, i| sum.plus(&i.totals));
            }
            Ok(report)
        })
        .await
    }
}

/// Runs a check-sized job off the runtime's one thread, so the server keeps reading messages meanwhile.
async fn blocking<T: Send + 'static>(
    job: impl FnOnce() -> Result<T, ErrorData> + Send + 'static,
) -> Result<Json<T>, ErrorData> {
    match tokio::task::spawn_blocking(job).await {
        Ok(result) => result.map(Json),
        Err(err) => Err(internal(&anyhow::anyhow!("the tool failed: {err}"))),
    }
}
