//! Workspaces and their rules: reloading on rule, settings and configuration changes, broken rule files and
//! policies shown where they are, repository-scope rules, one configuration per folder.

use super::*;

#[test]
fn rule_changes_reload_and_broken_rule_files_are_shown_where_they_are() {
    let rules = [("codex/legacy-call.yaml", LEGACY_CALL_RULE)];
    let capabilities =
        json!({"workspace": {"didChangeWatchedFiles": {"dynamicRegistration": true}}});
    let mut client = Client::start(&rules, capabilities, json!({"ruleDirs": ["codex"]}));
    client.open("src/lib.rs", "rust", "fn f() { legacy_call(1); }\n");
    client.diagnostics("src/lib.rs", |d| codes(d) == ["ACME8001"]);
    // Edit the rule on disk: a new message.
    let rule_path = client.root.join("codex/legacy-call.yaml");
    write(
        &rule_path,
        &LEGACY_CALL_RULE.replace("skips the checks\"", "is gone\""),
    );
    let rule_uri = client.uri("codex/legacy-call.yaml");
    client.notify(
        "workspace/didChangeWatchedFiles",
        json!({"changes": [{"uri": rule_uri, "type": 2}]}),
    );
    let diagnostics = client.diagnostics("src/lib.rs", |d| {
        d.iter().any(|d| d["message"] == "`legacy_call` is gone")
    });
    assert_eq!(codes(&diagnostics), ["ACME8001"]);
    // Break it: a diagnostic on the rule file at the error, one message, and the other rules still run.
    write(
        &rule_path,
        &LEGACY_CALL_RULE.replace("severity: warning", "severity: [warning"),
    );
    client.notify(
        "workspace/didChangeWatchedFiles",
        json!({"changes": [{"uri": rule_uri, "type": 2}]}),
    );
    let on_rule = client.diagnostics("codex/legacy-call.yaml", |d| !d.is_empty());
    assert_eq!(codes(&on_rule), ["HS9003"]);
    // Where `hindsight check` puts it: 4:11.
    assert_eq!(on_rule[0]["range"]["start"], pos(3, 10));
    let message = client.wait_for("window/showMessage", |_| true);
    assert!(
        message["message"]
            .as_str()
            .is_some_and(|m| m.contains("legacy-call.yaml")),
        "{message}"
    );
    client.change(
        "src/lib.rs",
        2,
        json!([{"text": "fn f() { legacy_call(1); std::env::var(\"A\").unwrap(); }\n"}]),
    );
    client.diagnostics("src/lib.rs", |d| codes(d) == ["HS1001"]);
    // Fixing the file clears its diagnostic and brings the rule back.
    write(&rule_path, LEGACY_CALL_RULE);
    client.notify(
        "workspace/didChangeWatchedFiles",
        json!({"changes": [{"uri": rule_uri, "type": 2}]}),
    );
    client.diagnostics("codex/legacy-call.yaml", <[Value]>::is_empty);
    client.diagnostics("src/lib.rs", |d| codes(d) == ["ACME8001", "HS1001"]);
}

