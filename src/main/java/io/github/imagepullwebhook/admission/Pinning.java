package io.github.imagepullwebhook.admission;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.imagepullwebhook.credentials.CredentialProviderException;
import io.github.imagepullwebhook.credentials.Keychain;
import io.github.imagepullwebhook.credentials.PodKeyring;
import io.github.imagepullwebhook.policy.DigestPinner.Candidate;
import io.github.imagepullwebhook.policy.ImagePolicy;
import io.github.imagepullwebhook.registry.DigestResolver;
import io.github.imagepullwebhook.registry.RegistryException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Asks, for every candidate of one review at once, the registry for its digest with the
 * credentials the pod would use, all within one deadline (well inside the webhook's
 * {@code timeoutSeconds}). Never throws: every candidate ends as a digest or a reason. With no
 * candidate it reads the pod's pull Secrets only, for {@code checkPullSecrets}.
 *
 * @param keychain    the pod's credentials
 * @param resolver    the registry (usually through the cache)
 * @param timeout     deadline for the whole review's registry work
 * @param denyOnError {@code registry.onError: deny}
 */
public record Pinning(Keychain keychain, DigestResolver resolver, Duration timeout, boolean denyOnError) {

    /** One candidate's outcome: a digest, or why there is none. */
    public record Result(Candidate candidate, String digest, String failure) {
    }

    /**
     * What pinning found, with the keychain's warnings.
     *
     * @param missing names of the pod's pull Secrets that do not exist
     */
    public record Outcome(List<Result> results, List<String> warnings, List<String> missing) {
    }

    CompletionStage<Outcome> resolve(String namespace, JsonNode podSpec, boolean isPod, List<Candidate> candidates) {
        long deadline = System.nanoTime() + timeout.toNanos();
        return withDeadline(keychain.keyringFor(namespace, podSpec, isPod).toCompletableFuture(), deadline)
                .thenCompose(keyring -> resolveAll(keyring, candidates, deadline))
                .exceptionally(failure -> {
                    String reason = "cannot read pull secrets: " + describe(failure);
                    // Without candidates nothing fails but the check of the pod's Secrets: say so.
                    return new Outcome(candidates.stream().map(c -> new Result(c, null, reason)).toList(),
                            candidates.isEmpty() ? List.of(reason) : List.of(), List.of());
                });
    }

    /**
     * The keyring's lookup needs no timer of its own: it ends by the deadline by itself, and
     * fails naming the credential provider that did not answer (a second timer here could fire
     * first and hide which one).
     */
    private CompletableFuture<Outcome> resolveAll(PodKeyring keyring, List<Candidate> candidates, long deadline) {
        List<CompletableFuture<Result>> pending = new ArrayList<>();
        for (Candidate candidate : candidates) {
            pending.add(keyring.lookup(candidate.reference(), deadline)
                    .thenCompose(credentials -> withDeadline(resolver.resolve(candidate.reference(), credentials)
                            .toCompletableFuture(), deadline))
                    .handle((digest, failure) -> failure == null ? new Result(candidate, digest, null)
                            : new Result(candidate, null, describe(failure))));
        }
        return CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new))
                .thenApply(done -> new Outcome(pending.stream().map(CompletableFuture::join).toList(), keyring.warnings(),
                        keyring.missing()));
    }

    /** A timer only for what is still pending: cache hits are complete and need none. */
    private static <T> CompletableFuture<T> withDeadline(CompletableFuture<T> future, long deadline) {
        return future.isDone() ? future : future.orTimeout(remaining(deadline), TimeUnit.NANOSECONDS);
    }

    private static long remaining(long deadline) {
        return Math.max(1, deadline - System.nanoTime());
    }

    /**
     * A reason safe to show: registry and credential provider messages as they are, timeouts
     * named, anything else by type only.
     */
    static String describe(Throwable failure) {
        Throwable cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
        if (cause instanceof RegistryException || cause instanceof CredentialProviderException) {
            return cause.getMessage();
        }
        if (cause instanceof TimeoutException) {
            return "no answer within the registry deadline";
        }
        return cause.getClass().getSimpleName();
    }

    /** A short name of the image for messages. */
    static String quote(Candidate candidate) {
        return ImagePolicy.quote(candidate.reference().original());
    }
}
