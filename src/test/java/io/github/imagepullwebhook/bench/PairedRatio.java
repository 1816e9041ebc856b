package io.github.imagepullwebhook.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.imagepullwebhook.admission.AdmissionService;
import io.github.imagepullwebhook.admission.SkipRules;
import io.github.imagepullwebhook.policy.Rules;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Set;

/**
 * The review path without HTTP, both rules against rules off, as a ratio that holds still on a
 * noisy machine: short batches of each alternate, and the median of the per-pair ratios is
 * printed. JMH's separate runs of each drift apart by more than the difference being measured.
 * Run with {@code bench/paired.sh [body.json]}; not part of the test suite.
 */
public final class PairedRatio {

    private static final int BATCH = 5000;
    private static Object sink;

    private PairedRatio() {
    }

    public static void main(String[] args) throws Exception {
        AdmissionService service = new AdmissionService(new ObjectMapper(), new SkipRules(Set.of()));
        byte[] body = Files.readAllBytes(Path.of(args.length > 0 ? args[0]
                : "src/test/resources/reviews/enforce-pod/request.json"));
        Rules off = new Rules(false, false);
        Rules both = new Rules(true, true);
        int rounds = Integer.getInteger("rounds", 200);
        for (int i = 0; i < 200; i++) { // warm-up: two million reviews of each
            batch(service, body, off);
            batch(service, body, both);
        }
        double[] offNanos = new double[rounds];
        double[] bothNanos = new double[rounds];
        double[] ratios = new double[rounds];
        for (int r = 0; r < rounds; r++) {
            boolean offFirst = r % 2 == 0; // alternate the order, so neither profile always runs second
            long offTime = offFirst ? batch(service, body, off) : 0;
            long bothTime = batch(service, body, both);
            offTime = offFirst ? offTime : batch(service, body, off);
            offNanos[r] = offTime / (double) BATCH;
            bothNanos[r] = bothTime / (double) BATCH;
            ratios[r] = offNanos[r] / bothNanos[r];
        }
        Arrays.sort(offNanos);
        Arrays.sort(bothNanos);
        Arrays.sort(ratios);
        System.out.printf("per review: rules off %.0f ns, both rules %.0f ns (medians); both rules / rules off "
                + "throughput %.3f (median of %d pairs, quartiles %.3f-%.3f)%n", offNanos[rounds / 2],
                bothNanos[rounds / 2], ratios[rounds / 2], rounds, ratios[rounds / 4], ratios[3 * rounds / 4]);
    }

    private static long batch(AdmissionService service, byte[] body, Rules rules) {
        long start = System.nanoTime();
        for (int i = 0; i < BATCH; i++) {
            sink = service.review(body, rules, AdmissionService.Mode.MUTATE);
        }
        return System.nanoTime() - start;
    }
}
