package io.github.imagepullwebhook.admission;

import io.github.imagepullwebhook.policy.PolicyResult;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;

/**
 * A bounded memo of encoded change reports, keyed by what the rules did: the patch and the
 * policy's result (every change with its field, old value, new value and reason, and every
 * note). The report is a pure function of those two, so the memo can never change an answer.
 *
 * <p>Why it pays: pods are made from templates. Every pod of a ReplicaSet, Job or DaemonSet, and
 * every workload with the same container layout and pull policies, gets the same changes, only
 * the review's {@code uid} differs. Building the texts people read and encoding them with the
 * patch was the largest part of what the rules add to a review in the server (measured in
 * {@code bench/}); a hit replaces it with hashing a few short strings.
 *
 * <p>Direct-mapped and lock-free, as {@code ParsedReferences} is: one slot per key by its hash,
 * holding the last key there and its report; a collision builds the report again. Entries are
 * immutable, so a racing reader sees a whole entry or an older one. Reports whose encoding is
 * longer than {@link #LARGEST_KEPT} bytes (pods with dozens of changed containers) are built every
 * time, which bounds the memo's memory.
 */
final class ChangeReports {

    /** A power of two. */
    static final int SLOTS = 512;
    /** Typical reports are 300–800 bytes; a larger one is rare and not worth keeping. */
    static final int LARGEST_KEPT = 2_048;

    private record Key(Patch patch, PolicyResult result) {
    }

    private record Entry(Key key, ChangeReport report) {
    }

    /** {@code null} when the memo is off. */
    private final Entry[] slots;
    /** For the metrics: how often a kept report answered, and how often one was built. */
    private final LongAdder reused = new LongAdder();
    private final LongAdder built = new LongAdder();

    /** @param on false to build every report (the benchmarks measure both ways) */
    ChangeReports(boolean on) {
        this.slots = on ? new Entry[SLOTS] : null;
    }

    /**
     * The report for {@code patch} and {@code result}: the one kept for an equal pair, else
     * {@code build}'s, which is kept when small enough.
     *
     * @param build makes the report, encoded
     */
    ChangeReport report(Patch patch, PolicyResult result, Supplier<ChangeReport> build) {
        if (slots == null) {
            built.increment();
            return build.get();
        }
        Key key = new Key(patch, result);
        int hash = key.hashCode();
        int slot = (hash ^ (hash >>> 16)) & (SLOTS - 1);
        Entry entry = slots[slot];
        if (entry != null && entry.key.equals(key)) {
            reused.increment();
            return entry.report;
        }
        built.increment();
        ChangeReport report = build.get();
        if (report.members().asUnquotedUTF8().length <= LARGEST_KEPT) {
            slots[slot] = new Entry(key, report);
        }
        return report;
    }

    /** Reports answered from the memo so far. */
    long reused() {
        return reused.sum();
    }

    /** Reports built so far (every one, when the memo is off). */
    long built() {
        return built.sum();
    }
}
