package io.github.imagepullwebhook.audit;

import io.github.imagepullwebhook.policy.GroupKind;
import java.util.List;

/**
 * One kind of object the audit lists: its API group, kind and resource name, and the versions
 * to ask for, in order (the first one the API server serves is used).
 *
 * @param group    API group; empty for the core group
 * @param kind     e.g. {@code Deployment}
 * @param plural   the resource, e.g. {@code deployments}
 * @param versions versions to try, newest first
 */
public record AuditedKind(String group, String kind, String plural, List<String> versions) {

    /**
     * Every kind with a pod spec the webhook reviews, owners before what they own, so a report
     * reads top down. The pre-1.22 {@code EphemeralContainers} shape is no stored object (it is
     * how the {@code ephemeralcontainers} subresource was sent), so there is nothing to list.
     * CronJob is {@code batch/v1} from Kubernetes 1.21; 1.20 serves only {@code batch/v1beta1}.
     */
    public static final List<AuditedKind> ALL = List.of(
            new AuditedKind("apps", "Deployment", "deployments", List.of("v1")),
            new AuditedKind("apps", "StatefulSet", "statefulsets", List.of("v1")),
            new AuditedKind("apps", "DaemonSet", "daemonsets", List.of("v1")),
            new AuditedKind("batch", "CronJob", "cronjobs", List.of("v1", "v1beta1")),
            new AuditedKind("batch", "Job", "jobs", List.of("v1")),
            new AuditedKind("apps", "ReplicaSet", "replicasets", List.of("v1")),
            new AuditedKind("", "ReplicationController", "replicationcontrollers", List.of("v1")),
            new AuditedKind("", "PodTemplate", "podtemplates", List.of("v1")),
            new AuditedKind("", "Pod", "pods", List.of("v1")));

    public AuditedKind {
        versions = List.copyOf(versions);
    }

    public GroupKind groupKind() {
        return new GroupKind(group, kind);
    }

    /** The apiVersion of {@code version} in this group, e.g. {@code apps/v1} or {@code v1}. */
    public String apiVersion(String version) {
        return group.isEmpty() ? version : group + "/" + version;
    }

    /** The resource as RBAC rules and kubectl name it, e.g. {@code deployments.apps}. */
    public String resource() {
        return group.isEmpty() ? plural : plural + "." + group;
    }
}
