//! The languages hindsight parses, as one table.
//!
//! Adding a language is one grammar dependency in `engine/Cargo.toml` plus one entry in [`LANGUAGES`]:
//! its names, file extensions, grammar, node types and comment syntax.
//! Everything else (rule loading, the combined scan, suppressions, positions) is language-agnostic.

use std::borrow::Cow;
use std::fmt;
use std::path::Path;

use ast_grep_core::matcher::{Pattern, PatternBuilder, PatternError};
use ast_grep_core::tree_sitter::{LanguageExt, StrDoc, TSLanguage};
use tree_sitter_language::LanguageFn;

/// Static description of one language.
pub struct LanguageSpec {
    /// Canonical lower-case name used in rule files (`language: rust`).
    pub name: &'static str,
    /// Other accepted spellings in rule files.
    pub aliases: &'static [&'static str],
    /// File extensions (without the dot) that select this language.
    pub extensions: &'static [&'static str],
    /// The tree-sitter grammar.
    pub grammar: LanguageFn,
    /// The grammar's `node-types.json`: which node kinds can contain which (used to skip subtrees that
    /// cannot hold anything a rule looks for).
    pub node_types: &'static str,
    /// Character that stands in for `$` in patterns when `$` is not valid in an identifier of the language.
    pub expando: char,
    /// Node kinds that are comments (where suppressions are looked for).
    pub comment_kinds: &'static [&'static str],
    /// Prefix of a line comment, used when hindsight writes a suppression comment.
    pub line_comment: &'static str,
    /// The grammar's tree-sitter highlight query, for code on the docs site.
    pub highlights: &'static str,
}

/// Every language hindsight can parse. The order is the order of `hindsight rules` and of docs.
pub static LANGUAGES: &[LanguageSpec] = &[
    LanguageSpec {
        name: "rust",
        aliases: &["rs", "Rust"],
        extensions: &["rs"],
        grammar: tree_sitter_rust::LANGUAGE,
        node_types: tree_sitter_rust::NODE_TYPES,
        // `$` is not an identifier character in Rust; `µ` is (XID_Start), so patterns stay parseable.
        expando: 'µ',
        comment_kinds: &["line_comment", "block_comment"],
        line_comment: "//",
        highlights: tree_sitter_rust::HIGHLIGHTS_QUERY,
    },
    LanguageSpec {
        name: "yaml",
        aliases: &["yml", "Yaml", "YAML"],
        extensions: &["yaml", "yml"],
        grammar: tree_sitter_yaml::LANGUAGE,
        node_types: tree_sitter_yaml::NODE_TYPES,
        expando: '$',
        comment_kinds: &["comment"],
        line_comment: "#",
        highlights: tree_sitter_yaml::HIGHLIGHTS_QUERY,
    },
];

/// A language from [`LANGUAGES`]. Cheap to copy; compares by name.
#[derive(Clone, Copy)]
pub struct Lang(&'static LanguageSpec);

impl Lang {
    /// Rust.
    pub const RUST: Lang = Lang(&LANGUAGES[0]);
    /// YAML.
    pub const YAML: Lang = Lang(&LANGUAGES[1]);

    /// All languages, in table order.
    pub fn all() -> impl Iterator<Item = Lang> {
        LANGUAGES.iter().map(Lang)
    }

    /// Looks a language up by its name or an alias, as written in a rule file.
    pub fn from_name(name: &str) -> Option<Lang> {
        Self::all().find(|lang| lang.0.name == name || lang.0.aliases.contains(&name))
    }

    /// Chooses a language from a file's extension.
    pub fn from_file(path: &Path) -> Option<Lang> {
        let ext = path.extension()?.to_str()?;
        Self::all().find(|lang| lang.0.extensions.contains(&ext))
    }

    /// The table entry.
    pub fn spec(self) -> &'static LanguageSpec {
        self.0
    }

    /// Canonical name.
    pub fn name(self) -> &'static str {
        self.0.name
    }

    /// Is `kind` a comment node kind in this language?
    pub fn is_comment_kind(self, kind: &str) -> bool {
        self.0.comment_kinds.contains(&kind)
    }

    /// A fresh tree-sitter handle on the grammar.
    pub fn ts_language(self) -> TSLanguage {
        TSLanguage::new(self.0.grammar)
    }
}

impl PartialEq for Lang {
    fn eq(&self, other: &Self) -> bool {
        // Names are unique in the table; pointer identity is not guaranteed for the `const` handles.
        self.0.name == other.0.name
    }
}

impl Eq for Lang {}

impl std::hash::Hash for Lang {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.0.name.hash(state);
    }
}

impl fmt::Debug for Lang {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0.name)
    }
}

impl fmt::Display for Lang {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0.name)
    }
}

impl ast_grep_core::Language for Lang {
    fn pre_process_pattern<'q>(&self, query: &'q str) -> Cow<'q, str> {
        if self.0.expando == '$' {
            return Cow::Borrowed(query);
        }
        Cow::Owned(query.replace('$', self.0.expando.encode_utf8(&mut [0; 4])))
    }

    fn expando_char(&self) -> char {
        self.0.expando
    }

    fn from_path<P: AsRef<Path>>(path: P) -> Option<Self> {
        Lang::from_file(path.as_ref())
    }

    fn kind_to_id(&self, kind: &str) -> u16 {
        self.ts_language().id_for_node_kind(kind, true)
    }

    fn field_to_id(&self, field: &str) -> Option<u16> {
        self.ts_language()
            .field_id_for_name(field)
            .map(|id| id.get())
    }

    fn build_pattern(&self, builder: &PatternBuilder) -> Result<Pattern, PatternError> {
        builder.build(|src| StrDoc::try_new(src, *self))
    }
}

impl LanguageExt for Lang {
    fn get_ts_language(&self) -> TSLanguage {
        self.ts_language()
    }
}

impl<'de> serde::Deserialize<'de> for Lang {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let name = String::deserialize(deserializer)?;
        Lang::from_name(&name)
            .ok_or_else(|| serde::de::Error::custom(format!("unknown language `{name}`")))
    }
}

impl serde::Serialize for Lang {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.0.name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_grammar_is_compatible_with_the_linked_tree_sitter() {
        for lang in Lang::all() {
            let abi = lang.ts_language().abi_version();
            assert!(
                (tree_sitter::MIN_COMPATIBLE_LANGUAGE_VERSION..=tree_sitter::LANGUAGE_VERSION)
                    .contains(&abi),
                "{lang}: grammar ABI {abi} is outside what tree-sitter accepts"
            );
        }
    }

    #[test]
    fn languages_are_found_by_extension_and_name() {
        assert_eq!(Lang::from_file(Path::new("src/main.rs")), Some(Lang::RUST));
        assert_eq!(Lang::from_file(Path::new("deploy.yml")), Some(Lang::YAML));
        assert_eq!(Lang::from_file(Path::new("README.md")), None);
        assert_eq!(Lang::from_name("YAML"), Some(Lang::YAML));
        assert_eq!(Lang::from_name("cobol"), None);
    }
}
