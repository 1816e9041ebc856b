package io.github.imagepullwebhook.audit;

import java.io.PrintWriter;

/**
 * What the audit is doing, on standard error: standard output carries the report alone, so it
 * can be piped into {@code jq} however long a large cluster takes.
 */
public final class Progress {

    static final String PREFIX = "image-pull-webhook audit: ";

    private final PrintWriter err;
    private final int every;
    private int reviewed;

    /** @param every a line after each this many objects */
    public Progress(PrintWriter err, int every) {
        this.err = err;
        this.every = every;
    }

    void reviewed(int objects) {
        int before = reviewed;
        reviewed += objects;
        if (before / every != reviewed / every) {
            line(reviewed + " objects reviewed");
        }
    }

    void namespaceDone(String namespace, int objects) {
        line("namespace " + namespace + ": " + objects + " objects");
    }

    void failed(ListFailedException e) {
        line(e.getMessage() + "; not audited");
    }

    /** One line of counts after the report, so a reader of a long table sees the totals. */
    public void summary(Audit.Result result, String profile) {
        StringBuilder summary = new StringBuilder("profile \"" + profile + "\": " + result.findings().size() + " objects in "
                + result.namespaces() + (result.namespaces() == 1 ? " namespace: " : " namespaces: "));
        summary.append(result.count(Finding.Action.WOULD_DENY)).append(" would deny, ")
                .append(result.count(Finding.Action.WOULD_CHANGE)).append(" would change, ")
                .append(result.count(Finding.Action.OK)).append(" ok");
        if (result.skipped() > 0) {
            summary.append("; ").append(result.skipped()).append(" skipped (namespaces the webhook ignores)");
        }
        if (!result.failures().isEmpty()) {
            summary.append("; INCOMPLETE: ").append(result.failures().size()).append(" lists failed (above)");
        }
        line(summary.toString());
    }

    private void line(String text) {
        err.println(PREFIX + text);
        err.flush();
    }
}
