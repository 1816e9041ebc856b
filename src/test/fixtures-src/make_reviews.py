#!/usr/bin/env python3
"""Writes src/test/resources/reviews/<case>/{request,expected}.json.

Requests are shaped like what kube-apiserver sends (defaulted fields, managedFields, userInfo,
options, fields this webhook does not know). Expected patches are written by hand from the
Kubernetes rules in ../shared/design/semantics.md, never produced by the code under test.
Run from the repository root: python3 src/test/fixtures-src/make_reviews.py
"""
import copy, json, os

OUT = "src/test/resources/reviews"
DIGEST = "sha256:" + "0123456789abcdef" * 4


def container(name, image, policy="IfNotPresent", **extra):
    c = {"name": name, "image": image, "resources": {}, "terminationMessagePath": "/dev/termination-log",
         "terminationMessagePolicy": "File", "x-future-container-field": {"kept": True}}
    if policy is not None:
        c["imagePullPolicy"] = policy
    c.update(extra)
    return c


def pod_spec(containers, init=None, ephemeral=None, volumes=None):
    spec = {"containers": containers, "restartPolicy": "Always", "terminationGracePeriodSeconds": 30,
            "dnsPolicy": "ClusterFirst", "serviceAccountName": "default", "securityContext": {},
            "schedulerName": "default-scheduler", "enableServiceLinks": True, "preemptionPolicy": "PreemptLowerPriority",
            "futureSpecField": ["unknown", 1, None]}
    if init is not None:
        spec["initContainers"] = init
    if ephemeral is not None:
        spec["ephemeralContainers"] = ephemeral
    if volumes is not None:
        spec["volumes"] = volumes
    return spec


def metadata(name, ns="team-a", **extra):
    m = {"name": name, "namespace": ns, "uid": "1f6c8b52-0c2e-4b43-9a8e-5b7c2d9e0a11",
         "creationTimestamp": None, "labels": {"app": name},
         "managedFields": [{"manager": "kubectl-client-side-apply", "operation": "Update", "apiVersion": "v1",
                            "time": "2026-11-23T08:00:00Z", "fieldsType": "FieldsV1",
                            "fieldsV1": {"f:metadata": {"f:labels": {".": {}, "f:app": {}}}}}]}
    m.update(extra)
    return m


def template(spec):
    return {"metadata": {"labels": {"app": "web"}, "creationTimestamp": None}, "spec": spec}


KINDS = {
    # kind: (group, version, resource, builder(spec) -> object, pointer prefix of the pod spec)
    "Pod": ("", "v1", "pods", lambda s: {"apiVersion": "v1", "kind": "Pod", "metadata": metadata("web"), "spec": s,
                                          "status": {"phase": "Pending", "qosClass": "BestEffort"}}, "/spec"),
    "Deployment": ("apps", "v1", "deployments", lambda s: {"apiVersion": "apps/v1", "kind": "Deployment",
        "metadata": metadata("web"), "spec": {"replicas": 2, "selector": {"matchLabels": {"app": "web"}},
        "template": template(s), "strategy": {"type": "RollingUpdate"}, "revisionHistoryLimit": 10}, "status": {}},
        "/spec/template/spec"),
    "StatefulSet": ("apps", "v1", "statefulsets", lambda s: {"apiVersion": "apps/v1", "kind": "StatefulSet",
        "metadata": metadata("db"), "spec": {"serviceName": "db", "selector": {"matchLabels": {"app": "web"}},
        "template": template(s), "volumeClaimTemplates": [], "podManagementPolicy": "OrderedReady"}},
        "/spec/template/spec"),
    "DaemonSet": ("apps", "v1", "daemonsets", lambda s: {"apiVersion": "apps/v1", "kind": "DaemonSet",
        "metadata": metadata("agent"), "spec": {"selector": {"matchLabels": {"app": "web"}},
        "template": template(s), "updateStrategy": {"type": "RollingUpdate"}}}, "/spec/template/spec"),
    "ReplicaSet": ("apps", "v1", "replicasets", lambda s: {"apiVersion": "apps/v1", "kind": "ReplicaSet",
        "metadata": metadata("web-5d4f"), "spec": {"replicas": 1, "selector": {"matchLabels": {"app": "web"}},
        "template": template(s)}}, "/spec/template/spec"),
    "ReplicationController": ("", "v1", "replicationcontrollers", lambda s: {"apiVersion": "v1",
        "kind": "ReplicationController", "metadata": metadata("legacy"), "spec": {"replicas": 1,
        "selector": {"app": "web"}, "template": template(s)}}, "/spec/template/spec"),
    "Job": ("batch", "v1", "jobs", lambda s: {"apiVersion": "batch/v1", "kind": "Job", "metadata": metadata("migrate"),
        "spec": {"backoffLimit": 6, "completionMode": "NonIndexed", "template": template(s)}}, "/spec/template/spec"),
    "CronJob": ("batch", "v1", "cronjobs", lambda s: {"apiVersion": "batch/v1", "kind": "CronJob",
        "metadata": metadata("nightly"), "spec": {"schedule": "0 3 * * *", "concurrencyPolicy": "Allow",
        "jobTemplate": {"metadata": {"creationTimestamp": None}, "spec": {"template": template(s)}}}},
        "/spec/jobTemplate/spec/template/spec"),
    "PodTemplate": ("", "v1", "podtemplates", lambda s: {"apiVersion": "v1", "kind": "PodTemplate",
        "metadata": metadata("tpl"), "template": template(s)}, "/template/spec"),
}


