package io.github.imagepullwebhook.admission;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.imagepullwebhook.policy.Change;
import io.github.imagepullwebhook.policy.DigestPinner;
import io.github.imagepullwebhook.policy.PolicyResult;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What people read: warnings folded per value and reason, audit annotations with old values, both bounded. */
class WarningsTest {

    private static final String FORCED = "images are always pulled in this namespace";

    @Test
    void foldsChangesWithTheSameValueAndReasonAndAuditsWhatTheyReplaced() {
        PolicyResult result = new PolicyResult(List.of(
                change("spec.initContainers[0].imagePullPolicy", "Never", "Always", "alwaysPull", FORCED),
                change("spec.containers[0].imagePullPolicy", null, "IfNotPresent", "defaultPullPolicy", "default"),
                change("spec.containers[1].imagePullPolicy", "IfNotPresent", "Always", "alwaysPull", FORCED)),
                List.of("spec.containers[2].image is missing"));

        Warnings summary = Warnings.of(result);

        assertThat(summary.lines()).containsExactly(
                "image-pull-webhook: spec.containers[2].image is missing",
                "image-pull-webhook: spec.initContainers[0].imagePullPolicy, spec.containers[1].imagePullPolicy set to "
                        + "Always (" + FORCED + ")",
                "image-pull-webhook: spec.containers[0].imagePullPolicy set to IfNotPresent (default)");
        assertThat(summary.audit(Reason.PATCHED)).containsExactly(
                org.assertj.core.api.Assertions.entry("reason", "PATCHED"),
                org.assertj.core.api.Assertions.entry("changes", "spec.initContainers[0].imagePullPolicy (was Never), "
                        + "spec.containers[1].imagePullPolicy (was IfNotPresent) set to Always (" + FORCED + "); "
                        + "spec.containers[0].imagePullPolicy set to IfNotPresent (default)"));
    }

    /** Every pin has a value of its own; one line names them all, and the audit keeps each digest. */
    @Test
    void pinsFoldIntoOneLineAndTheAuditKeepsEachDigest() {
        String a = "sha256:" + "a".repeat(64);
        String b = "sha256:" + "b".repeat(64);
        PolicyResult result = new PolicyResult(List.of(
                change("spec.containers[0].imagePullPolicy", null, "Always", "alwaysPull", FORCED),
                change("spec.containers[0].image", "registry.example/app:1.0", "registry.example/app:1.0@" + a,
                        DigestPinner.RULE, "pinned to the digest the tag points at"),
                change("spec.containers[1].image", "registry.example/db", "registry.example/db@" + b,
                        DigestPinner.RULE, "pinned to the digest the tag points at")), List.of());

        Warnings summary = Warnings.of(result);

        assertThat(summary.lines()).containsExactly(
                "image-pull-webhook: spec.containers[0].imagePullPolicy set to Always (" + FORCED + ")",
                "image-pull-webhook: spec.containers[0].image, spec.containers[1].image pinned to the digest the tag points at");
        assertThat(summary.audit(Reason.PATCHED).get("changes")).isEqualTo(
                "spec.containers[0].imagePullPolicy set to Always (" + FORCED + "); "
                        + "spec.containers[0].image (@" + a + "), spec.containers[1].image (@" + b + ") "
                        + "pinned to the digest the tag points at");
    }

    @Test
    void manyChangesStayWithinKubernetesLimits() {
        List<Change> changes = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            changes.add(change("spec.containers[" + i + "].imagePullPolicy", "Never", "Always", "alwaysPull", FORCED));
            notes.add("spec.initContainers[" + i + "].image is missing");
        }

        Warnings summary = Warnings.of(new PolicyResult(changes, notes));

        assertThat(summary.lines()).hasSize(Warnings.MAX_WARNINGS).allSatisfy(line ->
                assertThat(line.length()).isLessThanOrEqualTo(Warnings.MAX_WARNING));
        assertThat(summary.lines().get(Warnings.MAX_WARNINGS - 1)).isEqualTo("image-pull-webhook: 492 more warnings not shown");
        assertThat(summary.audit(Reason.PATCHED).get("changes")).hasSizeLessThanOrEqualTo(Warnings.MAX_AUDIT_VALUE + 3)
                .startsWith("spec.containers[0].imagePullPolicy (was Never), spec.containers[1]");
        List<String> folded = Warnings.of(new PolicyResult(changes, List.of())).lines();
        assertThat(folded).singleElement().asString().contains(" more set to Always (");
    }

    /** A change as a site makes it: the pointer follows from the field path. */
    private static Change change(String field, String oldValue, String newValue, String rule, String why) {
        String pointer = "/" + field.replace(".", "/").replace("[", "/").replace("]", "");
        return new Change(field, pointer, oldValue, newValue, rule, why);
    }
}
