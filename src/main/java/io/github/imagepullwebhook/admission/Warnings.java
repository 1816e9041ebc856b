package io.github.imagepullwebhook.admission;

import io.github.imagepullwebhook.policy.Change;
import io.github.imagepullwebhook.policy.PolicyResult;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

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

    private Warnings() {
    }

    static List<String> of(PolicyResult result) {
        List<String> warnings = new ArrayList<>();
        result.warnings().forEach(w -> warnings.add(cut(PREFIX + w)));
        grouped(result.changes()).forEach((key, fields) -> warnings.add(foldFields(key, fields)));
        if (warnings.size() > MAX_WARNINGS) {
            int dropped = warnings.size() - MAX_WARNINGS + 1;
            List<String> kept = new ArrayList<>(warnings.subList(0, MAX_WARNINGS - 1));
            kept.add(PREFIX + dropped + " more warnings not shown");
            return kept;
        }
        return warnings;
    }

    static Map<String, String> audit(Reason reason, PolicyResult result) {
        Map<String, String> audit = new LinkedHashMap<>();
        audit.put("reason", reason.name());
        audit.put("changes", bounded(result.changes().stream().map(Change::describe).collect(Collectors.joining("; "))));
        return audit;
    }

    /** Audit values stay bounded: the audit log is not the place for a 10,000-character image. */
    static String bounded(String value) {
        return value.length() <= MAX_AUDIT_VALUE ? value : value.substring(0, MAX_AUDIT_VALUE) + "...";
    }

    /** "set to Always (why)" → the fields it was done to, in visiting order. */
    private static Map<String, List<String>> grouped(List<Change> changes) {
        Map<String, List<String>> groups = new LinkedHashMap<>();
        for (Change change : changes) {
            groups.computeIfAbsent("set to " + change.newValue() + " (" + change.why() + ")", k -> new ArrayList<>())
                    .add(change.field());
        }
        return groups;
    }

    private static String foldFields(String what, List<String> fields) {
        StringBuilder line = new StringBuilder(PREFIX);
        int shown = 0;
        for (String field : fields) {
            String next = (shown == 0 ? "" : ", ") + field;
            if (line.length() + next.length() + what.length() + 16 > MAX_WARNING) {
                break;
            }
            line.append(next);
            shown++;
        }
        if (shown < fields.size()) {
            line.append(" and ").append(fields.size() - shown).append(" more");
        }
        return cut(line.append(' ').append(what).toString());
    }

    private static String cut(String warning) {
        return warning.length() <= MAX_WARNING ? warning : warning.substring(0, MAX_WARNING - 3) + "...";
    }
}