def review(kind, obj, operation="CREATE", old=None, version="admission.k8s.io/v1", sub=None, ns="team-a"):
    group, ver, resource, _, _ = KINDS.get(kind, ("example.com", "v1", kind.lower() + "s", None, None))
    req = {"uid": "705ab4f5-6393-11e8-b7cc-42010a800002",
           "kind": {"group": group, "version": ver, "kind": kind},
           "resource": {"group": group, "version": ver, "resource": resource},
           "requestKind": {"group": group, "version": ver, "kind": kind},
           "requestResource": {"group": group, "version": ver, "resource": resource},
           "name": (obj or old or {}).get("metadata", {}).get("name", ""), "namespace": ns,
           "operation": operation,
           "userInfo": {"username": "alice", "uid": "u-1", "groups": ["system:authenticated"]},
           "object": obj, "oldObject": old, "dryRun": False,
           "options": {"apiVersion": "meta.k8s.io/v1", "kind": "CreateOptions" if operation == "CREATE" else "UpdateOptions"},
           "futureRequestField": "ignored"}
    if sub:
        req["subResource"] = sub
        req["requestSubResource"] = sub
    return {"kind": "AdmissionReview", "apiVersion": version, "request": req}


def write(case, request, expected):
    d = os.path.join(OUT, case)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, "request.json"), "w") as f:
        json.dump(request, f, indent=2)
        f.write("\n")
    with open(os.path.join(d, "expected.json"), "w") as f:
        json.dump(expected, f, indent=2)
        f.write("\n")


ENFORCE = {"defaultPullPolicy": True, "alwaysPull": True}
ENFORCE_WORKLOADS = {"defaultPullPolicy": True, "alwaysPull": True, "alwaysPullScope": "workloads"}
DEFAULT_ONLY = {"defaultPullPolicy": True, "alwaysPull": False}


def full_spec():
    return pod_spec([container("app", "registry.example.com/team/app:1.4.2"),
                     container("sidecar", "envoyproxy/envoy:v1.31.0", policy="Always")],
                    init=[container("migrate", "registry.example.com/team/migrate:1.4.2", policy="Never")])


def ops(prefix, items):
    return [{"op": "replace" if old else "add", "path": prefix + p, "value": v} for p, v, old in items]


FULL = [("/initContainers/0/imagePullPolicy", "Always", True), ("/containers/0/imagePullPolicy", "Always", True)]
FULL_WARNING = ("image-pull-webhook: {p}.initContainers[0].imagePullPolicy, {p}.containers[0].imagePullPolicy "
                "set to Always (images are always pulled in this namespace)")

# 1. Every kind, enforced, as the apiserver sends it (policies already defaulted); templates
#    only with alwaysPullScope: workloads.
for kind, (_, _, _, build, prefix) in KINDS.items():
    dotted = prefix[1:].replace("/", ".")
    write("enforce-" + kind.lower(), review(kind, build(full_spec())),
          {"profile": ENFORCE if kind == "Pod" else ENFORCE_WORKLOADS, "mode": "mutate", "reason": "PATCHED",
           "allowed": True, "patch": ops(prefix, FULL), "warnings": [FULL_WARNING.format(p=dotted)]})
