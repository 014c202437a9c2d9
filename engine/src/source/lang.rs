//! The languages hindsight parses, as one table.
//!
//! Adding a language is one grammar dependency in `engine/Cargo.toml` plus one entry in [`LANGUAGES`]:
//! its names, file extensions, grammar, node types, comment syntax, how its code marks tests, the files that
//! hold tests, the package system that says what a file is for, and the items a finding's fingerprint names.
//! Everything else (rule loading, the combined scan, suppressions, positions, test code, fingerprints) reads
//! the entry instead of matching on the language.

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
    /// The name as people write it, for docs (`TypeScript`).
    pub title: &'static str,
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
    /// Opening and closing of a block comment (`/*`, `*/`), where the language has them: a suppression may be
    /// written in one.
    pub block_comment: Option<(&'static str, &'static str)>,
    /// The grammar's tree-sitter highlight queries, joined in order, for code on the docs site (TypeScript's
    /// extends JavaScript's).
    pub highlights: &'static [&'static str],
    /// Code a pattern is wrapped in when it does not parse on its own (Go allows statements only inside a
    /// function, and reads a call alone at the top of a file as a type conversion): the text before and
    /// after the pattern. The pattern then matches as the node it is inside the wrapper.
    pub pattern_context: Option<(&'static str, &'static str)>,
    /// Node kind of a macro invocation whose arguments hindsight parses and scans as code (Rust's
    /// `macro_invocation`), where the language has macros.
    pub macro_kind: Option<&'static str>,
    /// How code in this language marks test code inside a file (`None`: it does not, as in YAML).
    pub test_code: Option<TestCode>,
    /// File names that hold tests or test support.
    pub test_files: TestFiles,
    /// How generated code of the language declares itself (counted as vendored: nobody fixes it by hand).
    pub generated: Generated,
    /// The package system whose manifests say what a file of this language is for.
    pub packages: Option<PackageSystem>,
    /// The items a finding's fingerprint names as the place it is in.
    pub enclosing: Enclosing,
    /// A pattern and a bad and a good file for it, for the rule `hindsight new rule` writes.
    pub scaffold: Scaffold,
}

/// What `hindsight new rule` fills a new rule of the language with: a pattern to replace, a file it matches
/// once, and one it does not.
pub struct Scaffold {
    /// The stub pattern.
    pub pattern: &'static str,
    /// A file the pattern matches once.
    pub bad: &'static str,
    /// A file close to it that the pattern does not match.
    pub good: &'static str,
}

/// How a language marks test code inside a file: attributes (or annotations) on items, read from the tree.
pub struct TestCode {
    /// Node kind of an attribute written before the item it applies to (`#[test]`).
    pub outer_attribute: &'static str,
    /// Node kind of an attribute written inside what it applies to (`#![cfg(test)]`), before anything else.
    pub inner_attribute: &'static str,
    /// Node kinds whose inner attributes apply to their contents (a file, a module body, a block).
    pub attribute_holders: &'static [&'static str],
    /// Tokens a holder may open with before its inner attributes (`{`).
    pub holder_openers: &'static [&'static str],
    /// Node kinds of functions: a test attribute (`#[test]`) or a test gate makes them test code.
    pub functions: &'static [&'static str],
    /// Other node kinds a test gate (`#[cfg(test)]`) makes test code.
    pub gated_items: &'static [&'static str],
    /// The configuration option only test builds set (`test`, as in `cfg(test)`).
    pub test_cfg: &'static str,
    /// Last path segments of the attributes that make a function a test (`test` of `#[tokio::test]`).
    pub test_attributes: &'static [&'static str],
    /// Prefixes of such segments (`test_` of `#[test_case(1)]`).
    pub test_attribute_prefixes: &'static [&'static str],
}

/// How a generated file of the language says so: by its name, by a `DO NOT EDIT` / `@generated` comment
/// near its top (Go's `// Code generated … DO NOT EDIT.`, protoc's, prost's), or by being minified.
pub struct Generated {
    /// Endings of generated file names (`_pb2.py`, `.min.js`).
    pub suffixes: &'static [&'static str],
    /// Read the top of the file for a generated-code comment.
    pub header: bool,
    /// A line longer than [`MINIFIED_LINE`] near the top marks a minified bundle.
    pub minified: bool,
}

