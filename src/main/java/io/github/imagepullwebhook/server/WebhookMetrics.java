package io.github.imagepullwebhook.server;

import io.github.imagepullwebhook.admission.AdmissionService.Answer;
import io.github.imagepullwebhook.admission.Reason;
import io.github.imagepullwebhook.policy.GroupKind;
import io.github.imagepullwebhook.policy.PodSpecs;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

/**
 * The webhook's Prometheus metrics. Label values come from request content, so each is bounded
 * to a known set: a client sending a million invented kinds must not grow memory.
 */
public final class WebhookMetrics {

    private static final Set<String> KNOWN_KINDS =
            PodSpecs.supportedKinds().stream().map(GroupKind::toString).collect(Collectors.toUnmodifiableSet());
    private static final Set<String> OPERATIONS = Set.of("CREATE", "UPDATE", "DELETE", "CONNECT");

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    /** Meters by label values: registering through a builder on every request costs more than the review. */
    private final Map<List<String>, Counter> reviews = new ConcurrentHashMap<>();
    private final Map<List<String>, Timer> durations = new ConcurrentHashMap<>();
    private final Map<String, Counter> patches = new ConcurrentHashMap<>();
    private final Map<String, Counter> errors = new ConcurrentHashMap<>();
    private final AtomicInteger inFlight = new AtomicInteger();

    public WebhookMetrics() {
        Gauge.builder("webhook_requests_in_flight", inFlight, AtomicInteger::get)
                .description("Requests whose headers arrived and that are not answered yet (probes included)")
                .register(registry);
    }

    public void record(String profile, String mode, Answer answer, long nanos) {
        String kind = answer.kind().isEmpty() ? "none" : KNOWN_KINDS.contains(answer.kind()) ? answer.kind() : "other";
        String operation = OPERATIONS.contains(answer.operation()) ? answer.operation() : "none";
        String outcome = answer.reason().label();
        reviews.computeIfAbsent(List.of(profile, mode, kind, operation, outcome), k -> Counter.builder("webhook_reviews")
                .description("Admission reviews answered, by profile, endpoint, kind, operation and outcome")
                .tags("profile", profile, "mode", mode, "kind", kind, "operation", operation, "outcome", outcome)
                .register(registry)).increment();
        durations.computeIfAbsent(List.of(profile, mode), k -> Timer.builder("webhook_review_duration")
                .description("Time from a complete request body to the encoded answer")
                .tags("profile", profile, "mode", mode)
                .publishPercentileHistogram()
                .register(registry)).record(nanos, TimeUnit.NANOSECONDS);
        if (answer.reason() == Reason.PATCHED) {
            patches.computeIfAbsent(profile, p -> Counter.builder("webhook_patches").description("Reviews answered with a patch")
                    .tags("profile", p).register(registry)).increment();
        }
        if (answer.httpStatus() >= 400) {
            error(answer.reason() == Reason.INTERNAL_ERROR ? "internal" : "bad_request");
        }
    }

    /** Requests refused before they reached the admission service. */
    public void error(String type) {
        errors.computeIfAbsent(type, t -> Counter.builder("webhook_errors")
                .description("Requests answered with an HTTP error, by type").tags("type", t).register(registry)).increment();
    }

    /** A request's headers arrived: it is in flight until {@link #requestFinished()}. */
    void requestStarted() {
        inFlight.incrementAndGet();
    }

    /** The request is answered, or its connection lost. */
    void requestFinished() {
        inFlight.decrementAndGet();
    }

    /** Requests whose headers arrived and that are not answered yet. */
    int requestsInFlight() {
        return inFlight.get();
    }

    /** For components that record meters of their own (the digest cache). */
    public MeterRegistry registry() {
        return registry;
    }

    public String scrape() {
        return registry.scrape();
    }
}
