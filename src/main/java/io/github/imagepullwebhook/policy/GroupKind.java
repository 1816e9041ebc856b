package io.github.imagepullwebhook.policy;

/** An API group and kind, e.g. {@code apps}/{@code Deployment}; the core group is empty. */
public record GroupKind(String group, String kind) {

    public GroupKind {
        group = group == null ? "" : group;
        kind = kind == null ? "" : kind;
    }

    /** Reads {@code apps/v1} or {@code v1} style apiVersion strings. */
    public static GroupKind ofApiVersion(String apiVersion, String kind) {
        String version = apiVersion == null ? "" : apiVersion;
        int slash = version.indexOf('/');
        return new GroupKind(slash < 0 ? "" : version.substring(0, slash), kind);
    }

    @Override
    public String toString() {
        return group.isEmpty() ? kind : kind + "." + group;
    }
}