# With the default scope (pods), templates are left as written and not validated: every pod
# their controllers create is enforced instead.
write("enforce-deployment-scope-pods", review("Deployment", KINDS["Deployment"][3](full_spec())),
      {"profile": ENFORCE, "mode": "mutate", "reason": "NO_CHANGE", "allowed": True, "patch": None, "warnings": []})
write("validate-deployment-scope-pods", review("Deployment", KINDS["Deployment"][3](full_spec())),
      {"profile": ENFORCE, "mode": "validate", "reason": "VALIDATED", "allowed": True, "patch": None, "warnings": []})

# 2. Same, as v1beta1: answered in v1beta1.
write("enforce-pod-v1beta1", review("Pod", KINDS["Pod"][3](full_spec()), version="admission.k8s.io/v1beta1"),
      {"profile": ENFORCE, "mode": "mutate", "reason": "PATCHED", "allowed": True, "apiVersion": "admission.k8s.io/v1beta1",
       "patch": ops("/spec", FULL), "warnings": [FULL_WARNING.format(p="spec")]})

# 3. Undefaulted objects (tools, not the apiserver): defaulting profile fills every kind of site.
undefaulted = pod_spec([container("a", "nginx", policy=None), container("b", "nginx:1.25", policy=None),
                        container("c", "nginx:latest@" + DIGEST, policy=None), container("d", "nginx@" + DIGEST, policy=None),
                        container("e", "host:5000/tools", policy=None), container("f", "host:5000/tools:v1", policy=None),
                        container("g", "nginx", policy="")],
                       init=[container("i", "busybox:1.36", policy=None)],
                       ephemeral=[container("debugger", "busybox", policy=None, targetContainerName="a")],
                       volumes=[{"name": "models", "image": {"reference": "quay.io/m/weights:latest"}},
                                {"name": "data", "image": {"reference": "quay.io/m/data:v3"}},
                                {"name": "cfg", "configMap": {"name": "cfg"}}])
write("default-undefaulted-pod", review("Pod", KINDS["Pod"][3](undefaulted)),
      {"profile": DEFAULT_ONLY, "mode": "mutate", "reason": "PATCHED", "allowed": True,
       "patch": ops("/spec", [("/initContainers/0/imagePullPolicy", "IfNotPresent", False),
                              ("/containers/0/imagePullPolicy", "Always", False),
                              ("/containers/1/imagePullPolicy", "IfNotPresent", False),
                              ("/containers/2/imagePullPolicy", "Always", False),
                              ("/containers/3/imagePullPolicy", "IfNotPresent", False),
                              ("/containers/4/imagePullPolicy", "Always", False),
                              ("/containers/5/imagePullPolicy", "IfNotPresent", False),
                              ("/containers/6/imagePullPolicy", "Always", True),
                              ("/ephemeralContainers/0/imagePullPolicy", "Always", False),
                              ("/volumes/0/image/pullPolicy", "Always", False),
                              ("/volumes/1/image/pullPolicy", "IfNotPresent", False)]),
       "warnings": ["image-pull-webhook: spec.initContainers[0].imagePullPolicy, spec.containers[1].imagePullPolicy, "
                    "spec.containers[3].imagePullPolicy, spec.containers[5].imagePullPolicy and 1 more "
                    "set to IfNotPresent (default for a pinned tag or digest)",
                    "image-pull-webhook: spec.containers[0].imagePullPolicy, spec.containers[2].imagePullPolicy, "
                    "spec.containers[4].imagePullPolicy, spec.containers[6].imagePullPolicy and 2 more set to Always "
                    "(default for tag latest)"]})

# 4. Real apiserver object, default-only profile: nothing to do.
write("default-defaulted-deployment", review("Deployment", KINDS["Deployment"][3](full_spec())),
      {"profile": DEFAULT_ONLY, "mode": "mutate", "reason": "NO_CHANGE", "allowed": True, "patch": None, "warnings": []})

# 5. Enforcement with ephemeral containers and image volumes at creation.
eph = pod_spec([container("app", "app:2")], ephemeral=[container("dbg", "busybox:1.36")],
               volumes=[{"name": "m", "image": {"reference": "quay.io/m/w:v1", "pullPolicy": "IfNotPresent"}}])