impl Generated {
    /// Nothing marks generated code.
    pub const NONE: Generated = Generated {
        suffixes: &[],
        header: false,
        minified: false,
    };
}

/// The line length past which a file is a minified bundle, not source someone edits.
pub const MINIFIED_LINE: usize = 2000;

/// File names that say a file holds tests or test support, wherever it is declared.
pub struct TestFiles {
    /// Names of files that hold a test module (`tests.rs`).
    pub modules: &'static [&'static str],
    /// Beginnings of such names (`test_` of Python's `test_api.py`).
    pub module_prefixes: &'static [&'static str],
    /// Endings of such names (`_tests.rs`).
    pub module_suffixes: &'static [&'static str],
    /// Names of files that hold test support (`fixtures.rs`, `test_utils.rs`).
    pub support: &'static [&'static str],
}

impl TestFiles {
    /// No file name says anything.
    pub const NONE: TestFiles = TestFiles {
        modules: &[],
        module_prefixes: &[],
        module_suffixes: &[],
        support: &[],
    };
}

/// A package system whose manifests and conventions decide what a file is for (see
/// [`crate::source::scope`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PackageSystem {
    /// Cargo: `Cargo.toml` packages and workspaces, out-of-line modules declared under `#[cfg(test)]`.
    Cargo,
}

/// The items a fingerprint names as a finding's place: the enclosing item of its node, outermost first.
pub struct Enclosing {
    /// Node kinds that are part of the enclosing item, and how each is named.
    pub items: &'static [(&'static str, ItemName)],
    /// What joins the names (`::` for Rust's `mod a::fn run`, `.` for YAML's `spec.template`).
    pub separator: &'static str,
}

