package io.github.imagepullwebhook.audit;

import io.github.imagepullwebhook.audit.ClusterReader.Listed;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * One audit run: every audited kind in every namespace asked for, each object reviewed as it
 * arrives (a page at a time, so memory holds findings, not the cluster). A list the API server
 * refuses is noted and the run goes on; the result then says it is incomplete.
 */
public final class Audit {

    /**
     * What one run found.
     *
     * @param findings   every reviewed object, in reading order
     * @param failures   the lists that failed, one message each
     * @param skipped    objects in namespaces the webhook ignores
     * @param namespaces namespaces audited (with all namespaces: those objects were found in)
     */
    public record Result(List<Finding> findings, List<String> failures, int skipped, int namespaces) {

        public boolean anyDenied() {
            return count(Finding.Action.WOULD_DENY) > 0;
        }

        /** False when some list failed: objects may exist that were not audited. */
        public boolean complete() {
            return failures.isEmpty();
        }

        long count(Finding.Action action) {
            return findings.stream().filter(f -> f.action() == action).count();
        }
    }

    private final ClusterReader reader;
    private final ObjectAudit objects;
    private final Progress progress;
    private final List<Finding> findings = new ArrayList<>();
    private final List<String> failures = new ArrayList<>();
    private final Set<String> namespacesSeen = new HashSet<>();
    private int skipped;

    public Audit(ClusterReader reader, ObjectAudit objects, Progress progress) {
        this.reader = reader;
        this.objects = objects;
        this.progress = progress;
    }

    /** Every namespace, one cluster-wide list per kind. */
    public Result allNamespaces() throws CannotAuditException {
        readEveryKind(null);
        return new Result(findings, failures, skipped, namespacesSeen.size());
    }

    /** The named namespaces, one after another, with a progress line after each when there are several. */
    public Result namespaces(List<String> names) throws CannotAuditException {
        for (String namespace : names) {
            int before = findings.size() + skipped;
            readEveryKind(namespace);
            if (names.size() > 1) {
                progress.namespaceDone(namespace, findings.size() + skipped - before);
            }
        }
        return new Result(findings, failures, skipped, names.size());
    }

    private void readEveryKind(String namespace) throws CannotAuditException {
        for (AuditedKind kind : AuditedKind.ALL) {
            try {
                reader.read(kind, namespace, this::review);
            } catch (ListFailedException e) {
                failures.add(e.getMessage());
                progress.failed(e);
            }
        }
    }

    private void review(List<Listed> page) {
        for (Listed listed : page) {
            namespacesSeen.add(listed.namespace());
            Optional<Finding> finding = objects.audit(listed);
            if (finding.isPresent()) {
                findings.add(finding.get());
            } else {
                skipped++;
            }
        }
        progress.reviewed(page.size());
    }
}
