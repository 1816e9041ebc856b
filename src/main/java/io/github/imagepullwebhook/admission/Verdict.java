package io.github.imagepullwebhook.admission;

import java.util.List;
import java.util.Map;

/**
 * The webhook's answer to one review, before it is encoded in the request's version.
 *
 * @param reason  why
 * @param allowed whether the apiserver may go on
 * @param report  the patch, warnings and audit annotations
 * @param code    HTTP-style status code for a denial
 * @param message human-readable reason for a denial
 */
public record Verdict(Reason reason, boolean allowed, ChangeReport report, int code, String message) {

    public static Verdict allowed(Reason reason) {
        return new Verdict(reason, true, ChangeReport.NONE, 200, null);
    }

    static Verdict allowed(Reason reason, ChangeReport report) {
        return new Verdict(reason, true, report, 200, null);
    }

    public static Verdict denied(Reason reason, int code, String message) {
        return new Verdict(reason, false, ChangeReport.NONE, code, message);
    }

    /** JSON patch operations, or {@code null} when nothing changed. */
    public Patch patch() {
        return report.patch();
    }

    /** Shown by kubectl. */
    public List<String> warnings() {
        return report.warnings();
    }

    /** Recorded in the apiserver's audit log. */
    public Map<String, String> auditAnnotations() {
        return report.audit();
    }
}
