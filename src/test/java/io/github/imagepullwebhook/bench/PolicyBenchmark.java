package io.github.imagepullwebhook.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.imagepullwebhook.admission.AdmissionService;
import io.github.imagepullwebhook.admission.SkipRules;
import io.github.imagepullwebhook.policy.Rules;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The whole review path without HTTP (decode, skip rules, policy, diff, encode) for a realistic
 * pod of three containers (one init, two regular) as the apiserver sends it. Run with
 * {@code bench/jmh.sh}; not part of the test suite.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class PolicyBenchmark {

    private final AdmissionService service = new AdmissionService(new ObjectMapper(), new SkipRules(Set.of()));
    private byte[] review;

    @Setup
    public void load() throws Exception {
        review = Files.readAllBytes(Path.of("src/test/resources/reviews/enforce-pod/request.json"));
    }

    @Benchmark
    public Object rulesOff() {
        return service.review(review, new Rules(false, false), AdmissionService.Mode.MUTATE);
    }

    @Benchmark
    public Object bothRules() {
        return service.review(review, new Rules(true, true), AdmissionService.Mode.MUTATE);
    }

    @Benchmark
    public Object validate() {
        return service.review(review, new Rules(true, true), AdmissionService.Mode.VALIDATE);
    }
}