#[test]
fn configuration_files_get_rego_findings_and_repository_rules_reach_every_file() {
    let daemonset = "apiVersion: apps/v1\nkind: DaemonSet\nmetadata:\n  name: agent\n  namespace: obs\nspec:\n  template:\n    spec:\n      serviceAccountName: agent\n";
    let rbac = "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata:\n  name: reader\nrules:\n  - apiGroups: [\"\"]\n    resources: [\"pods\"]\n    verbs: [\"list\", \"watch\"]\n---\napiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRoleBinding\nmetadata:\n  name: reader\nroleRef:\n  apiGroup: rbac.authorization.k8s.io\n  kind: ClusterRole\n  name: reader\nsubjects:\n  - kind: ServiceAccount\n    name: agent\n    namespace: obs\n";
    // HS2002 ships in shadow, which editors do not show: this workspace enforces it.
    let config =
        "[rules]\nprofile = \"strict\"\n\n[[rollout]]\nrule = \"HS2002\"\nstage = \"enforce\"\n";
    let files = [
        ("hindsight.toml", config),
        ("deploy/agent.yaml", daemonset),
        ("deploy/rbac.yaml", rbac),
    ];
    let mut client = Client::start(&files, json!({}), json!({}));
    // The workspace scan at start publishes to the closed file the repository-scope rule concerns.
    let diagnostics = client.diagnostics("deploy/agent.yaml", |d| !d.is_empty());
    assert_eq!(codes(&diagnostics), ["HS2002"]);
    // A file-scope Rego rule on an open YAML document.
    let recreate = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\nspec:\n  replicas: 3\n  strategy:\n    type: Recreate\n";
    client.open("deploy/api.yaml", "yaml", recreate);
    let diagnostics = client.diagnostics("deploy/api.yaml", |d| !d.is_empty());
    assert_eq!(codes(&diagnostics), ["HS2001"]);
    assert_eq!(diagnostics[0]["range"]["start"]["line"], 7);
    // The same manifest as JSON, at the same key.
    let json = "{\n  \"apiVersion\": \"apps/v1\",\n  \"kind\": \"Deployment\",\n  \"metadata\": {\"name\": \"api\"},\n  \"spec\": {\n    \"replicas\": 3,\n    \"strategy\": {\n      \"type\": \"Recreate\"\n    }\n  }\n}\n";
    client.open("deploy/api.json", "json", json);
    let diagnostics = client.diagnostics("deploy/api.json", |d| !d.is_empty());
    assert_eq!(codes(&diagnostics), ["HS2001"]);
    assert_eq!(diagnostics[0]["range"]["start"], pos(7, 6));
    // On save, the repository-scope rules run again: without the binding, the DaemonSet watches nothing.
    write(
        &client.root.join("deploy/rbac.yaml"),
        rbac.split("---").next().unwrap_or(""),
    );
    let rbac_uri = client.uri("deploy/rbac.yaml");
    client.notify(
        "textDocument/didSave",
        json!({"textDocument": {"uri": rbac_uri}}),
    );
    client.diagnostics("deploy/agent.yaml", <[Value]>::is_empty);
}

#[test]
fn diagnostics_link_to_the_teams_docs_site_from_hindsight_toml() {
    let config = format!("{STRICT}\n[docs]\nurl = \"https://codex.example.com/\"\n");
    let files = [("hindsight.toml", config.as_str())];
    let mut client = Client::start(&files, json!({}), json!({}));
    client.open(
        "src/lib.rs",
        "rust",
        "fn f() { std::env::var(\"A\").unwrap(); }\n",
    );
    let diagnostics = client.diagnostics("src/lib.rs", |d| codes(d) == ["HS1001"]);
    assert_eq!(
        diagnostics[0]["codeDescription"]["href"],
        "https://codex.example.com/rules/HS1001.html"
    );
}

#[test]
fn settings_and_a_saved_hindsight_toml_reload_the_rules() {
    let files = [
        ("codex/legacy-call.yaml", LEGACY_CALL_RULE),
        ("hindsight.toml", STRICT),
    ];
    let mut client = Client::start(&files, json!({}), json!({}));
    let text = "fn f() { legacy_call(1); std::env::var(\"A\").unwrap(); }\n";
    client.open("src/lib.rs", "rust", text);
    client.diagnostics("src/lib.rs", |d| codes(d) == ["HS1001"]);
    client.notify(
        "workspace/didChangeConfiguration",
        json!({"settings": {"hindsight": {"ruleDirs": ["codex"], "docsBaseUrl": "https://codex.example/rules/"}}}),
    );
    let diagnostics = client.diagnostics("src/lib.rs", |d| codes(d) == ["ACME8001", "HS1001"]);
    assert_eq!(
        diagnostics[1]["codeDescription"]["href"],
        "https://codex.example/rules/HS1001.html"
    );
    // A client without file watchers: saving hindsight.toml in the editor reloads it.
    write(
        &client.root.join("hindsight.toml"),
        "[rules]\ndisable = [\"HS1001\"]\n",
    );
    let config_uri = client.uri("hindsight.toml");
    client.notify(
        "textDocument/didSave",
        json!({"textDocument": {"uri": config_uri}}),
    );
    client.diagnostics("src/lib.rs", |d| codes(d) == ["ACME8001"]);
}

#[test]
fn each_workspace_folder_has_its_own_configuration() {
    let files = [
        ("a/Cargo.toml", "[package]\nname = \"a\"\n"),
        ("b/Cargo.toml", "[package]\nname = \"b\"\n"),
        (
            "b/hindsight.toml",
            "[rules]\nprofile = \"strict\"\ndisable = [\"HS1001\"]\n",
        ),
    ];
    let mut client = Client::start(&files, json!({}), json!({}));
    let folder = |client: &Client, name: &str| json!({"uri": client.uri(name), "name": name});
    let event = json!({"event": {"added": [folder(&client, "a"), folder(&client, "b")], "removed": [folder(&client, "")]}});
    client.notify("workspace/didChangeWorkspaceFolders", event);
    client.open("a/src/main.rs", "rust", UNWRAP);
    client.open("b/src/main.rs", "rust", UNWRAP);
    assert_eq!(
        codes(&client.diagnostics("a/src/main.rs", |d| !d.is_empty())),
        ["HS1001"]
    );
    assert!(client.diagnostics("b/src/main.rs", |_| true).is_empty());
}

