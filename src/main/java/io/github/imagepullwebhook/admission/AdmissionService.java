package io.github.imagepullwebhook.admission;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.imagepullwebhook.policy.EnforcementScope;
import io.github.imagepullwebhook.policy.ImagePolicy;
import io.github.imagepullwebhook.policy.ImageSite;
import io.github.imagepullwebhook.policy.PodSpecs;
import io.github.imagepullwebhook.policy.PolicyResult;
import io.github.imagepullwebhook.policy.Rules;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers one AdmissionReview for one profile. This is the single error funnel: whatever
 * happens inside, the caller gets an {@link Answer} — a review response, an HTTP 400 for a body
 * that is no review, or an HTTP 500 for a bug (so the webhook's failurePolicy, chosen by the
 * cluster admin, decides whether the object is admitted).
 */
public final class AdmissionService {

    /** Which endpoint: change objects, or refuse objects the rules would have changed. */
    public enum Mode { MUTATE, VALIDATE }

    /**
     * An encoded answer with the labels metrics and logs need.
     *
     * @param httpStatus 200 for every review response; 400/500 otherwise
     * @param body       the JSON body
     * @param reason     why
     * @param kind       the reviewed kind, or empty when unknown
     * @param operation  the reviewed operation, or empty when unknown
     */
    public record Answer(int httpStatus, ObjectNode body, Reason reason, String kind, String operation) {
    }

    private static final Logger LOG = LoggerFactory.getLogger(AdmissionService.class);

    private final ReviewDecoder decoder;
    private final ReviewResponses responses;
    private final SkipRules skipRules;

    public AdmissionService(ObjectMapper mapper, SkipRules skipRules) {
        this.decoder = new ReviewDecoder(mapper);
        this.responses = new ReviewResponses(mapper);
        this.skipRules = skipRules;
    }

    public Answer review(byte[] body, Rules rules, Mode mode) {
        Review review;
        try {
            review = decoder.decode(body);
        } catch (BadReviewException e) {
            LOG.info("bad request: {}", e.getMessage());
            return badRequest(e.getMessage());
        }
        try {
            Verdict verdict = decide(review, new ImagePolicy(rules), mode);
            log(review, verdict);
            return new Answer(200, responses.review(review, verdict), verdict.reason(), review.kind().toString(),
                    review.operation());
        } catch (RuntimeException e) {
            LOG.error("internal error reviewing {} {} uid={}", review.operation(), review.describe(), review.uid(), e);
            return new Answer(500, responses.status(500, "internal error in image-pull-webhook: "
                    + e.getClass().getSimpleName()), Reason.INTERNAL_ERROR, review.kind().toString(), review.operation());
        }
    }

    /** An HTTP 4xx answer for requests that never became a review. */
    public Answer badRequest(int status, String message) {
        return new Answer(status, responses.status(status, message), Reason.BAD_REQUEST, "", "");
    }

    private Answer badRequest(String message) {
        return badRequest(400, message);
    }

    private Verdict decide(Review review, ImagePolicy policy, Mode mode) {
        Optional<Reason> skip = skipRules.skip(review);
        if (skip.isPresent()) {
            return Verdict.allowed(skip.get());
        }
        if (review.object() == null || !review.object().isObject()) {
            return Verdict.denied(Reason.INVALID_OBJECT, 400, "request.object of " + review.operation()
                    + " " + review.kind() + " must be a JSON object");
        }
        Predicate<ImageSite> scope = scope(review);
        return mode == Mode.MUTATE ? mutate(review, policy, scope) : validate(review, policy, scope);
    }

    /** Every site, except on {@code ephemeralcontainers} where only new ephemeral images may change. */
    private static Predicate<ImageSite> scope(Review review) {
        if (SkipRules.isEphemeralContainers(review) && review.oldObject() != null) {
            return EnforcementScope.newEphemeralImages(EnforcementScope.images(review.kind(), review.oldObject()));
        }
        return EnforcementScope.everySite();
    }

    private Verdict mutate(Review review, ImagePolicy policy, Predicate<ImageSite> scope) {
        if (!policy.rules().any()) {
            return Verdict.allowed(Reason.NO_CHANGE);
        }
        ObjectNode original = (ObjectNode) review.object();
        ObjectNode copy = PodSpecs.copyForMutation(review.kind(), original);
        PolicyResult result = policy.mutate(review.kind(), copy, scope);
        List<String> warnings = Warnings.of(result);
        if (!result.changed()) {
            return Verdict.allowed(Reason.NO_CHANGE, warnings, Map.of());
        }
        ArrayNode patch = PatchDiff.diff(original, copy);
        return Verdict.patched(patch, warnings, Warnings.audit(Reason.PATCHED, result));
    }

    private Verdict validate(Review review, ImagePolicy policy, Predicate<ImageSite> scope) {
        List<String> violations = policy.violations(review.kind(), (ObjectNode) review.object(), scope);
        if (violations.isEmpty()) {
            return Verdict.allowed(Reason.VALIDATED);
        }
        String where = review.namespace().isEmpty() ? "" : " in namespace \"" + review.namespace() + "\"";
        return Verdict.denied(Reason.DENIED_PULL_POLICY, 403, review.describe()
                + " is forbidden: images must always be pulled" + where + ": " + String.join(", ", violations));
    }

    private static void log(Review review, Verdict verdict) {
        if (LOG.isDebugEnabled()) {
            JsonNode patch = verdict.patch();
            LOG.debug("{} {} {}/{} uid={}: {}{}", review.operation(), review.describe(), review.namespace(),
                    review.subResource(), review.uid(), verdict.reason(), patch == null ? "" : " " + patch);
        }
    }
}
