package io.github.imagepullwebhook.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.imagepullwebhook.admission.AdmissionService;
import io.github.imagepullwebhook.admission.AdmissionService.Answer;
import io.github.imagepullwebhook.admission.AdmissionService.Mode;
import io.github.imagepullwebhook.admission.Reason;
import io.github.imagepullwebhook.admission.SkipRules;
import io.github.imagepullwebhook.policy.Rules;
import java.util.EnumMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The whole review path without HTTP (decode, skip rules, policy, patch, encode), each call on
 * the next of a set of distinct AdmissionReviews ({@link ReviewBodies}, 1,000 by default), as a
 * cluster sends them: no two calls see the same body. {@code rulesOff} is a profile with every
 * rule off, {@code bothRules} defaultPullPolicy and alwaysPull, {@code validate} the validating
 * endpoint of that profile. Run with {@code bench/jmh.sh} ({@code -prof gc} adds allocation per
 * review, {@code gc.alloc.rate.norm}); {@code -p bodies=1} repeats one body. Not part of the
 * test suite.
 */
@State(Scope.Thread)
@BenchmarkMode(org.openjdk.jmh.annotations.Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class PolicyBenchmark {

    private static final Rules OFF = new Rules(false, false);
    private static final Rules BOTH = new Rules(true, true);

    @Param({"1000"})
    public int bodies;

    @Param({"1"})
    public long seed;

    private final AdmissionService service = new AdmissionService(new ObjectMapper(), new SkipRules(Set.of()));
    private byte[][] reviews;
    private int next;

    @Setup
    public void generate() {
        reviews = ReviewBodies.generate(seed, bodies);
        // Every body must be a review the service answers (HTTP 200), else the figure means little.
        Map<Reason, Integer> reasons = new EnumMap<>(Reason.class);
        for (byte[] review : reviews) {
            for (Mode mode : Mode.values()) {
                Answer answer = service.review(review, BOTH, mode);
                if (answer.httpStatus() != 200) {
                    throw new IllegalStateException("HTTP " + answer.httpStatus() + " for a generated review: "
                            + new String(answer.encoded(), java.nio.charset.StandardCharsets.UTF_8));
                }
                reasons.merge(answer.reason(), 1, Integer::sum);
            }
        }
        System.out.println();
        System.out.println("bodies answered with both rules, mutate and validate: " + reasons);
    }

    private byte[] nextReview() {
        byte[] review = reviews[next];
        next = next + 1 == reviews.length ? 0 : next + 1;
        return review;
    }

    @Benchmark
    public Object rulesOff() {
        return service.review(nextReview(), OFF, Mode.MUTATE);
    }

    @Benchmark
    public Object bothRules() {
        return service.review(nextReview(), BOTH, Mode.MUTATE);
    }

    @Benchmark
    public Object validate() {
        return service.review(nextReview(), BOTH, Mode.VALIDATE);
    }
}