write("enforce-pod-ephemeral-and-image-volume", review("Pod", KINDS["Pod"][3](eph)),
      {"profile": ENFORCE, "mode": "mutate", "reason": "PATCHED", "allowed": True,
       "patch": ops("/spec", [("/containers/0/imagePullPolicy", "Always", True),
                              ("/ephemeralContainers/0/imagePullPolicy", "Always", True),
                              ("/volumes/0/image/pullPolicy", "Always", True)]),
       "warnings": ["image-pull-webhook: spec.containers[0].imagePullPolicy, spec.ephemeralContainers[0].imagePullPolicy, "
                    "spec.volumes[0].image.pullPolicy set to Always (images are always pulled in this namespace)"]})

# 6. UPDATE: label edit on an old IfNotPresent pod (same images, reordered) is left alone.
old = KINDS["Pod"][3](full_spec())
new = copy.deepcopy(old)
new["metadata"]["labels"]["tier"] = "frontend"
new["spec"]["containers"].reverse()
write("enforce-update-label-edit", review("Pod", new, "UPDATE", old),
      {"profile": ENFORCE, "mode": "mutate", "reason": "SKIPPED_NO_IMAGE_CHANGE", "allowed": True, "patch": None, "warnings": []})
write("validate-update-label-edit", review("Pod", new, "UPDATE", old),
      {"profile": ENFORCE, "mode": "validate", "reason": "SKIPPED_NO_IMAGE_CHANGE", "allowed": True, "patch": None, "warnings": []})
# ... and so is any other update that changes no image: tolerations, activeDeadlineSeconds, annotations.
new = copy.deepcopy(old)
new["metadata"]["annotations"] = {"note": "drained"}
new["spec"]["tolerations"] = [{"key": "node.kubernetes.io/unreachable", "operator": "Exists", "effect": "NoExecute",
                               "tolerationSeconds": 300}]
new["spec"]["activeDeadlineSeconds"] = 600
for mode in ["mutate", "validate"]:
    write(mode.replace("mutate", "enforce") + "-update-no-image-change", review("Pod", new, "UPDATE", old),
          {"profile": ENFORCE, "mode": mode, "reason": "SKIPPED_NO_IMAGE_CHANGE", "allowed": True, "patch": None,
           "warnings": []})

# 7. UPDATE decided per container, matched by name: a changed image on a container that already
#    pulls Always needs nothing; the other containers keep their images and are left alone.
new = copy.deepcopy(old)
new["spec"]["containers"][1]["image"] = "envoyproxy/envoy:v1.32.0"
write("enforce-update-changed-image-always", review("Pod", new, "UPDATE", old),
      {"profile": ENFORCE, "mode": "mutate", "reason": "NO_CHANGE", "allowed": True, "patch": None, "warnings": []})
write("validate-update-changed-image-always", review("Pod", new, "UPDATE", old),
      {"profile": ENFORCE, "mode": "validate", "reason": "VALIDATED", "allowed": True, "patch": None, "warnings": []})
# Image swap: the IfNotPresent container now runs the image only the Always container had. The
# set rule saw no new image; per container it is a changed image whose pull policy an existing
# pod cannot change, so both steps refuse it and say what to do.
new = copy.deepcopy(old)
a, b = new["spec"]["containers"][0], new["spec"]["containers"][1]
a["image"], b["image"] = b["image"], a["image"]
SWAP_DENIED = ('Pod "web" is forbidden: images must always be pulled in namespace "team-a": '
               'spec.containers[0].imagePullPolicy: Forbidden: the image of container "app" changed, and the pull '
               'policy of an existing pod\'s container cannot change from "IfNotPresent" to "Always"; delete the pod '
               'and create it again (or let its controller replace it)')
for mode in ["mutate", "validate"]:
    write(mode.replace("mutate", "enforce") + "-update-image-swap", review("Pod", new, "UPDATE", old),
          {"profile": ENFORCE, "mode": mode, "reason": "DENIED_PULL_POLICY", "allowed": False, "patch": None,
           "warnings": [], "code": 403, "message": SWAP_DENIED})
