use super::*;

/// The line and text `locate_key` points at, and whether it is exact.
fn at(template: &str, key_path: &str, kind: Option<&str>) -> (usize, String, bool) {
    let located = locate_key(template, key_path, kind);
    let line = template[..located.bytes.start].matches('\n').count() + 1;
    (line, template[located.bytes].to_string(), located.exact)
}

const DEPLOYMENT: &str = "\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ include \"web.fullname\" . }}
  labels:
    {{- include \"web.labels\" . | nindent 4 }}
spec:
  replicas: {{ .Values.replicaCount }}
  strategy:
    {{- toYaml .Values.strategy | nindent 4 }}
  template:
    spec:
      containers:
        - name: web
          image: \"{{ .Values.image.repository }}:{{ .Values.image.tag }}\"
          ports:
            - name: http
              containerPort: 8080
      initContainers:
        - name: migrate
          image: busybox
";

#[test]
fn a_key_the_template_spells_is_found_under_its_parents() {
    assert_eq!(
        at(DEPLOYMENT, "spec.replicas", None),
        (8, "replicas: {{ .Values.replicaCount }}".into(), true)
    );
    // `image` twice: the one under `containers`, not `initContainers`.
    let (line, _, exact) = at(DEPLOYMENT, "spec.template.spec.containers[].image", None);
    assert_eq!((line, exact), (15, true));
    let (line, _, exact) = at(
        DEPLOYMENT,
        "spec.template.spec.initContainers[].image",
        None,
    );
    assert_eq!((line, exact), (21, true));
    let (line, text, exact) = at(
        DEPLOYMENT,
        "spec.template.spec.containers[].ports[].containerPort",
        None,
    );
    assert_eq!(
        (line, text.as_str(), exact),
        (18, "containerPort: 8080", true)
    );
}

#[test]
fn a_key_that_comes_from_values_is_placed_at_its_nearest_spelled_parent_approximately() {
    assert_eq!(
        at(
            DEPLOYMENT,
            "spec.strategy.rollingUpdate.maxUnavailable",
            None
        ),
        (9, "strategy:".into(), false)
    );
    // Not even the top key is spelled: the `kind` line.
    assert_eq!(
        at(DEPLOYMENT, "status.conditions", None),
        (2, "kind: Deployment".into(), false)
    );
}

#[test]
fn the_section_of_the_rendered_kind_is_searched_first() {
    let template = "apiVersion: v1\nkind: Service\nspec:\n  replicas: 1\n---\napiVersion: apps/v1\nkind: Deployment\nspec:\n  replicas: 3\n";
    assert_eq!(at(template, "spec.replicas", Some("Deployment")).0, 9);
    assert_eq!(at(template, "spec.replicas", Some("Service")).0, 4);
}

#[test]
fn quoted_keys_and_item_markers_are_read() {
    let template =
        "spec:\n  - \"name\": x\n  - - value: 1\ncontainers:\n- name: a\n  image: b\n- name: c\n";
    assert_eq!(
        at(template, "spec[].name", None),
        (2, "\"name\": x".into(), true)
    );
    assert_eq!(
        at(template, "spec[].value", None),
        (3, "value: 1".into(), true)
    );
    // Items at the column of the key that holds them.
    assert_eq!(
        at(template, "containers[].image", None),
        (6, "image: b".into(), true)
    );
}

#[test]
fn a_stream_splits_into_documents_with_their_sources() {
    let stream = "---\n# Source: web/templates/service.yaml\napiVersion: v1\nkind: Service\n---\n# Source: web/templates/empty.yaml\n---\n# Source: web/templates/deployment.yaml\nkind: Deployment\n--- # trailing\nkind: ConfigMap\n";
    let docs = split_sources(stream);
    let sources: Vec<Option<&str>> = docs.iter().map(|d| d.source.as_deref()).collect();
    assert_eq!(
        sources,
        [
            Some("web/templates/service.yaml"),
            Some("web/templates/deployment.yaml"),
            None
        ]
    );
    assert_eq!(
        docs[0].text,
        "# Source: web/templates/service.yaml\napiVersion: v1\nkind: Service\n"
    );
    assert_eq!(kind_of(&docs[1].text), Some("Deployment"));
}

#[test]
fn of_two_branches_the_one_that_rendered_the_value_is_chosen() {
    let template = "{{- if .Capabilities.APIVersions.Has \"apiregistration.k8s.io/v1\" }}\napiVersion: apiregistration.k8s.io/v1\n{{- else }}\napiVersion: apiregistration.k8s.io/v1beta1\n{{- end }}\nkind: APIService\n";
    let line = |value| {
        let located = locate_key_valued(template, "apiVersion", Some("APIService"), value);
        template[..located.bytes.start].matches('\n').count() + 1
    };
    assert_eq!(line(Some("apiregistration.k8s.io/v1beta1")), 4);
    assert_eq!(line(Some("apiregistration.k8s.io/v1")), 2);
    assert_eq!(line(None), 2);
}

#[test]
fn of_two_branches_the_one_whose_shape_fits_the_rendered_value_is_chosen() {
    let template = "spec:\n  containers:\n    - name: web\n      {{- if .Values.image.digest }}\n      image: \"{{ $registry }}/{{ $repository }}@sha256:{{ $digest }}\"\n      {{- else }}\n      image: \"{{ $registry }}/{{ $repository }}:{{ $tag }}\"\n      {{- end }}\n";
    let line = |value| {
        let located = locate_key_valued(template, "spec.containers[].image", None, Some(value));
        template[..located.bytes.start].matches('\n').count() + 1
    };
    assert_eq!(line("quay.io/prometheus/webhook:v0.8.0"), 7);
    assert_eq!(line("quay.io/prometheus/webhook@sha256:4d99"), 5);
    assert_eq!(value_fit("{{ a }}", "x"), 1);
    assert_eq!(value_fit("v{{ a }}-x", "v1-y"), 0);
}
