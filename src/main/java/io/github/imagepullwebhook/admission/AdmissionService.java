package io.github.imagepullwebhook.admission;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.imagepullwebhook.patch.JsonPatch;
import io.github.imagepullwebhook.policy.Change;
import io.github.imagepullwebhook.policy.DigestPinner;
import io.github.imagepullwebhook.policy.DigestPinner.Candidate;
import io.github.imagepullwebhook.policy.EnforcementScope;
import io.github.imagepullwebhook.policy.ImagePolicy;
import io.github.imagepullwebhook.policy.PodSpecs;
import io.github.imagepullwebhook.policy.PolicyResult;
import io.github.imagepullwebhook.policy.Rules;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
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
     * @param encoded    the JSON body, as sent
     * @param reason     why
     * @param kind       the reviewed kind, or empty when unknown
     * @param operation  the reviewed operation, or empty when unknown
     */
    public record Answer(int httpStatus, byte[] encoded, Reason reason, String kind, String operation) {

        private static final ObjectMapper READER = new ObjectMapper();

        /** The body as a tree, for readers that are not on the hot path (the CLI, tests). */
        public ObjectNode body() {
            try {
                return (ObjectNode) READER.readTree(encoded);
            } catch (IOException e) {
                throw new UncheckedIOException(e); // we wrote it: it parses
            }
        }
    }

    private static final Logger LOG = LoggerFactory.getLogger(AdmissionService.class);

    private final ReviewDecoder decoder;
    private final ReviewResponses responses;
    private final SkipRules skipRules;
    private final Pinning pinning;

    public AdmissionService(ObjectMapper mapper, SkipRules skipRules) {
        this(mapper, skipRules, null);
    }

    /** @param pinning how profiles with {@code pinDigests} reach registries; null when none does */
    public AdmissionService(ObjectMapper mapper, SkipRules skipRules, Pinning pinning) {
        this.decoder = new ReviewDecoder(mapper);
        this.responses = new ReviewResponses(mapper);
        this.skipRules = skipRules;
        this.pinning = pinning;
    }

    /** For callers that may wait (offline {@code mutate}, tests): never call on an event loop. */
    public Answer review(byte[] body, Rules rules, Mode mode) {
        return reviewAsync(body, rules, mode).toCompletableFuture().join();
    }

    /**
     * The answer; already complete unless the profile pins digests and something needs
     * resolving. Decoding and the policy run on the caller's thread.
     */
    public CompletionStage<Answer> reviewAsync(byte[] body, Rules rules, Mode mode) {
        Review review;
        try {
            review = decoder.decode(body);
        } catch (BadReviewException e) {
            LOG.info("bad request: {}", e.getMessage());
            return CompletableFuture.completedFuture(badRequest(e.getMessage()));
        }
        CompletionStage<Verdict> verdict;
        try {
            verdict = decide(review, new ImagePolicy(rules), mode);
        } catch (RuntimeException e) {
            verdict = CompletableFuture.failedFuture(e);
        }
        return verdict.handle((done, failure) -> {
            if (failure != null) {
                return internalError(review, failure);
            }
            try {
                log(review, done);
                return new Answer(200, responses.review(review, done), done.reason(), review.kind().toString(),
                        review.operation());
            } catch (RuntimeException e) {
                return internalError(review, e);
            }
        });
    }

    private Answer internalError(Review review, Throwable failure) {
        Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                ? failure.getCause() : failure;
        LOG.error("internal error reviewing {} {} uid={}", review.operation(), review.describe(), review.uid(), cause);
        return new Answer(500, responses.status(500, "internal error in image-pull-webhook: "
                + cause.getClass().getSimpleName()), Reason.INTERNAL_ERROR, review.kind().toString(), review.operation());
    }

    /** An HTTP 4xx answer for requests that never became a review. */
    public Answer badRequest(int status, String message) {
        return new Answer(status, responses.status(status, message), Reason.BAD_REQUEST, "", "");
    }

    private Answer badRequest(String message) {
        return badRequest(400, message);
    }

    private CompletionStage<Verdict> decide(Review review, ImagePolicy policy, Mode mode) {
        Optional<Reason> skip = skipRules.skip(review);
        if (skip.isPresent()) {
            return CompletableFuture.completedFuture(Verdict.allowed(skip.get()));
        }
        if (review.object() == null || !review.object().isObject()) {
            return CompletableFuture.completedFuture(Verdict.denied(Reason.INVALID_OBJECT, 400, "request.object of "
                    + review.operation() + " " + review.kind() + " must be a JSON object"));
        }
        EnforcementScope scope = SkipRules.scope(review);
        if (scope.changesNoImage(review.kind(), review.object())) {
            return CompletableFuture.completedFuture(Verdict.allowed(Reason.SKIPPED_NO_IMAGE_CHANGE));
        }
        return mode == Mode.MUTATE ? mutate(review, policy, scope)
                : CompletableFuture.completedFuture(validate(review, policy, scope, false));
    }

    private CompletionStage<Verdict> mutate(Review review, ImagePolicy policy, EnforcementScope scope) {
        if (!policy.rules().any()) {
            return CompletableFuture.completedFuture(Verdict.allowed(Reason.NO_CHANGE));
        }
        // A changed image on an existing pod's container whose policy cannot become Always: no
        // patch can fix that, so mutate refuses it as validate would.
        if (scope.fixesPolicies()) {
            Verdict fixed = validate(review, policy, scope, true);
            if (!fixed.allowed()) {
                return CompletableFuture.completedFuture(fixed);
            }
        }
        JsonNode object = review.object();
        PolicyResult result = policy.decide(review.kind(), object, scope);
        List<Candidate> candidates = pinning == null ? List.of() : result.pins();
        Optional<ObjectNode> podSpec = PodSpecs.spec(review.kind(), object);
        boolean checkSecrets = pinning != null && policy.rules().checkPullSecrets() && podSpec.isPresent();
        if (candidates.isEmpty() && !checkSecrets) {
            return CompletableFuture.completedFuture(Verdict.decided(result, List.of(), List.of()));
        }
        return pinning.resolve(review.namespace(), podSpec.orElseThrow(), PodSpecs.isPod(review.kind()), candidates)
                .thenApply(outcome -> pinned(result, outcome));
    }

    /** The rules' result with what pinning found; failures follow {@code registry.onError}. */
    private Verdict pinned(PolicyResult result, Pinning.Outcome pins) {
        List<Change> changes = new ArrayList<>();
        List<String> failures = new ArrayList<>();
        for (Pinning.Result pin : pins.results()) {
            if (pin.digest() != null) {
                changes.add(DigestPinner.decide(pin.candidate(), pin.digest()));
            } else {
                failures.add(pin.candidate().site().imagePath() + " " + Pinning.quote(pin.candidate())
                        + " was not pinned: " + pin.failure());
            }
        }
        if (!failures.isEmpty() && pinning.denyOnError()) {
            return Verdict.denied(Reason.RESOLUTION_FAILED_DENIED, 503, "image-pull-webhook could not pin "
                    + "every image (registry.onError: deny): " + String.join("; ", failures));
        }
        List<String> notes = new ArrayList<>(pins.warnings());
        notes.addAll(failures);
        return Verdict.decided(result.with(changes, notes), failures, pins.missing());
    }

    /** @param fixedOnly only the sites whose pull policy the mutate step cannot write */
    private Verdict validate(Review review, ImagePolicy policy, EnforcementScope scope, boolean fixedOnly) {
        List<String> violations = policy.violations(review.kind(), review.object(), scope, fixedOnly);
        if (violations.isEmpty()) {
            return Verdict.allowed(Reason.VALIDATED);
        }
        String where = review.namespace().isEmpty() ? "" : " in namespace \"" + review.namespace() + "\"";
        return Verdict.denied(Reason.DENIED_PULL_POLICY, 403, review.describe()
                + " is forbidden: images must always be pulled" + where + ": " + String.join(", ", violations));
    }

    private static void log(Review review, Verdict verdict) {
        if (LOG.isDebugEnabled()) {
            JsonPatch patch = verdict.patch();
            LOG.debug("{} {} {}/{} uid={}: {}{}", review.operation(), review.describe(), review.namespace(),
                    review.subResource(), review.uid(), verdict.reason(), patch == null ? "" : " " + patch);
        }
    }
}