/// How a node of [`Enclosing::items`] is named.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ItemName {
    /// A keyword and the node's `name` field: `fn run`, `mod a`.
    Keyword(&'static str),
    /// `impl Type` or `impl Trait for Type`, from the node's `type` and `trait` fields.
    Impl,
    /// The node's `key` field: a mapping key.
    Key,
    /// Fixed text: `[]` for an item of a sequence.
    Text(&'static str),
    /// The node's `name` field alone: a JavaScript method or a `const handler = …` declarator.
    Name,
    /// A keyword, the type of the receiver in the given field, and the name: Go's `func (*Server).Handle`.
    Receiver(&'static str, &'static str),
}

/// Every language hindsight can parse. The order is the order of `hindsight rules` and of docs.
pub static LANGUAGES: &[LanguageSpec] = &[
    LanguageSpec {
        name: "rust",
        title: "Rust",
        aliases: &["rs", "Rust"],
        extensions: &["rs"],
        grammar: tree_sitter_rust::LANGUAGE,
        node_types: tree_sitter_rust::NODE_TYPES,
        // `$` is not an identifier character in Rust; `µ` is (XID_Start), so patterns stay parseable.
        expando: 'µ',
        comment_kinds: &["line_comment", "block_comment"],
        line_comment: "//",
        block_comment: Some(("/*", "*/")),
        highlights: &[tree_sitter_rust::HIGHLIGHTS_QUERY],
        macro_kind: Some("macro_invocation"),
        pattern_context: None,
        test_code: Some(TestCode {
            outer_attribute: "attribute_item",
            inner_attribute: "inner_attribute_item",
            attribute_holders: &["source_file", "declaration_list", "block"],
            holder_openers: &["{"],
            functions: &["function_item"],
            gated_items: &[
                "mod_item",
                "impl_item",
                "trait_item",
                "struct_item",
                "enum_item",
                "const_item",
                "static_item",
                "macro_invocation",
                "expression_statement",
                "let_declaration",
            ],
            test_cfg: "test",
            test_attributes: &["test", "rstest", "quickcheck", "proptest", "bench"],
            test_attribute_prefixes: &["test_"],
        }),
        // `test.rs` is not among them: it is as often a `test` subcommand (`commands/test.rs`) as a test
        // module; nor is `testing.rs`, as often a feature of the product.
        test_files: TestFiles {
            modules: &["tests.rs"],
            module_prefixes: &[],
            module_suffixes: &["_tests.rs"],
            support: &[
                "fixtures.rs",
                "test_utils.rs",
                "test_util.rs",
                "testutils.rs",
                "testutil.rs",
                "test_helpers.rs",
                "test_support.rs",
                "mocks.rs",
            ],
        },
        generated: Generated::NONE,
        packages: Some(PackageSystem::Cargo),
        enclosing: Enclosing {
            items: &[
                ("function_item", ItemName::Keyword("fn")),
                ("function_signature_item", ItemName::Keyword("fn")),
                ("mod_item", ItemName::Keyword("mod")),
                ("trait_item", ItemName::Keyword("trait")),
                ("impl_item", ItemName::Impl),
            ],
            separator: "::",
        },
        scaffold: Scaffold {
            pattern: "todo_new_rule($$$ARGS)",
            bad: "fn handler() {\n    todo_new_rule(1);\n}",
            good: "fn handler() {\n    done();\n}",
        },
    },
    LanguageSpec {
        name: "yaml",
        title: "YAML",
        aliases: &["yml", "Yaml", "YAML"],
        extensions: &["yaml", "yml"],
        grammar: tree_sitter_yaml::LANGUAGE,
        node_types: tree_sitter_yaml::NODE_TYPES,
        expando: '$',
        comment_kinds: &["comment"],
        line_comment: "#",
        block_comment: None,
        highlights: &[tree_sitter_yaml::HIGHLIGHTS_QUERY],
        macro_kind: None,
        pattern_context: None,
        test_code: None,
        test_files: TestFiles::NONE,
        generated: Generated::NONE,
        packages: None,
        enclosing: Enclosing {
            items: &[
                ("block_mapping_pair", ItemName::Key),
                ("flow_pair", ItemName::Key),
                ("block_sequence_item", ItemName::Text("[]")),
            ],
            separator: ".",
        },
        scaffold: Scaffold {
            pattern: "todo_new_rule: $VALUE",
            bad: "todo_new_rule: 1",
            good: "done: 1",
        },
    },
    LanguageSpec {
        name: "go",
        title: "Go",
        aliases: &["golang", "Go"],
        extensions: &["go"],
        grammar: tree_sitter_go::LANGUAGE,
        node_types: tree_sitter_go::NODE_TYPES,
        // `$` is not an identifier character in Go; `µ` is.
        expando: 'µ',
        comment_kinds: &["comment"],
        line_comment: "//",
        block_comment: Some(("/*", "*/")),
        highlights: &[tree_sitter_go::HIGHLIGHTS_QUERY],
        macro_kind: None,
        pattern_context: Some(("package µ\nfunc µ() {\n", "\n}\n")),
        // Go marks tests by file (`_test.go`) and directory (`testdata/`), not inside a file.
        test_code: None,
        test_files: TestFiles {
            modules: &[],
            module_prefixes: &[],
            module_suffixes: &["_test.go"],
            support: &[],
        },
        generated: Generated {
            suffixes: &[],
            header: true,
            minified: false,
        },
        packages: None,
        enclosing: Enclosing {
            items: &[
                ("function_declaration", ItemName::Keyword("func")),
                ("method_declaration", ItemName::Receiver("func", "receiver")),
                ("type_spec", ItemName::Keyword("type")),
            ],
            separator: ".",
        },
        scaffold: Scaffold {
            pattern: "todo_new_rule($$$ARGS)",
            bad: "package service\n\nfunc handler() {\n\ttodo_new_rule(1)\n}",
            good: "package service\n\nfunc handler() {\n\tdone()\n}",
        },
    },
    LanguageSpec {
        name: "python",
        title: "Python",
        aliases: &["py", "Python"],
        extensions: &["py", "pyi"],
        grammar: tree_sitter_python::LANGUAGE,
        node_types: tree_sitter_python::NODE_TYPES,
        // `$` is not an identifier character in Python; `µ` is.
        expando: 'µ',
        comment_kinds: &["comment"],
        line_comment: "#",
        block_comment: None,
        highlights: &[tree_sitter_python::HIGHLIGHTS_QUERY],
        macro_kind: None,
        pattern_context: None,
        // pytest and unittest find tests by file and function name; the file names are what count here.
        test_code: None,
        test_files: TestFiles {
            modules: &[],
            module_prefixes: &["test_"],
            module_suffixes: &["_test.py", "_tests.py"],
            support: &["conftest.py"],
        },
        generated: Generated {
            suffixes: &["_pb2.py", "_pb2_grpc.py", "_pb2.pyi"],
            header: true,
            minified: false,
        },
        packages: None,
        enclosing: Enclosing {
            items: &[
                ("function_definition", ItemName::Keyword("def")),
                ("class_definition", ItemName::Keyword("class")),
            ],
            separator: ".",
        },
        scaffold: Scaffold {
            pattern: "todo_new_rule($$$ARGS)",
            bad: "def handler():\n    todo_new_rule(1)",
            good: "def handler():\n    done()",
        },
    },
    LanguageSpec {
        name: "typescript",
        title: "TypeScript",
        aliases: &["ts", "TypeScript"],
        extensions: &["ts", "mts", "cts"],
        grammar: tree_sitter_typescript::LANGUAGE_TYPESCRIPT,
        node_types: tree_sitter_typescript::TYPESCRIPT_NODE_TYPES,
        expando: '$',
        comment_kinds: &["comment"],
        line_comment: "//",
        block_comment: Some(("/*", "*/")),
        highlights: &[
            tree_sitter_typescript::HIGHLIGHTS_QUERY,
            tree_sitter_javascript::HIGHLIGHT_QUERY,
        ],
        macro_kind: None,
        pattern_context: None,
        test_code: None,
        test_files: TestFiles {
            modules: &[],
            module_prefixes: &[],
            module_suffixes: &[
                ".test.ts",
                ".spec.ts",
                ".test.mts",
                ".spec.mts",
                ".test.cts",
                ".spec.cts",
            ],
            support: &[],
        },
        generated: Generated {
            suffixes: &[],
            header: true,
            minified: false,
        },
        packages: None,
        enclosing: TS_ENCLOSING,
        scaffold: Scaffold {
            pattern: "todo_new_rule($$$ARGS)",
            bad: "function handler(): void {\n  todo_new_rule(1);\n}",
            good: "function handler(): void {\n  done();\n}",
        },
    },
    LanguageSpec {
        name: "tsx",
        title: "TSX",
        // `typescriptreact` is the editors' language id.
        aliases: &["TSX", "typescriptreact"],
        extensions: &["tsx"],
        grammar: tree_sitter_typescript::LANGUAGE_TSX,
        node_types: tree_sitter_typescript::TSX_NODE_TYPES,
        expando: '$',
        comment_kinds: &["comment"],
        line_comment: "//",
        block_comment: Some(("/*", "*/")),
        highlights: &[
            tree_sitter_typescript::HIGHLIGHTS_QUERY,
            tree_sitter_javascript::JSX_HIGHLIGHT_QUERY,
            tree_sitter_javascript::HIGHLIGHT_QUERY,
        ],
        macro_kind: None,
        pattern_context: None,
        test_code: None,
        test_files: TestFiles {
            modules: &[],
            module_prefixes: &[],
            module_suffixes: &[".test.tsx", ".spec.tsx"],
            support: &[],
        },
        generated: Generated {
            suffixes: &[],
            header: true,
            minified: false,
        },
        packages: None,
        enclosing: TS_ENCLOSING,
        scaffold: Scaffold {
            pattern: "todo_new_rule($$$ARGS)",
            bad: "function handler(): void {\n  todo_new_rule(1);\n}",
            good: "function handler(): void {\n  done();\n}",
        },
    },
    LanguageSpec {
        name: "javascript",
        title: "JavaScript",
        aliases: &["js", "jsx", "JavaScript", "javascriptreact"],
        extensions: &["js", "mjs", "cjs", "jsx"],
        grammar: tree_sitter_javascript::LANGUAGE,
        node_types: tree_sitter_javascript::NODE_TYPES,
        expando: '$',
        comment_kinds: &["comment"],
        line_comment: "//",
        block_comment: Some(("/*", "*/")),
        highlights: &[
            tree_sitter_javascript::JSX_HIGHLIGHT_QUERY,
            tree_sitter_javascript::HIGHLIGHT_QUERY,
        ],
        macro_kind: None,
        pattern_context: None,
        test_code: None,
        test_files: TestFiles {
            modules: &[],
            module_prefixes: &[],
            module_suffixes: &[
                ".test.js",
                ".spec.js",
                ".test.mjs",
                ".spec.mjs",
                ".test.cjs",
                ".spec.cjs",
                ".test.jsx",
                ".spec.jsx",
            ],
            support: &[],
        },
        generated: Generated {
            suffixes: &[".min.js", "-min.js", ".min.mjs", ".min.cjs", ".bundle.js"],
            header: true,
            minified: true,
        },
        packages: None,
        enclosing: Enclosing {
            items: &[
                ("function_declaration", ItemName::Keyword("function")),
                (
                    "generator_function_declaration",
                    ItemName::Keyword("function*"),
                ),
                ("class_declaration", ItemName::Keyword("class")),
                ("method_definition", ItemName::Name),
                ("variable_declarator", ItemName::Name),
            ],
            separator: ".",
        },
        scaffold: Scaffold {
            pattern: "todo_new_rule($$$ARGS)",
            bad: "function handler() {\n  todo_new_rule(1);\n}",
            good: "function handler() {\n  done();\n}",
        },
    },
];

/// What names a TypeScript (and TSX) finding's place: JavaScript's items and TypeScript's own.
const TS_ENCLOSING: Enclosing = Enclosing {
    items: &[
        ("function_declaration", ItemName::Keyword("function")),
        (
            "generator_function_declaration",
            ItemName::Keyword("function*"),
        ),
        ("class_declaration", ItemName::Keyword("class")),
        ("abstract_class_declaration", ItemName::Keyword("class")),
        ("internal_module", ItemName::Keyword("namespace")),
        ("method_definition", ItemName::Name),
        ("variable_declarator", ItemName::Name),
    ],
    separator: ".",
};

/// A language from [`LANGUAGES`]. Cheap to copy; compares by name.
#[derive(Clone, Copy)]
pub struct Lang(&'static LanguageSpec);

impl Lang {
    /// Rust.
    pub const RUST: Lang = Lang(&LANGUAGES[0]);
    /// YAML.
    pub const YAML: Lang = Lang(&LANGUAGES[1]);
    /// Go.
    pub const GO: Lang = Lang(&LANGUAGES[2]);
    /// Python.
    pub const PYTHON: Lang = Lang(&LANGUAGES[3]);
    /// TypeScript.
    pub const TYPESCRIPT: Lang = Lang(&LANGUAGES[4]);
    /// TypeScript with JSX.
    pub const TSX: Lang = Lang(&LANGUAGES[5]);
    /// JavaScript (and JSX).
    pub const JAVASCRIPT: Lang = Lang(&LANGUAGES[6]);

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

    /// The extension a file of the language gets when only its language is known (an example without a
    /// path, an editor buffer without a file): the first of the row's.
    pub fn extension(self) -> &'static str {
        self.0.extensions.first().copied().unwrap_or("txt")
    }

    /// Is `kind` a comment node kind in this language?
    pub fn is_comment_kind(self, kind: &str) -> bool {
        self.0.comment_kinds.contains(&kind)
    }

    /// How code in this language marks test code, if it does.
    pub fn test_code(self) -> Option<&'static TestCode> {
        self.0.test_code.as_ref()
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
    fn every_node_kind_the_table_names_is_in_its_grammar() {
        for lang in Lang::all() {
            let spec = lang.spec();
            let ts = lang.ts_language();
            let mut named: Vec<&str> = spec.comment_kinds.to_vec();
            named.extend(spec.enclosing.items.iter().map(|(kind, _)| *kind));
            if let Some(test) = &spec.test_code {
                named.extend([test.outer_attribute, test.inner_attribute]);
                named.extend(
                    test.attribute_holders
                        .iter()
                        .chain(test.functions)
                        .chain(test.gated_items),
                );
                for token in test.holder_openers {
                    assert_ne!(
                        ts.id_for_node_kind(token, false),
                        0,
                        "{lang}: no token `{token}`"
                    );
                }
            }
            for kind in named {
                assert_ne!(
                    ts.id_for_node_kind(kind, true),
                    0,
                    "{lang}: no node kind `{kind}`"
                );
            }
        }
    }

    #[test]
    fn every_scaffold_pattern_matches_its_bad_file_once_and_its_good_file_never() {
        use ast_grep_core::tree_sitter::LanguageExt as _;
        for lang in Lang::all() {
            let scaffold = &lang.spec().scaffold;
            let pattern =
                Pattern::try_new(scaffold.pattern, lang).unwrap_or_else(|e| panic!("{lang}: {e}"));
            let count = |code: &str| lang.ast_grep(code).root().find_all(&pattern).count();
            assert_eq!(count(scaffold.bad), 1, "{lang}: bad");
            assert_eq!(count(scaffold.good), 0, "{lang}: good");
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
