package io.github.imagepullwebhook.admission;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.imagepullwebhook.admission.AdmissionService.Answer;
import io.github.imagepullwebhook.admission.AdmissionService.Mode;
import io.github.imagepullwebhook.policy.Change;
import io.github.imagepullwebhook.policy.PolicyResult;
import io.github.imagepullwebhook.policy.Rules;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * The memo of change reports may save work but never change an answer: reports are shared only
 * between equal changes, and whatever differs between reviews with equal changes (uid, version)
 * is written per review.
 */
class ChangeReportsTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ReviewResponses RESPONSES = new ReviewResponses(JSON);

    private static PolicyResult result(String oldPolicy) {
        return new PolicyResult(new ArrayList<>(List.of(new Change("spec.containers[0].imagePullPolicy", oldPolicy,
                "Always", "alwaysPull", "images are always pulled in this namespace"))), new ArrayList<>());
    }

    private static Patch patch() {
        return new Patch(List.of(new Patch.Operation("replace", "/spec/containers/0/imagePullPolicy", "Always")));
    }

    /** Builds a report whose warning names {@code text}, counting the builds. */
    private static Supplier<ChangeReport> builder(String text, AtomicInteger builds) {
        return () -> {
            builds.incrementAndGet();
            return RESPONSES.report(patch(), List.of(text), Map.of("reason", "PATCHED"));
        };
    }

    @Test
    void equalChangesGetTheReportKeptForTheFirstAndOtherChangesGetTheirOwn() {
        ChangeReports reports = new ChangeReports(true);
        AtomicInteger builds = new AtomicInteger();

        ChangeReport first = reports.report(patch(), result("Never"), builder("first", builds));
        ChangeReport again = reports.report(patch(), result(new String("Never")), builder("again", builds));
        ChangeReport other = reports.report(patch(), result("IfNotPresent"), builder("other", builds));

        assertThat(again).isSameAs(first);
        assertThat(other.warnings()).containsExactly("other");
        assertThat(builds).hasValue(2);
        assertThat(reports.reused()).as("counted for the metrics").isEqualTo(1);
        assertThat(reports.built()).isEqualTo(2);
    }

    @Test
    void offBuildsEveryReport() {
        ChangeReports reports = new ChangeReports(false);
        AtomicInteger builds = new AtomicInteger();

        reports.report(patch(), result("Never"), builder("a", builds));
        reports.report(patch(), result("Never"), builder("b", builds));

        assertThat(builds).hasValue(2);
    }

    @Test
    void aReportTooLargeToKeepIsBuiltEveryTime() {
        ChangeReports reports = new ChangeReports(true);
        AtomicInteger builds = new AtomicInteger();
        String large = "x".repeat(ChangeReports.LARGEST_KEPT);

        ChangeReport first = reports.report(patch(), result("Never"), builder(large, builds));
        reports.report(patch(), result("Never"), builder(large, builds));

        assertThat(first.members().asUnquotedUTF8().length).isGreaterThan(ChangeReports.LARGEST_KEPT);
        assertThat(builds).hasValue(2);
    }

    /**
     * Every fixture, reviewed twice over by one service whose memo the other fixtures have
     * filled, answers byte for byte as a service without the memo does: the fixtures share
     * changes across kinds and versions (the v1 and v1beta1 pods, the workload templates), so
     * the second pass and most of the first are answered from the memo.
     */
    @Test
    void everyFixtureAnswersAsWithoutTheMemoWhenTheMemoAnswers() throws IOException {
        AdmissionService memo = new AdmissionService(JSON, new SkipRules(Set.of("kube-system")), null, true);
        AdmissionService fresh = new AdmissionService(JSON, new SkipRules(Set.of("kube-system")), null, false);
        List<String> cases = GoldenReviewsTest.cases().toList();
        for (int pass = 0; pass < 2; pass++) {
            for (String name : cases) {
                Path dir = GoldenReviewsTest.REVIEWS.resolve(name);
                byte[] request = Files.readAllBytes(dir.resolve("request.json"));
                JsonNode expected = JSON.readTree(dir.resolve("expected.json").toFile());
                Rules rules = new Rules(expected.path("profile").path("defaultPullPolicy").asBoolean(),
                        expected.path("profile").path("alwaysPull").asBoolean());
                Mode mode = Mode.valueOf(expected.path("mode").asText().toUpperCase(Locale.ROOT));

                assertThat(new String(memo.review(request, rules, mode).encoded()))
                        .as(name + ", pass " + pass)
                        .isEqualTo(new String(fresh.review(request, rules, mode).encoded()));
            }
        }
    }

    /** Two pods of one template differ only in uid (and name): each answer carries its own uid and version. */
    @Test
    void reviewsWithEqualChangesKeepTheirOwnUidAndVersion() throws IOException {
        AdmissionService service = new AdmissionService(JSON, new SkipRules(Set.of()), null, true);
        ObjectNode review = (ObjectNode) JSON.readTree(
                GoldenReviewsTest.REVIEWS.resolve("enforce-pod").resolve("request.json").toFile());
        Rules both = new Rules(true, true);

        Answer first = service.review(withUid(review, "v1", "uid-1"), both, Mode.MUTATE);
        Answer second = service.review(withUid(review, "v1beta1", "uid-2"), both, Mode.MUTATE);

        assertThat(first.body().path("response").path("uid").asText()).isEqualTo("uid-1");
        assertThat(second.body().path("response").path("uid").asText()).isEqualTo("uid-2");
        assertThat(second.body().path("apiVersion").asText()).isEqualTo("admission.k8s.io/v1beta1");
        assertThat(second.body().path("response").path("patch")).isEqualTo(first.body().path("response").path("patch"));
        assertThat(second.body().path("response").path("patch").asText()).isNotEmpty();
        assertThat(second.reason()).isEqualTo(Reason.PATCHED);
    }

    private static byte[] withUid(ObjectNode review, String version, String uid) throws IOException {
        ObjectNode copy = review.deepCopy();
        copy.put("apiVersion", "admission.k8s.io/" + version);
        ((ObjectNode) copy.get("request")).put("uid", uid);
        return JSON.writeValueAsBytes(copy);
    }
}
