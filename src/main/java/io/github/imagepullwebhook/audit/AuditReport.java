package io.github.imagepullwebhook.audit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.imagepullwebhook.admission.Review;
import io.github.imagepullwebhook.policy.ImagePolicy;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The report on standard output: a table for people, or JSON for programs.
 *
 * <p>The table folds siblings: the Pods of one ReplicaSet (or Job, DaemonSet, …) that would get
 * the same answer are one row, {@code web-7d9f-abcde (+4 more)}, marked with their owner; a
 * Deployment of 50 replicas is not 50 lines of the same words. JSON lists every object, each
 * with its owner, for programs to group as they like.
 */
public final class AuditReport {

    private static final String[] HEADER = {"NAMESPACE", "KIND", "NAME", "ACTION", "DETAILS"};
    private static final String GAP = "   ";

    /** Namespaces, then kinds owners first, then names: the order people look things up in. */
    static final Comparator<Finding> ORDER = Comparator.comparing(Finding::namespace)
            .thenComparingInt(f -> kindOrder(f.kind())).thenComparing(Finding::name);

    private AuditReport() {
    }

    public static void json(List<Finding> findings, PrintWriter out, ObjectMapper mapper) {
        try {
            out.println(mapper.writerWithDefaultPrettyPrinter().writeValueAsString(sorted(findings)));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot encode the report", e); // records of strings always encode
        }
        out.flush();
    }

    /** Nothing at all when there is nothing to show: the summary on standard error says so. */
    public static void table(List<Finding> findings, PrintWriter out) {
        List<String[]> rows = rows(sorted(findings));
        if (rows.isEmpty()) {
            return;
        }
        rows.add(0, HEADER);
        int[] widths = new int[HEADER.length - 1];
        for (String[] row : rows) {
            for (int i = 0; i < widths.length; i++) {
                widths[i] = Math.max(widths[i], row[i].length());
            }
        }
        for (String[] row : rows) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < widths.length; i++) {
                line.append(row[i]).append(" ".repeat(widths[i] - row[i].length())).append(GAP);
            }
            out.println(line.append(row[widths.length]).toString().stripTrailing());
        }
        out.flush();
    }

    private static List<Finding> sorted(List<Finding> findings) {
        return findings.stream().sorted(ORDER).toList();
    }

    /** One row per object without an owner; owned objects with the same answer share one. */
    private static List<String[]> rows(List<Finding> findings) {
        Map<Object, List<Finding>> groups = new LinkedHashMap<>();
        for (Finding finding : findings) {
            groups.computeIfAbsent(groupKey(finding), key -> new ArrayList<>()).add(finding);
        }
        List<String[]> rows = new ArrayList<>();
        for (List<Finding> group : groups.values()) {
            Finding first = group.get(0);
            String name = group.size() == 1 ? first.name() : first.name() + " (+" + (group.size() - 1) + " more)";
            rows.add(new String[] {first.namespace(), first.kind(), name, first.action().label(), details(first)});
        }
        return rows;
    }

    /**
     * Siblings' answers differ at most in the name a denial quotes ({@code Pod "web-1" is
     * forbidden: …}), so the key is the details with the object's own name blanked.
     */
    private static Object groupKey(Finding finding) {
        if (finding.owner() == null) {
            return finding;
        }
        return List.of(finding.namespace(), finding.kind(), finding.owner(), finding.action(),
                details(finding).replace("\"" + finding.name() + "\"", "\"\""));
    }

    /** Owner, denials, changes with the values they replace and why, images to pin, other warnings. */
    static String details(Finding finding) {
        List<String> parts = new ArrayList<>();
        if (finding.owner() != null) {
            parts.add("owned by " + finding.owner());
        }
        for (Finding.Denial denial : finding.denials()) {
            parts.add((Review.UPDATE.equals(denial.operation()) ? "an in-place image update would be denied: " : "")
                    + denial.message());
        }
        if (!finding.changeSummary().isEmpty()) {
            parts.add(finding.changeSummary());
        }
        for (Finding.Pin pin : finding.wouldPin()) {
            parts.add(pin.field() + " " + ImagePolicy.quote(pin.image()) + " would be pinned to its digest (not resolved by audit)");
        }
        parts.addAll(finding.notes());
        return String.join("; ", parts);
    }

    private static int kindOrder(String kind) {
        for (int i = 0; i < AuditedKind.ALL.size(); i++) {
            if (AuditedKind.ALL.get(i).kind().equals(kind)) {
                return i;
            }
        }
        return AuditedKind.ALL.size();
    }
}