# The same swap in a template: the policy may change there, so mutate sets it on the changed container.
old_dep = KINDS["Deployment"][3](full_spec())
new_dep = copy.deepcopy(old_dep)
a, b = new_dep["spec"]["template"]["spec"]["containers"]
a["image"], b["image"] = b["image"], a["image"]
write("enforce-update-deployment-image-swap", review("Deployment", new_dep, "UPDATE", old_dep),
      {"profile": ENFORCE_WORKLOADS, "mode": "mutate", "reason": "PATCHED", "allowed": True,
       "patch": ops("/spec/template/spec", [("/containers/0/imagePullPolicy", "Always", True)]),
       "warnings": ["image-pull-webhook: spec.template.spec.containers[0].imagePullPolicy set to Always "
                    "(images are always pulled in this namespace)"]})
write("validate-update-deployment-image-swap", review("Deployment", new_dep, "UPDATE", old_dep),
      {"profile": ENFORCE_WORKLOADS, "mode": "validate", "reason": "DENIED_PULL_POLICY", "allowed": False, "patch": None,
       "warnings": [], "code": 403,
       "message": 'Deployment.apps "web" is forbidden: images must always be pulled in namespace "team-a": '
                  'spec.template.spec.containers[0].imagePullPolicy: Unsupported value: "IfNotPresent": '
                  'supported values: "Always"'})

# 8. kubectl debug: ephemeralcontainers subresource; only the new ephemeral container changes.
old = KINDS["Pod"][3](pod_spec([container("app", "app:2")], ephemeral=[container("dbg-old", "busybox:1.35")]))
new = copy.deepcopy(old)
new["spec"]["ephemeralContainers"].append(container("debugger-x7k", "busybox:1.36", targetContainerName="app"))
DEBUG_WARNING = ("image-pull-webhook: spec.ephemeralContainers[1].imagePullPolicy set to Always "
                 "(images are always pulled in this namespace)")
write("enforce-kubectl-debug", review("Pod", new, "UPDATE", old, sub="ephemeralcontainers"),
      {"profile": ENFORCE, "mode": "mutate", "reason": "PATCHED", "allowed": True,
       "patch": ops("/spec", [("/ephemeralContainers/1/imagePullPolicy", "Always", True)]),
       "warnings": [DEBUG_WARNING]})
# kubectl debug with an image the pod already runs (say, a regular container whose pull fails
# under Always): a new container all the same, enforced. The set rule let it through.
reuse = copy.deepcopy(old)
reuse["spec"]["ephemeralContainers"].append(container("debugger-y", "app:2"))
write("enforce-kubectl-debug-known-image", review("Pod", reuse, "UPDATE", old, sub="ephemeralcontainers"),
      {"profile": ENFORCE, "mode": "mutate", "reason": "PATCHED", "allowed": True,
       "patch": ops("/spec", [("/ephemeralContainers/1/imagePullPolicy", "Always", True)]),
       "warnings": [DEBUG_WARNING]})
write("validate-kubectl-debug-known-image", review("Pod", reuse, "UPDATE", old, sub="ephemeralcontainers"),
      {"profile": ENFORCE, "mode": "validate", "reason": "DENIED_PULL_POLICY", "allowed": False, "patch": None,
       "warnings": [], "code": 403,
       "message": 'Pod "web" is forbidden: images must always be pulled in namespace "team-a": '
                  'spec.ephemeralContainers[1].imagePullPolicy: Unsupported value: "IfNotPresent": '
                  'supported values: "Always"'})
# The subresource before Kubernetes 1.22: request.kind and the object are EphemeralContainers,
# whose list sits at the object's root.
def ephemeral_containers(pod):
    return {"apiVersion": "v1", "kind": "EphemeralContainers", "metadata": copy.deepcopy(pod["metadata"]),
            "ephemeralContainers": copy.deepcopy(pod["spec"]["ephemeralContainers"])}
r = review("Pod", ephemeral_containers(reuse), "UPDATE", ephemeral_containers(old), sub="ephemeralcontainers")
r["request"]["kind"] = r["request"]["requestKind"] = {"group": "", "version": "v1", "kind": "EphemeralContainers"}
write("enforce-kubectl-debug-ephemeralcontainers-kind", r,
      {"profile": ENFORCE, "mode": "mutate", "reason": "PATCHED", "allowed": True,
       "patch": [{"op": "replace", "path": "/ephemeralContainers/1/imagePullPolicy", "value": "Always"}],
       "warnings": ["image-pull-webhook: ephemeralContainers[1].imagePullPolicy set to Always "
                    "(images are always pulled in this namespace)"]})
