//! `hindsight mcp`: the codex as a Model Context Protocol server on stdin and stdout, for AI reviewers and
//! agents (setup in `docs/review.md`).
//!
//! Built on the official Rust SDK (`rmcp`): the protocol, the JSON schemas of tool inputs and outputs and the
//! stdio transport are the SDK's. Tools (`tools.rs`) run the CLI's own code paths (`check::analyse`, the
//! lessons of `crate::lessons`, the coverage report, the docs renderer); resources (`resources.rs`) are each
//! rule and incident under a stable URI, and one prompt asks for a review that uses the tools.
//!
//! Every request loads `hindsight.toml` and the rule packs afresh, discovered from the server's working
//! directory as the CLI discovers them (and the `--config`/`--rules` the server was started with), so an edit
//! to the configuration counts from the next call. A bad argument is an MCP error for that call; the server
//! keeps serving.

mod checking;
mod resources;
mod search;
mod tools;

use std::path::Path;

use anyhow::Context as _;
use rmcp::model::{
    GetPromptRequestParams, GetPromptResponse, Implementation, ListPromptsResult,
    ListResourceTemplatesResult, ListResourcesResult, PaginatedRequestParams,
    ReadResourceRequestParams, ReadResourceResponse, ServerCapabilities, ServerConfig,
};
use rmcp::service::RequestContext;
use rmcp::{ErrorData, RoleServer, ServerHandler, ServiceExt as _, tool_handler};

use crate::Outcome;
use crate::args::{McpArgs, PackArgs};
use crate::setup::Setup;

pub(crate) fn run(args: &McpArgs) -> anyhow::Result<Outcome> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("cannot start the MCP server's runtime")?;
    runtime.block_on(async {
        let server = Codex::new(args.pack.clone());
        let service = server
            .serve(rmcp::transport::stdio())
            .await
            .context("the MCP client did not initialise the session")?;
        service
            .waiting()
            .await
            .context("the MCP server stopped abnormally")?;
        anyhow::Ok(())
    })?;
    Ok(Outcome::Clean)
}

/// The server: where rules come from, and the tools.
#[derive(Clone)]
pub(crate) struct Codex {
    pack: PackArgs,
    tool_router: rmcp::handler::server::router::tool::ToolRouter<Codex>,
}

impl Codex {
    fn new(pack: PackArgs) -> Self {
        Self {
            pack,
            tool_router: Self::tool_router(),
        }
    }

    /// The configuration and rules, as the CLI loads them from the working directory.
    fn setup(&self) -> Result<Setup, ErrorData> {
        crate::setup::load(&self.pack, Path::new(".")).map_err(|err| internal(&err))
    }
}

/// What the client learns at initialisation.
const INSTRUCTIONS: &str = "hindsight's Engineering Codex: lessons from outages as rules with stable codes \
(HS1001). To review a change: call `lessons_for_change` for the lessons that apply to the files it touches \
(review-only ones are a checklist only you can check), `check` for the automated findings on the lines it \
adds, `explain` for one rule's full docs. Cite lessons by code, with their link.";

#[tool_handler(router = self.tool_router)]
impl ServerHandler for Codex {
    fn get_info(&self) -> ServerConfig {
        ServerConfig::new(
            ServerCapabilities::builder()
                .enable_tools()
                .enable_resources()
                .enable_prompts()
                .build(),
        )
        .with_server_info(Implementation::new("hindsight", env!("CARGO_PKG_VERSION")))
        .with_instructions(INSTRUCTIONS)
    }

    async fn list_resources(
        &self,
        _request: Option<PaginatedRequestParams>,
        _context: RequestContext<RoleServer>,
    ) -> Result<ListResourcesResult, ErrorData> {
        let setup = self.setup()?;
        Ok(ListResourcesResult::with_all_items(resources::list(&setup)))
    }

    async fn list_resource_templates(
        &self,
        _request: Option<PaginatedRequestParams>,
        _context: RequestContext<RoleServer>,
    ) -> Result<ListResourceTemplatesResult, ErrorData> {
        Ok(ListResourceTemplatesResult::with_all_items(
            resources::templates(),
        ))
    }

    async fn read_resource(
        &self,
        request: ReadResourceRequestParams,
        _context: RequestContext<RoleServer>,
    ) -> Result<ReadResourceResponse, ErrorData> {
        let setup = self.setup()?;
        resources::read(&setup, &request.uri).map(Into::into)
    }

    async fn list_prompts(
        &self,
        _request: Option<PaginatedRequestParams>,
        _context: RequestContext<RoleServer>,
    ) -> Result<ListPromptsResult, ErrorData> {
        Ok(ListPromptsResult::with_all_items(vec![resources::prompt()]))
    }

    async fn get_prompt(
        &self,
        request: GetPromptRequestParams,
        _context: RequestContext<RoleServer>,
    ) -> Result<GetPromptResponse, ErrorData> {
        resources::get_prompt(&request).map(Into::into)
    }
}

/// A failure of hindsight itself (configuration that does not load, a git error) as an MCP error.
fn internal(err: &anyhow::Error) -> ErrorData {
    ErrorData::internal_error(format!("{err:#}"), None)
}

/// A bad argument as an MCP error.
fn invalid(message: impl Into<String>) -> ErrorData {
    ErrorData::invalid_params(message.into(), None)
}
