package io.github.imagepullwebhook.policy;

import java.util.List;

/**
 * What one pass of the rules did to an object.
 *
 * @param changes  every field changed, with its rule and reason
 * @param warnings problems worth telling the user that did not stop the review
 */
public record PolicyResult(List<Change> changes, List<String> warnings) {

    public PolicyResult {
        changes = List.copyOf(changes);
        warnings = List.copyOf(warnings);
    }

    public boolean changed() {
        return !changes.isEmpty();
    }
}