write("validate-kubectl-debug-ephemeralcontainers-kind", r,
      {"profile": ENFORCE, "mode": "validate", "reason": "DENIED_PULL_POLICY", "allowed": False, "patch": None,
       "warnings": [], "code": 403,
       "message": 'EphemeralContainers "web" is forbidden: images must always be pulled in namespace "team-a": '
                  'ephemeralContainers[1].imagePullPolicy: Unsupported value: "IfNotPresent": '
                  'supported values: "Always"'})

# 9. Other subresources, operations and kinds are ignored.
pod = KINDS["Pod"][3](full_spec())
for sub in ["status", "binding", "exec"]:
    write("skip-subresource-" + sub, review("Pod", pod, "UPDATE" if sub == "status" else "CREATE", pod if sub == "status" else None, sub=sub),
          {"profile": ENFORCE, "mode": "mutate", "reason": "SKIPPED_SUBRESOURCE", "allowed": True, "patch": None, "warnings": []})
write("skip-delete", review("Pod", None, "DELETE", pod),
      {"profile": ENFORCE, "mode": "mutate", "reason": "SKIPPED_OPERATION", "allowed": True, "patch": None, "warnings": []})
write("skip-connect", dict(review("Pod", {"kind": "PodExecOptions", "apiVersion": "v1", "command": ["sh"]}, "CONNECT", sub="exec")),
      {"profile": ENFORCE, "mode": "mutate", "reason": "SKIPPED_OPERATION", "allowed": True, "patch": None, "warnings": []})
write("skip-configmap", review("ConfigMap", {"apiVersion": "v1", "kind": "ConfigMap", "metadata": metadata("c"),
                                             "data": {"image": "nginx"}}),
      {"profile": ENFORCE, "mode": "mutate", "reason": "SKIPPED_KIND", "allowed": True, "patch": None, "warnings": []})
crd = KINDS["Deployment"][3](full_spec())
crd["apiVersion"] = "example.com/v1"
r = review("Deployment", crd)
r["request"]["kind"]["group"] = "example.com"
write("skip-deployment-of-another-group", r,
      {"profile": ENFORCE, "mode": "mutate", "reason": "SKIPPED_KIND", "allowed": True, "patch": None, "warnings": []})
write("skip-ignored-namespace", review("Pod", KINDS["Pod"][3](full_spec()), ns="kube-system"),
      {"profile": ENFORCE, "mode": "mutate", "reason": "SKIPPED_NAMESPACE", "allowed": True, "patch": None, "warnings": []})

# 10. Validate: deny with every offending path; allow when all Always.
write("validate-deny-cronjob", review("CronJob", KINDS["CronJob"][3](full_spec())),
      {"profile": ENFORCE_WORKLOADS, "mode": "validate", "reason": "DENIED_PULL_POLICY", "allowed": False, "patch": None,
       "warnings": [], "code": 403,
       "message": 'CronJob.batch "nightly" is forbidden: images must always be pulled in namespace "team-a": '
                  'spec.jobTemplate.spec.template.spec.initContainers[0].imagePullPolicy: Unsupported value: "Never": '
                  'supported values: "Always", spec.jobTemplate.spec.template.spec.containers[0].imagePullPolicy: '
                  'Unsupported value: "IfNotPresent": supported values: "Always"'})
allgood = pod_spec([container("a", "app:1", policy="Always")], init=[container("i", "init:1", policy="Always")])
write("validate-allow-pod", review("Pod", KINDS["Pod"][3](allgood)),
      {"profile": ENFORCE, "mode": "validate", "reason": "VALIDATED", "allowed": True, "patch": None, "warnings": []})
write("validate-not-enforced-profile", review("Pod", KINDS["Pod"][3](full_spec())),
      {"profile": DEFAULT_ONLY, "mode": "validate", "reason": "VALIDATED", "allowed": True, "patch": None, "warnings": []})

# 11. Bad content inside a well-formed review: answered, never dropped.
bad = review("Pod", None)
bad["request"]["object"] = "not an object"
write("invalid-object-not-an-object", bad,
      {"profile": ENFORCE, "mode": "mutate", "reason": "INVALID_OBJECT", "allowed": False, "patch": None, "warnings": [],
       "code": 400, "message": "request.object of CREATE Pod must be a JSON object"})
