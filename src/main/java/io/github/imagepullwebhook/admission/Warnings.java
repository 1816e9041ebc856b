package io.github.imagepullwebhook.admission;

import io.github.imagepullwebhook.policy.Change;
import io.github.imagepullwebhook.policy.DigestPinner;
import io.github.imagepullwebhook.policy.PolicyResult;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns a policy result into what people read: kubectl warnings and audit annotations.
 * Kubernetes asks that warnings stay short (it may truncate those over 256 characters), so
 * changes with the same value and reason are folded into one line and long lists are cut.
 */
final class Warnings {

    static final String PREFIX = "image-pull-webhook: ";
    static final int MAX_WARNING = 256;
    static final int MAX_WARNINGS = 10;
    static final int MAX_AUDIT_VALUE = 4096;

    private final PolicyResult result;

    /** What a group of changes did; equal for changes to fold into one line. */
    private record Outcome(String newValue, String why) {
    }

    /**
     * Changes with one outcome, and its words: "set to Always (why)".
     *
     * @param text    the outcome in words, built once for warnings and audit
     * @param changes in visiting order
     */
    private record Group(String text, List<Change> changes) {
    }

    /** By outcome, in visiting order; warnings and audit share it. */
    private final Map<Outcome, Group> groups = new LinkedHashMap<>();

    private Warnings(PolicyResult result) {
        this.result = result;
        for (Change change : result.changes()) {
            // A pin's new value is the image again with its digest: long, different for every
            // image, and in the object for anyone to read. Pins fold into one line that says
            // which images were pinned; the audit annotation keeps each digest.
            Outcome key = isPin(change) ? new Outcome(null, change.why()) : new Outcome(change.newValue(), change.why());
            groups.computeIfAbsent(key, outcome -> new Group(outcome.newValue() == null ? outcome.why()
                    : "set to " + outcome.newValue() + " (" + outcome.why() + ")", new ArrayList<>())).changes().add(change);
        }
    }

    private static boolean isPin(Change change) {
        return DigestPinner.RULE.equals(change.rule());
    }

    static Warnings of(PolicyResult result) {
        return new Warnings(result);
    }

    /** The warnings kubectl prints: the policy's notes, then one folded line per group of changes. */
    List<String> lines() {
        List<String> warnings = new ArrayList<>(result.warnings().size() + groups.size());
        for (String warning : result.warnings()) {
            warnings.add(cut(PREFIX + warning));
        }
        for (Group group : groups.values()) {
            warnings.add(foldFields(group.text(), group.changes()));
        }
        if (warnings.size() > MAX_WARNINGS) {
            int dropped = warnings.size() - MAX_WARNINGS + 1;
            List<String> kept = new ArrayList<>(warnings.subList(0, MAX_WARNINGS - 1));
            kept.add(PREFIX + dropped + " more warnings not shown");
            return kept;
        }
        return warnings;
    }

    /**
     * The audit annotations: the reason, and every change with the value it replaced, grouped
     * as the warnings are ({@code spec.containers[0].imagePullPolicy (was Never) set to Always
     * (why)}; a pin by its digest, {@code spec.containers[0].image (@sha256:…) pinned to …}),
     * bounded.
     */
    Map<String, String> audit(Reason reason) {
        Map<String, String> audit = new LinkedHashMap<>();
        audit.put("reason", reason.name());
        StringBuilder changes = new StringBuilder();
        for (Group group : groups.values()) {
            changes.append(changes.isEmpty() ? "" : "; ");
            List<Change> folded = group.changes();
            for (int i = 0; i < folded.size() && changes.length() <= MAX_AUDIT_VALUE; i++) {
                Change change = folded.get(i);
                changes.append(i == 0 ? "" : ", ").append(change.field());
                if (isPin(change)) { // the image as it was, then @digest: the digest says it all
                    changes.append(" (").append(change.newValue().substring(change.newValue().lastIndexOf('@'))).append(')');
                } else if (change.oldValue() != null && !change.oldValue().isEmpty()) {
                    changes.append(" (was ").append(change.oldValue()).append(')');
                }
            }
            changes.append(' ').append(group.text());
        }
        audit.put("changes", bounded(changes.toString()));
        return audit;
    }

    /** Audit values stay bounded: the audit log is not the place for a 10,000-character image. */
    static String bounded(String value) {
        return value.length() <= MAX_AUDIT_VALUE ? value : value.substring(0, MAX_AUDIT_VALUE) + "...";
    }

    private static String foldFields(String what, List<Change> changes) {
        StringBuilder line = new StringBuilder(PREFIX);
        int shown = 0;
        for (Change change : changes) {
            int next = (shown == 0 ? 0 : 2) + change.field().length();
            if (line.length() + next + what.length() + 16 > MAX_WARNING) {
                break;
            }
            line.append(shown == 0 ? "" : ", ").append(change.field());
            shown++;
        }
        if (shown < changes.size()) {
            line.append(" and ").append(changes.size() - shown).append(" more");
        }
        return cut(line.append(' ').append(what).toString());
    }

    private static String cut(String warning) {
        return warning.length() <= MAX_WARNING ? warning : warning.substring(0, MAX_WARNING - 3) + "...";
    }
}
