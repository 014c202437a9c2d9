//! `textDocument/didChange`: apply the incremental edits, then check the newest version (debounced; a check
//! already running for an older version is not waited for: its result is dropped when it arrives).

use lsp_types::MessageType;
use lsp_types::notification::DidChangeTextDocument;

use crate::api::traits::{Context, NotificationHandler, NotificationParams};
use crate::text::apply_change;

pub(crate) struct DidChange;

impl NotificationHandler for DidChange {
    type Notification = DidChangeTextDocument;

    fn run(cx: Context<'_>, params: NotificationParams<Self>) {
        let Context {
            session,
            scheduler,
            client,
        } = cx;
        let uri = params.text_document.uri;
        let encoding = session.client_caps.encoding;
        let Some(document) = session.documents.get_mut(&uri) else {
            client.log(
                MessageType::WARNING,
                format!("didChange for {}, which is not open: ignored", uri.as_str()),
            );
            return;
        };
        let version = params.text_document.version;
        if version <= document.version {
            let current = document.version;
            client.log(
                MessageType::WARNING,
                format!(
                    "didChange for {} with version {version}, not newer than {current}: ignored",
                    uri.as_str()
                ),
            );
            return;
        }
        for change in params.content_changes {
            let edit = apply_change(&mut document.text, change.range, &change.text, encoding);
            // Keep the last syntax tree in step with the text, so the next check reparses only what changed.
            if let Some(tree) = &mut document.tree {
                tree.edit(&edit);
            }
        }
        document.version = version;
        scheduler.schedule(&uri, session.debounce());
    }
}
