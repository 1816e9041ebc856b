package io.github.imagepullwebhook.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Predicate;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordingFile;

/**
 * Where the server spends each profile's CPU, per request, with the machine's drift cancelled.
 * {@code bench/server-profile.sh} runs one server under the Flight Recorder and loads two
 * profiles in short alternating rounds, writing each round's profile, start, end, requests and
 * server CPU time; this reads that list and the recording, gives each CPU sample to the round
 * it fell in (the edges of each round are left out), and prints CPU microseconds per request
 * by method for each profile and their difference. Because the rounds alternate, a slow minute
 * of the machine falls on both profiles: code both profiles share (the decoding, TLS) comes out
 * equal, which is the check that the split is fair. Not part of the test suite.
 */
public final class ServerProfile {

    private static final long EDGE_MILLIS = 400;
    private static final String OURS = "io.github.imagepullwebhook.";

    /** One round of load: which profile, when, and what it cost. */
    private record Round(String profile, long startMillis, long endMillis, double requests, double cpuMicros) {
    }

    /** Samples in one profile's rounds: all, and per method (inclusive, and as the leaf frame). */
    private static final class Tally {
        double requests;
        double cpuMicros;
        long samples;
        final Map<String, Long> inclusive = new HashMap<>();
        final Map<String, Long> self = new HashMap<>();

        double microsPerRequest(Map<String, Long> counts, String method) {
            return samples == 0 ? 0 : counts.getOrDefault(method, 0L) * (cpuMicros / requests) / samples;
        }
    }

    private ServerProfile() {
    }

    /** Arguments: rounds file, recording, first profile, second profile, rows to print. */
    public static void main(String[] args) throws IOException {
        List<Round> rounds = readRounds(Path.of(args[0]));
        String first = args[2];
        String second = args[3];
        int rows = args.length > 4 ? Integer.parseInt(args[4]) : 25;
        Map<String, Tally> tallies = new HashMap<>();
        for (Round round : rounds) {
            Tally tally = tallies.computeIfAbsent(round.profile(), p -> new Tally());
            tally.requests += round.requests();
            tally.cpuMicros += round.cpuMicros();
        }
        for (RecordedEvent sample : RecordingFile.readAllEvents(Path.of(args[1]))) {
            if (sample.getEventType().getName().equals("jdk.ExecutionSample") && sample.getStackTrace() != null) {
                Round round = roundAt(rounds, sample.getStartTime().toEpochMilli());
                if (round != null) {
                    count(tallies.get(round.profile()), sample.getStackTrace().getFrames());
                }
            }
        }
        Tally a = tallies.get(first);
        Tally b = tallies.get(second);
        for (String profile : List.of(first, second)) {
            Tally t = tallies.get(profile);
            System.out.printf("%s: %.0f requests, %.2f us of server CPU per request, %d samples%n", profile,
                    t.requests, t.cpuMicros / t.requests, t.samples);
        }
        System.out.printf("%nOur methods, inclusive (us per request)%n");
        print(a, b, t -> t.inclusive, rows, m -> m.startsWith(OURS) && !m.contains("$$Lambda"), first, second);
        System.out.printf("%nLeaf frames, anywhere (us per request)%n");
        print(a, b, t -> t.self, rows, m -> true, first, second);
    }

    private static List<Round> readRounds(Path file) throws IOException {
        List<Round> rounds = new ArrayList<>();
        for (String line : Files.readAllLines(file)) {
            String[] f = line.trim().split("\\s+");
            if (f.length == 5) { // profile start-ms end-ms requests cpu-us
                rounds.add(new Round(f[0], Long.parseLong(f[1]), Long.parseLong(f[2]), Double.parseDouble(f[3]),
                        Double.parseDouble(f[4])));
            }
        }
        return rounds;
    }

    /** The round a sample belongs to; null for samples near a round's edges or between rounds. */
    private static Round roundAt(List<Round> rounds, long millis) {
        for (Round round : rounds) {
            if (millis >= round.startMillis() + EDGE_MILLIS && millis <= round.endMillis() - EDGE_MILLIS) {
                return round;
            }
        }
        return null;
    }

    private static void count(Tally tally, List<RecordedFrame> frames) {
        if (frames.isEmpty()) {
            return;
        }
        tally.samples++;
        tally.self.merge(name(frames.get(0)), 1L, Long::sum);
        Set<String> seen = new HashSet<>();
        for (RecordedFrame frame : frames) {
            String name = name(frame);
            if (seen.add(name)) {
                tally.inclusive.merge(name, 1L, Long::sum);
            }
        }
    }

    private static String name(RecordedFrame frame) {
        return frame.getMethod().getType().getName() + "." + frame.getMethod().getName();
    }

    /** The {@code rows} methods whose cost differs most between the two profiles. */
    private static void print(Tally a, Tally b, Function<Tally, Map<String, Long>> counts, int rows,
            Predicate<String> keep, String first, String second) {
        Set<String> methods = new HashSet<>(counts.apply(a).keySet());
        methods.addAll(counts.apply(b).keySet());
        Comparator<String> byDifference = Comparator.comparingDouble(
                m -> -Math.abs(b.microsPerRequest(counts.apply(b), m) - a.microsPerRequest(counts.apply(a), m)));
        System.out.printf("%9s %9s %9s  method%n", first, second, "diff");
        for (String m : methods.stream().filter(keep).sorted(byDifference).limit(rows).toList()) {
            double x = a.microsPerRequest(counts.apply(a), m);
            double y = b.microsPerRequest(counts.apply(b), m);
            System.out.printf("%9.2f %9.2f %+9.2f  %s%n", x, y, y - x, m.startsWith(OURS) ? m.substring(OURS.length()) : m);
        }
    }
}
