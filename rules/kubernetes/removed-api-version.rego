package hindsight.rules.removed_api_version

import rego.v1

import data.hindsight.k8s

# apiVersion -> kind -> [the minor release of Kubernetes 1.x that stopped serving it, what to use instead].
# From the Deprecated API Migration Guide (kubernetes.io/docs/reference/using-api/deprecation-guide/).
removed := {
	"extensions/v1beta1": {
		"Deployment": [16, "apps/v1"],
		"DaemonSet": [16, "apps/v1"],
		"ReplicaSet": [16, "apps/v1"],
		"NetworkPolicy": [16, "networking.k8s.io/v1"],
		"PodSecurityPolicy": [16, "Pod Security Admission (PodSecurityPolicy is gone since 1.25)"],
		"Ingress": [22, "networking.k8s.io/v1"],
	},
	"apps/v1beta1": {
		"Deployment": [16, "apps/v1"],
		"StatefulSet": [16, "apps/v1"],
		"ReplicaSet": [16, "apps/v1"],
	},
	"apps/v1beta2": {
		"Deployment": [16, "apps/v1"],
		"StatefulSet": [16, "apps/v1"],
		"DaemonSet": [16, "apps/v1"],
		"ReplicaSet": [16, "apps/v1"],
	},
	"admissionregistration.k8s.io/v1beta1": {
		"MutatingWebhookConfiguration": [22, "admissionregistration.k8s.io/v1"],
		"ValidatingWebhookConfiguration": [22, "admissionregistration.k8s.io/v1"],
	},
	"apiextensions.k8s.io/v1beta1": {"CustomResourceDefinition": [22, "apiextensions.k8s.io/v1"]},
	"apiregistration.k8s.io/v1beta1": {"APIService": [22, "apiregistration.k8s.io/v1"]},
	"authentication.k8s.io/v1beta1": {"TokenReview": [22, "authentication.k8s.io/v1"]},
	"authorization.k8s.io/v1beta1": {
		"LocalSubjectAccessReview": [22, "authorization.k8s.io/v1"],
		"SelfSubjectAccessReview": [22, "authorization.k8s.io/v1"],
		"SubjectAccessReview": [22, "authorization.k8s.io/v1"],
	},
	"certificates.k8s.io/v1beta1": {"CertificateSigningRequest": [22, "certificates.k8s.io/v1"]},
	"coordination.k8s.io/v1beta1": {"Lease": [22, "coordination.k8s.io/v1"]},
	"networking.k8s.io/v1beta1": {
		"Ingress": [22, "networking.k8s.io/v1"],
		"IngressClass": [22, "networking.k8s.io/v1"],
	},
	"rbac.authorization.k8s.io/v1beta1": {
		"ClusterRole": [22, "rbac.authorization.k8s.io/v1"],
		"ClusterRoleBinding": [22, "rbac.authorization.k8s.io/v1"],
		"Role": [22, "rbac.authorization.k8s.io/v1"],
		"RoleBinding": [22, "rbac.authorization.k8s.io/v1"],
	},
	"scheduling.k8s.io/v1beta1": {"PriorityClass": [22, "scheduling.k8s.io/v1"]},
	"storage.k8s.io/v1beta1": {
		"CSIDriver": [22, "storage.k8s.io/v1"],
		"CSINode": [22, "storage.k8s.io/v1"],
		"StorageClass": [22, "storage.k8s.io/v1"],
		"VolumeAttachment": [22, "storage.k8s.io/v1"],
		"CSIStorageCapacity": [27, "storage.k8s.io/v1"],
	},
	"batch/v1beta1": {"CronJob": [25, "batch/v1"]},
	"discovery.k8s.io/v1beta1": {"EndpointSlice": [25, "discovery.k8s.io/v1"]},
	"events.k8s.io/v1beta1": {"Event": [25, "events.k8s.io/v1"]},
	"autoscaling/v2beta1": {"HorizontalPodAutoscaler": [25, "autoscaling/v2"]},
	"autoscaling/v2beta2": {"HorizontalPodAutoscaler": [26, "autoscaling/v2"]},
	"policy/v1beta1": {
		"PodDisruptionBudget": [25, "policy/v1"],
		"PodSecurityPolicy": [25, "Pod Security Admission (PodSecurityPolicy is gone since 1.25)"],
	},
	"node.k8s.io/v1beta1": {"RuntimeClass": [25, "node.k8s.io/v1"]},
	"flowcontrol.apiserver.k8s.io/v1beta1": {
		"FlowSchema": [26, "flowcontrol.apiserver.k8s.io/v1"],
		"PriorityLevelConfiguration": [26, "flowcontrol.apiserver.k8s.io/v1"],
	},
	"flowcontrol.apiserver.k8s.io/v1beta2": {
		"FlowSchema": [29, "flowcontrol.apiserver.k8s.io/v1"],
		"PriorityLevelConfiguration": [29, "flowcontrol.apiserver.k8s.io/v1"],
	},
	"flowcontrol.apiserver.k8s.io/v1beta3": {
		"FlowSchema": [32, "flowcontrol.apiserver.k8s.io/v1"],
		"PriorityLevelConfiguration": [32, "flowcontrol.apiserver.k8s.io/v1"],
	},
}

# The cluster version the manifests must work on: "1.29", "v1.29" or "1.29.3".
target := object.get(data.hindsight.options, "kubernetes_version", "1.32")

target_minor := to_number(parts[1]) if {
	parts := split(trim_prefix(sprintf("%v", [target]), "v"), ".")
	count(parts) >= 2
	parts[0] == "1"
}

# The objects of the document: itself, or the items of a `kind: List`.
objects contains [[], input] if input.apiVersion

objects contains [["items", i], item] if {
	input.kind == "List"
	some i, item in input.items
	is_object(item)
}

deny contains {"msg": msg, "path": array.concat(path, ["apiVersion"])} if {
	some [path, obj] in objects
	is_string(obj.apiVersion)
	[minor, replacement] := removed[obj.apiVersion][obj.kind]
	target_minor >= minor
	msg := sprintf(
		"`%s` %s `%s` is no longer served since Kubernetes 1.%v (the target is %v): applying it fails; use %s",
		[obj.apiVersion, obj.kind, k8s.name(obj), minor, target, replacement],
	)
}