huge = "a" * 10000
weird = pod_spec([container("a", huge, policy=None), {"name": "noimage"}, container("c", "UPPER/Case:1", policy=None)])
write("default-unparsable-images", review("Pod", KINDS["Pod"][3](weird)),
      {"profile": DEFAULT_ONLY, "mode": "mutate", "reason": "PATCHED", "allowed": True,
       "patch": ops("/spec", [("/containers/0/imagePullPolicy", "IfNotPresent", False),
                              ("/containers/1/imagePullPolicy", "IfNotPresent", False),
                              ("/containers/2/imagePullPolicy", "IfNotPresent", False)]),
       "warnings": ['image-pull-webhook: spec.containers[0].image "' + "a" * 60 + '"... (10000 characters) is not a valid '
                    'image reference (repository name must not be more than 255 characters); the kubelet will refuse it',
                    "image-pull-webhook: spec.containers[1].image is missing",
                    'image-pull-webhook: spec.containers[2].image "UPPER/Case:1" is not a valid image reference '
                    '(invalid reference format: repository name must be lowercase); the kubelet will refuse it',
                    "image-pull-webhook: spec.containers[0].imagePullPolicy, spec.containers[1].imagePullPolicy, "
                    "spec.containers[2].imagePullPolicy set to IfNotPresent (default; image has no parsable tag)"]})
# 12. warnLatest: a warning per container that runs latest, named or by omission; a digest
#     fixes the bytes, so latest@sha256 is not warned about.
latest = pod_spec([container("a", "nginx", policy="Always"), container("b", "nginx:latest", policy="Always"),
                   container("c", "nginx:latest@" + DIGEST, policy="Always"), container("d", "nginx:1.27")])
write("warn-latest-pod", review("Pod", KINDS["Pod"][3](latest)),
      {"profile": {"defaultPullPolicy": True, "warnLatest": True}, "mode": "mutate", "reason": "NO_CHANGE",
       "allowed": True, "patch": None,
       "warnings": ['image-pull-webhook: spec.containers[0].image "nginx" has no tag, so it uses latest, which moves: '
                    'name a version (or a digest) in production',
                    'image-pull-webhook: spec.containers[1].image "nginx:latest" uses the tag latest, which moves: '
                    'name a version (or a digest) in production']})
# 13. Exemptions: a repository an alwaysPull exemption names keeps its policy (and is not
#     validated), the others are enforced; the audit log names each exempt site.
EXEMPT = {"defaultPullPolicy": True, "alwaysPull": True, "alwaysPullExempt": ["docker.io/library", "registry.k8s.io"]}
exempt = pod_spec([container("web", "nginx:1.27"), container("app", "registry.example.com/team/app:1.4.2"),
                   container("lookalike", "registry.k8s.io.evil.example/pause:3.9")],
                  init=[container("pause", "registry.k8s.io/pause:3.9", policy="Never")])
write("enforce-pod-exempt", review("Pod", KINDS["Pod"][3](exempt)),
      {"profile": EXEMPT, "mode": "mutate", "reason": "PATCHED", "allowed": True,
       "patch": ops("/spec", [("/containers/1/imagePullPolicy", "Always", True),
                              ("/containers/2/imagePullPolicy", "Always", True)]),
       "warnings": ["image-pull-webhook: spec.containers[1].imagePullPolicy, spec.containers[2].imagePullPolicy "
                    "set to Always (images are always pulled in this namespace)"],
       "auditAnnotations": {"exempt": "spec.initContainers[0] from alwaysPull (registry.k8s.io), "
                                      "spec.containers[0] from alwaysPull (docker.io/library)"}})
write("validate-pod-exempt", review("Pod", KINDS["Pod"][3](exempt)),
      {"profile": EXEMPT, "mode": "validate", "reason": "DENIED_PULL_POLICY", "allowed": False, "patch": None,
       "warnings": [], "code": 403,
       "message": 'Pod "web" is forbidden: images must always be pulled in namespace "team-a": '
                  'spec.containers[1].imagePullPolicy: Unsupported value: "IfNotPresent": supported values: "Always", '
                  'spec.containers[2].imagePullPolicy: Unsupported value: "IfNotPresent": supported values: "Always"'})
print("fixtures written")
