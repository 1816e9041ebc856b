package io.github.imagepullwebhook.policy;

/**
 * One change a rule decides: the field, the value it replaces, the value it sets, and why. The
 * rules return these and write nothing; the JSON patch, the kubectl warnings, the audit
 * annotations and {@code mutate}'s text edits are all rendered from them.
 *
 * @param field    Kubernetes-style path of the field, e.g. {@code spec.containers[0].imagePullPolicy}
 * @param pointer  the same field as a JSON pointer, e.g. {@code /spec/containers/0/imagePullPolicy}
 * @param oldValue the value it replaces; {@code null} when the field is absent
 * @param newValue the value it sets
 * @param rule     which rule decided it
 * @param why      a short human explanation
 */
public record Change(String field, String pointer, String oldValue, String newValue, String rule, String why) {

    /** Whether the field exists already: the patch then replaces it, else adds it. */
    public boolean replaces() {
        return oldValue != null;
    }
}
