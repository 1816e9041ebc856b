package io.github.imagepullwebhook.policy;

/**
 * One change a rule made, kept beside the mutated tree so that warnings, audit annotations and
 * logs can say why each patch operation exists.
 *
 * @param field    Kubernetes-style path of the changed field
 * @param oldValue the value before, empty when the field was absent
 * @param newValue the value after
 * @param rule     which rule made it
 * @param why      a short human explanation
 */
public record Change(String field, String oldValue, String newValue, String rule, String why) {
}
