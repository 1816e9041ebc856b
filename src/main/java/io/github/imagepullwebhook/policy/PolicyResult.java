package io.github.imagepullwebhook.policy;

import java.util.Collections;
import java.util.List;

/**
 * What one pass of the rules did to an object. The lists are the caller's, handed over: they
 * are wrapped read-only rather than copied, since a result is made on every review.
 *
 * @param changes  every field changed, with its rule and reason
 * @param warnings problems worth telling the user that did not stop the review
 */
public record PolicyResult(List<Change> changes, List<String> warnings) {

    public PolicyResult {
        // Read-only views, not copies: both lists are built for this result and handed over.
        changes = Collections.unmodifiableList(changes);
        warnings = Collections.unmodifiableList(warnings);
    }

    public boolean changed() {
        return !changes.isEmpty();
    }
}