#[test]
fn a_policy_that_does_not_compile_is_shown_on_the_policy_file() {
    let rule = "id: open-port
code: HS8101
title: If you need to expose a service, name its port; don't leave it open
severity: error
language: [yaml]
rego: open-port.rego
docs:
  what: Reports services.
  why: Because.
  fix: Name the port.
incidents:
  - date: \"2025-11-18\"
    organisation: Example
    summary: An open port.
    url: https://example.com/postmortem
examples:
  bad:
    - \"kind: Service\"
  good:
    - \"kind: Pod\"
";
    let policy =
        "package hindsight.rules.open_port\n\ndeny contains msg if {\n\tx := input.a +\n}\n";
    let files = [
        ("codex/open-port.yaml", rule),
        ("codex/open-port.rego", policy),
    ];
    let mut client = Client::start(&files, json!({}), json!({"ruleDirs": ["codex"]}));
    let on_policy = client.diagnostics("codex/open-port.rego", |d| !d.is_empty());
    assert_eq!(codes(&on_policy), ["HS9003"]);
    assert!(
        on_policy[0]["message"]
            .as_str()
            .is_some_and(|m| m.contains("does not compile")),
        "{on_policy:?}"
    );
    assert_eq!(on_policy[0]["range"]["start"]["line"], 3);
    // Every other rule still runs.
    client.open("src/main.rs", "rust", UNWRAP);
    client.diagnostics("src/main.rs", |d| codes(d) == ["HS1001"]);
}

#[test]
fn the_workspace_repository_owner_is_first_party() {
    // The server reads `.git/config` as text, as `hindsight check` does: the owner of `origin` is first-party.
    let files = [(
        ".git/config",
        "[remote \"origin\"]\n\turl = git@github.com:linkerd/linkerd2-proxy.git\n",
    )];
    let mut client = Client::start(&files, json!({}), json!({}));
    let workflow = "on: push\npermissions: {}\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: linkerd/dev/actions/setup-tools@v50\n      - uses: acme/upload@v1\n        with:\n          token: ${{ secrets.UPLOAD_TOKEN }}\n";
    client.open(".github/workflows/ci.yml", "yaml", workflow);
    let diagnostics = client.diagnostics(".github/workflows/ci.yml", |d| !d.is_empty());
    assert_eq!(codes(&diagnostics), ["HS3001"]);
    assert_eq!(diagnostics[0]["range"]["start"]["line"], 7);
    assert_eq!(diagnostics[0]["severity"], 1);
}

#[test]
fn a_terraform_module_is_judged_with_what_its_callers_pass_and_a_saved_caller_counts() {
    let module = "variable \"deletion_protection\" {\n  default = true\n}\n\nresource \"aws_rds_cluster\" \"this\" {\n  cluster_identifier  = \"orders\"\n  deletion_protection = var.deletion_protection\n}\n";
    let caller = |value: &str| {
        format!(
            "module \"orders_db\" {{\n  source = \"../../modules/db\"\n  deletion_protection = {value}\n}}\n\nprovider \"aws\" {{}}\n"
        )
    };
    let off = caller("false");
    let files = [
        ("modules/db/main.tf", module),
        ("envs/prod/main.tf", off.as_str()),
    ];
    let mut client = Client::start(&files, json!({}), json!({}));
    client.open("modules/db/main.tf", "terraform", module);
    let diagnostics = client.diagnostics("modules/db/main.tf", |d| !d.is_empty());
    assert_eq!(codes(&diagnostics), ["HS8001"]);
    assert_eq!(diagnostics[0]["range"]["start"], pos(6, 2));
    let message = diagnostics[0]["message"].as_str().unwrap_or("");
    assert!(
        message.contains(
            "module \"orders_db\" passes `deletion_protection = false` at envs/prod/main.tf:3"
        ),
        "{message}"
    );
    // The caller turns protection back on and is saved: the open module is checked again and is clean.
    write(&client.root.join("envs/prod/main.tf"), &caller("true"));
    let caller_uri = client.uri("envs/prod/main.tf");
    client.notify(
        "textDocument/didSave",
        json!({"textDocument": {"uri": caller_uri}}),
    );
    client.diagnostics("modules/db/main.tf", <[Value]>::is_empty);
}
