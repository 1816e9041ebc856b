package io.github.imagepullwebhook.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.imagepullwebhook.admission.AdmissionService;
import io.github.imagepullwebhook.admission.AdmissionService.Answer;
import io.github.imagepullwebhook.admission.AdmissionService.Mode;
import io.github.imagepullwebhook.admission.Pinning;
import io.github.imagepullwebhook.admission.Reason;
import io.github.imagepullwebhook.admission.SkipRules;
import io.github.imagepullwebhook.credentials.Keyring;
import io.github.imagepullwebhook.credentials.RegistryCredential;
import io.github.imagepullwebhook.credentials.StaticKeychain;
import io.github.imagepullwebhook.policy.Rules;
import io.github.imagepullwebhook.registry.CachingResolver;
import io.github.imagepullwebhook.registry.DigestResolver;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.EnumMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
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
 * Pinning's warm path without HTTP: {@code pin} (defaultPullPolicy, alwaysPull, pinDigests)
 * against {@code both} (the same without pinning), each call on the next of a set of distinct
 * Pod reviews, every digest already in the cache: {@link PinningBodies}, as
 * {@code bench/pinning.sh} measures them. The node's keyring holds the registry's credential,
 * so every lookup carries one and the cache keys every answer by it.
 * The registry behind the cache is never asked once the set has been answered (setup checks
 * that): it stands in for {@code bench/pinning.sh}'s real one, which measures the same path over
 * HTTP. Run with {@code bench/jmh.sh PinningBenchmark} ({@code -prof gc} adds B per review).
 * Not part of the test suite.
 */
@State(Scope.Thread)
@BenchmarkMode(org.openjdk.jmh.annotations.Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class PinningBenchmark {

    private static final String REGISTRY = "registry.bench.test:5000";
    private static final Rules BOTH = new Rules(true, true);
    private static final Rules PIN = new Rules(true, true, true, true);

    @Param({"1000"})
    public int bodies;

    @Param({"50"})
    public int repositories;

    private AdmissionService service;
    private byte[][] reviews;
    private int next;
    private int registryRequests;

    @Setup
    public void setUp() {
        ObjectMapper json = new ObjectMapper();
        reviews = PinningBodies.moved(ReviewBodies.generate(ReviewBodies.DEFAULT_SEED, bodies), REGISTRY, repositories);
        Keyring node = new Keyring().add(Map.of(REGISTRY, new RegistryCredential("bench", "bench-password", "", "bench")));
        DigestResolver registry = (image, credentials) -> {
            registryRequests++;
            return CompletableFuture.completedFuture(digest(image.canonical()));
        };
        service = new AdmissionService(json, new SkipRules(Set.of()), new Pinning(new StaticKeychain(node),
                new CachingResolver(registry, Duration.ofHours(1), Duration.ofSeconds(10), 10_000), Duration.ofSeconds(5),
                false));
        Map<Reason, Integer> reasons = new EnumMap<>(Reason.class);
        for (byte[] review : reviews) {
            Answer answer = service.review(review, PIN, Mode.MUTATE);
            if (answer.httpStatus() != 200 || answer.reason() == Reason.RESOLUTION_FAILED_ALLOWED) {
                throw new IllegalStateException("not pinned: " + new String(answer.encoded(), StandardCharsets.UTF_8));
            }
            reasons.merge(answer.reason(), 1, Integer::sum);
        }
        int cold = registryRequests;
        for (byte[] review : reviews) {
            service.review(review, PIN, Mode.MUTATE);
        }
        if (registryRequests != cold) {
            throw new IllegalStateException("the second pass asked the registry again: not every digest is cached");
        }
        System.out.println();
        System.out.println(reviews.length + " Pod reviews, " + cold + " images to resolve; answered with pin: " + reasons);
    }

    private byte[] nextReview() {
        byte[] review = reviews[next];
        next = next + 1 == reviews.length ? 0 : next + 1;
        return review;
    }

    @Benchmark
    public Object both() {
        return service.review(nextReview(), BOTH, Mode.MUTATE);
    }

    @Benchmark
    public Object pin() {
        return service.review(nextReview(), PIN, Mode.MUTATE);
    }

    private static String digest(String canonical) {
        try {
            return "sha256:" + HexFormat.of().formatHex(
                    MessageDigest.getInstance("SHA-256").digest(canonical.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
