//! Source files before any rule sees them: the language table, parsing (with macro bodies re-parsed), and what
//! role a file and a node play (production, test, example, tooling or vendored code).

pub(crate) mod context;
pub mod lang;
pub(crate) mod macros;
pub mod scope;

use std::path::Path;

use crate::data::DataFormat;
use lang::Lang;
use scope::Role;

/// One file to check, already read into memory.
#[derive(Clone, Copy, Debug)]
pub struct SourceFile<'a> {
    /// Path shown in findings and matched against rules' `files` globs.
    pub path: &'a Path,
    /// What the file is for ([`crate::source::scope`]): rules with `test_code: skip` report only in production code.
    pub role: Role,
    /// The file's contents.
    pub text: &'a str,
    /// The language its syntax tree is parsed with, if any.
    pub lang: Option<Lang>,
    /// The configuration format its data is read as, if any.
    pub format: Option<DataFormat>,
}

impl<'a> SourceFile<'a> {
    /// A file whose language and data format follow from its extension.
    pub fn new(path: &'a Path, role: Role, text: &'a str) -> Self {
        Self {
            path,
            role,
            text,
            lang: Lang::from_file(path),
            format: DataFormat::from_path(path),
        }
    }
}

/// For tests: `f` of the smallest node spanning the first `needle` in `text` parsed as `lang`.
#[cfg(test)]
pub(crate) fn with_node_at<R>(
    lang: Lang,
    text: &str,
    needle: &str,
    f: impl FnOnce(tree_sitter::Node<'_>) -> R,
) -> R {
    let mut parser = tree_sitter::Parser::new();
    parser
        .set_language(&lang.ts_language())
        .unwrap_or_else(|e| panic!("{e}"));
    let tree = parser
        .parse(text, None)
        .unwrap_or_else(|| panic!("{lang} parses"));
    let at = text.find(needle).unwrap_or_else(|| panic!("{needle}"));
    let node = tree
        .root_node()
        .descendant_for_byte_range(at, at + needle.len())
        .unwrap_or_else(|| panic!("a node at {at}"));
    f(node)
}

#[cfg(test)]
mod grammar_tests;
