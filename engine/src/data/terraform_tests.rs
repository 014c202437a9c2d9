use super::*;

/// Writes `files` (relative path, text) under a new directory; returns it and the paths with their roles.
fn tree(files: &[(&str, &str, Role)]) -> (tempfile::TempDir, Vec<(PathBuf, Role)>) {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let mut paths = Vec::new();
    for (path, text, role) in files {
        let path = dir.path().join(path);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).unwrap_or_else(|e| panic!("{e}"));
        }
        std::fs::write(&path, text).unwrap_or_else(|e| panic!("{e}"));
        paths.push((path, *role));
    }
    (dir, paths)
}

fn index(paths: &[(PathBuf, Role)]) -> TerraformIndex {
    TerraformIndex::build(
        Path::new("/unused"),
        paths.iter().map(|(p, r)| (p.as_path(), *r)),
    )
}

/// `[(value, why)]` of one variable in the facts of `file`.
fn values(index: &TerraformIndex, file: &Path, name: &str) -> Vec<(Json, String)> {
    let facts = index.facts_for(file).unwrap_or_default();
    let list = facts["variables"][name]
        .as_array()
        .cloned()
        .unwrap_or_default();
    list.into_iter()
        .map(|b| {
            (
                b["value"].clone(),
                b["why"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect()
}

const MODULE: &str = "variable \"deletion_protection\" {\n  default = false\n}\nvariable \"size\" {}\n\
resource \"aws_db_instance\" \"main\" {\n  deletion_protection = var.deletion_protection\n}\n";
const BACKEND: &str = "terraform {\n  backend \"s3\" {}\n}\n";
const USE: &str =
    "resource \"aws_db_instance\" \"main\" {\n  deletion_protection = var.deletion_protection\n}\n";

#[test]
fn a_module_no_production_file_calls_keeps_its_defaults_to_itself() {
    let (dir, paths) = tree(&[("modules/db/main.tf", MODULE, Role::Production)]);
    let index = index(&paths);
    let file = dir.path().join("modules/db/main.tf");
    assert_eq!(values(&index, &file, "deletion_protection"), vec![]);
    assert!(index.facts_for(&file).is_none());
}

#[test]
fn a_root_module_takes_its_default_or_its_tfvars() {
    let provider = "provider \"aws\" {\n  region = \"eu-west-1\"\n}\n";
    let (dir, paths) = tree(&[
        ("prod/main.tf", MODULE, Role::Production),
        ("prod/providers.tf", provider, Role::Production),
    ]);
    let file = dir.path().join("prod/main.tf");
    let got = values(&index(&paths), &file, "deletion_protection");
    let at = format!("{}:2", file.display());
    assert_eq!(
        got,
        vec![(
            Json::Bool(false),
            format!("`var.deletion_protection` defaults to `false` at {at}")
        )]
    );
    let (dir, paths) = tree(&[
        ("prod/main.tf", MODULE, Role::Production),
        (
            "prod/terraform.tfvars",
            "\ndeletion_protection = true\n",
            Role::Production,
        ),
    ]);
    let tfvars = dir.path().join("prod/terraform.tfvars");
    let got = values(
        &index(&paths),
        &dir.path().join("prod/main.tf"),
        "deletion_protection",
    );
    assert_eq!(
        got,
        vec![(
            Json::Bool(true),
            format!("{}:2 sets `deletion_protection = true`", tfvars.display())
        )]
    );
}

#[test]
fn each_production_caller_is_an_instance_and_examples_do_not_count() {
    let caller = "module \"orders_db\" {\n  source = \"../../modules/db\"\n  deletion_protection = false\n}\n\
module \"audit_db\" {\n  source = \"./../../modules/db/\"\n}\n\
module \"remote\" {\n  source = \"terraform-aws-modules/rds/aws\"\n  deletion_protection = false\n}\n\
module \"computed\" {\n  source = \"../../modules/db\"\n  deletion_protection = try(var.x, false)\n}\n";
    let example =
        "module \"demo\" {\n  source = \"../../modules/db\"\n  deletion_protection = 0\n}\n";
    let (dir, paths) = tree(&[
        ("modules/db/main.tf", MODULE, Role::Production),
        ("envs/prod/main.tf", caller, Role::Production),
        ("envs/prod/backend.tf", BACKEND, Role::Production),
        ("examples/demo/main.tf", example, Role::Example),
        ("examples/demo/backend.tf", BACKEND, Role::Example),
    ]);
    let caller_file = dir.path().join("envs/prod/main.tf");
    let module_file = dir.path().join("modules/db/main.tf");
    let got = values(&index(&paths), &module_file, "deletion_protection");
    assert_eq!(
        got,
        vec![
            (
                Json::Bool(false),
                format!(
                    "module \"orders_db\" passes `deletion_protection = false` at {}:3",
                    caller_file.display()
                )
            ),
            (
                Json::Bool(false),
                format!(
                    "module \"audit_db\" at {}:5 leaves `var.deletion_protection` at its default `false` from {}:2",
                    caller_file.display(),
                    module_file.display()
                )
            ),
        ]
    );
    // `size` has no default and no caller sets it: nothing is known.
    assert_eq!(values(&index(&paths), &module_file, "size"), vec![]);
}

#[test]
fn an_input_written_as_a_variable_is_followed_into_the_caller() {
    let caller = "variable \"protect\" {\n  default = false\n}\nterraform {\n  backend \"s3\" {}\n}\n\
module \"db\" {\n  source = \"../modules/db\"\n  deletion_protection = var.protect\n}\n";
    let (dir, paths) = tree(&[
        ("modules/db/main.tf", USE, Role::Production),
        (
            "modules/db/variables.tf",
            "variable \"deletion_protection\" {\n  type = bool\n}\n",
            Role::Production,
        ),
        ("prod/main.tf", caller, Role::Production),
    ]);
    let caller_file = dir.path().join("prod/main.tf");
    let got = values(
        &index(&paths),
        &dir.path().join("modules/db/main.tf"),
        "deletion_protection",
    );
    assert_eq!(
        got,
        vec![(
            Json::Bool(false),
            format!(
                "module \"db\" passes `var.protect` at {0}:9, and `var.protect` defaults to `false` at {0}:2",
                caller_file.display()
            )
        )]
    );
}

#[test]
fn a_module_that_calls_itself_is_followed_a_few_calls_deep_only() {
    let looped = "variable \"x\" {\n  default = 1\n}\nmodule \"again\" {\n  source = \"./\"\n  x = var.x\n}\n";
    let (dir, paths) = tree(&[("m/main.tf", looped, Role::Production)]);
    let got = values(&index(&paths), &dir.path().join("m/main.tf"), "x");
    assert!(got.is_empty(), "{got:?}");
}

#[test]
fn broken_and_unreadable_files_add_nothing() {
    let (dir, mut paths) = tree(&[("prod/main.tf", "resource \"x\" {", Role::Production)]);
    paths.push((dir.path().join("prod/missing.tf"), Role::Production));
    let index = index(&paths);
    assert!(index.facts_for(&dir.path().join("prod/main.tf")).is_none());
}

#[test]
fn paths_are_normalized_by_their_text() {
    assert_eq!(normalize(Path::new("a/./b/../c")), PathBuf::from("a/c"));
    assert_eq!(normalize(Path::new("../a/..")), PathBuf::from(".."));
    assert_eq!(normalize(Path::new("/a/../../b")), PathBuf::from("/b"));
    assert_eq!(normalize(Path::new("a/..")), PathBuf::from("."));
    let index = TerraformIndex::build(Path::new("/work"), []);
    assert_eq!(
        index.module_dir(Path::new("main.tf")),
        PathBuf::from("/work")
    );
    assert_eq!(
        index.module_dir(Path::new("./a/../b/main.tf")),
        PathBuf::from("/work/b")
    );
    assert_eq!(
        index.module_dir(Path::new("/elsewhere/main.tf")),
        PathBuf::from("/elsewhere")
    );
    assert_eq!(
        variable_name("${var.deletion_protection}"),
        Some("deletion_protection")
    );
    assert_eq!(variable_name("${var.a.b}"), None);
    assert_eq!(variable_name("${local.a}"), None);
}

#[test]
fn a_callers_module_files_and_the_call_sites_a_message_cites_are_known() {
    let caller =
        "module \"db\" {\n  source = \"../modules/db\"\n  deletion_protection = false\n}\n";
    let (dir, paths) = tree(&[
        ("modules/db/main.tf", USE, Role::Production),
        (
            "modules/db/variables.tf",
            "variable \"deletion_protection\" {}\n",
            Role::Production,
        ),
        ("prod/main.tf", caller, Role::Production),
        (
            "prod/providers.tf",
            "provider \"aws\" {}\n",
            Role::Production,
        ),
    ]);
    let index = index(&paths);
    let caller_file = dir.path().join("prod/main.tf");
    assert_eq!(
        index.called_module_files(&caller_file),
        vec![
            dir.path().join("modules/db/main.tf"),
            dir.path().join("modules/db/variables.tf")
        ]
    );
    assert_eq!(
        index.called_module_files(&dir.path().join("modules/db/main.tf")),
        Vec::<PathBuf>::new()
    );
    let facts = index.facts_for(&dir.path().join("modules/db/main.tf"));
    let why = facts.as_ref().map_or("", |f| {
        f["variables"]["deletion_protection"][0]["why"]
            .as_str()
            .unwrap_or("")
    });
    assert_eq!(index.cited_call_sites(why), vec![(caller_file.clone(), 3)]);
    // `path:3` is not cited by a message naming `path:31`.
    let other = format!("at {}:31", caller_file.display());
    assert_eq!(index.cited_call_sites(&other), vec![]);
}

#[test]
fn a_caller_that_nothing_runs_is_no_instance() {
    // terraform-aws-modules' `wrappers/`: a module that calls another for Terragrunt, leaving inputs out, and
    // that no root module calls.
    let wrapper = "module \"wrapper\" {\n  source = \"../\"\n}\n";
    let (dir, paths) = tree(&[
        ("mod/main.tf", MODULE, Role::Production),
        ("mod/wrappers/main.tf", wrapper, Role::Production),
    ]);
    let got = values(
        &index(&paths),
        &dir.path().join("mod/main.tf"),
        "deletion_protection",
    );
    assert_eq!(got, vec![]);
    // Once a root module calls the wrapper, the wrapper runs and its call counts.
    let root =
        "terraform {\n  backend \"s3\" {}\n}\nmodule \"w\" {\n  source = \"../mod/wrappers\"\n}\n";
    let (dir, mut paths) = tree(&[
        ("mod/main.tf", MODULE, Role::Production),
        ("mod/wrappers/main.tf", wrapper, Role::Production),
    ]);
    let root_file = dir.path().join("live/main.tf");
    std::fs::create_dir_all(dir.path().join("live")).unwrap_or_else(|e| panic!("{e}"));
    std::fs::write(&root_file, root).unwrap_or_else(|e| panic!("{e}"));
    paths.push((root_file, Role::Production));
    let got = values(
        &index(&paths),
        &dir.path().join("mod/main.tf"),
        "deletion_protection",
    );
    assert_eq!(got.len(), 1, "{got:?}");
}

fn blocks(text: &str) -> bool {
    has_block(text, &["variable", "module", "provider", "terraform"])
}

#[test]
fn only_files_with_the_blocks_the_index_reads_are_parsed_again() {
    assert!(blocks("variable \"x\" {}\n"));
    assert!(blocks("resource \"a\" \"b\" {}\nmodule \"m\" {\n}\n"));
    assert!(blocks("terraform {\n  backend \"s3\" {}\n}\n"));
    assert!(blocks("provider\t\"aws\" {}\n"));
    assert!(!blocks(
        "resource \"aws_s3_bucket\" \"modules\" {\n  provider = aws.east\n}\n"
    ));
    assert!(!blocks("variables_file = 1\nmodule_name = \"x\"\n"));
    // A resources-only file is still one of its module's files, for a change to its callers.
    let (dir, paths) = tree(&[
        ("modules/db/main.tf", USE, Role::Production),
        (
            "modules/db/variables.tf",
            "variable \"deletion_protection\" {}\n",
            Role::Production,
        ),
        (
            "prod/main.tf",
            "provider \"aws\" {}\nmodule \"db\" {\n  source = \"../modules/db\"\n}\n",
            Role::Production,
        ),
    ]);
    let files = index(&paths).called_module_files(&dir.path().join("prod/main.tf"));
    assert_eq!(files.len(), 2, "{files:?}");
}

#[test]
fn an_opentofu_file_is_a_module_file_and_takes_the_place_of_its_tf_twin() {
    let provider = "provider \"aws\" {\n  region = \"eu-west-1\"\n}\n";
    // `variables.tofu` declares the default OpenTofu uses; `variables.tf`, its twin for Terraform, is not read
    // for the module's values, as OpenTofu does not load it.
    let (dir, paths) = tree(&[
        ("prod/main.tofu", USE, Role::Production),
        ("prod/providers.tf", provider, Role::Production),
        (
            "prod/variables.tofu",
            "variable \"deletion_protection\" {\n  default = false\n}\n",
            Role::Production,
        ),
        (
            "prod/variables.tf",
            "variable \"deletion_protection\" {\n  default = true\n}\n",
            Role::Production,
        ),
    ]);
    let file = dir.path().join("prod/main.tofu");
    let got = values(&index(&paths), &file, "deletion_protection");
    let at = format!("{}:2", dir.path().join("prod/variables.tofu").display());
    assert_eq!(
        got,
        vec![(
            Json::Bool(false),
            format!("`var.deletion_protection` defaults to `false` at {at}")
        )]
    );
}
