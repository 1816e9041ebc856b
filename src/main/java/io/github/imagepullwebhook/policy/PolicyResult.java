package io.github.imagepullwebhook.policy;

import io.github.imagepullwebhook.policy.DigestPinner.Candidate;
import java.util.ArrayList;
import java.util.List;

/**
 * What the rules decided for one object.
 *
 * @param changes    every field to change, with its rule and reason, in visiting order
 * @param warnings   problems worth telling the user that did not stop the review
 * @param exemptions sites a rule left alone because a profile's exemption names their image,
 *                   each with the pattern and the rule, for the audit log
 * @param pins       images to pin, as {@link DigestPinner#candidates} lists them: found in the same
 *                   pass, so the object is visited and its images parsed once
 */
public record PolicyResult(List<Change> changes, List<String> warnings, List<String> exemptions,
                           List<Candidate> pins) {

    public PolicyResult {
        changes = List.copyOf(changes);
        warnings = List.copyOf(warnings);
        exemptions = List.copyOf(exemptions);
        pins = List.copyOf(pins);
    }

    /** A result without exemptions or pins. */
    public PolicyResult(List<Change> changes, List<String> warnings) {
        this(changes, warnings, List.of(), List.of());
    }

    public boolean changed() {
        return !changes.isEmpty();
    }

    /** This result with more changes and warnings after its own (pinning's, for one). */
    public PolicyResult with(List<Change> moreChanges, List<String> moreWarnings) {
        List<Change> allChanges = new ArrayList<>(changes);
        allChanges.addAll(moreChanges);
        List<String> allWarnings = new ArrayList<>(warnings);
        allWarnings.addAll(moreWarnings);
        return new PolicyResult(allChanges, allWarnings, exemptions, pins);
    }
}
