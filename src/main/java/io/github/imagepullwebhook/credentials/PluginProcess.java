package io.github.imagepullwebhook.credentials;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One run of a plugin binary: the request on stdin, at most {@link #MAX_OUTPUT} bytes of
 * stdout back, within a time limit, after which the process and everything it started are
 * killed. Reading a pipe blocks, so the run takes a thread of {@code executor} (never an event
 * loop) until the process has ended.
 *
 * <p>stderr goes to {@code /dev/null}: plugins print their errors there, and those may quote
 * tokens or credentials, which must reach neither a user's warning nor the webhook's log. The
 * OS discards it, so nothing has to drain it and a chatty plugin cannot block on a full pipe.
 */
final class PluginProcess {

    /** Ample for any real answer (a few KiB); bounds what a broken plugin can make us hold. */
    static final int MAX_OUTPUT = 1 << 20;

    private final String provider;
    private final ProcessBuilder builder;
    private final CompletableFuture<byte[]> output = new CompletableFuture<>();
    private final AtomicReference<Process> running = new AtomicReference<>();

    private PluginProcess(String provider, List<String> command, Map<String, String> environment) {
        this.provider = provider;
        this.builder = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD);
        builder.environment().clear();
        builder.environment().putAll(environment);
    }

    /**
     * Runs {@code command} with exactly {@code environment}; completes with its stdout when it
     * exits with status 0, otherwise fails with a {@link CredentialProviderException}. The limit
     * counts from now, so a run that waited for a thread has that much less time.
     */
    static CompletableFuture<byte[]> run(String provider, List<String> command, Map<String, String> environment,
                                         byte[] input, Duration limit, Executor executor) {
        PluginProcess run = new PluginProcess(provider, command, environment);
        run.output.orTimeout(limit.toNanos(), TimeUnit.NANOSECONDS).whenComplete((stdout, failure) -> {
            if (failure != null) {
                run.kill(); // the timer's thread: killing is quick and ends the blocked read
            }
        });
        try {
            executor.execute(() -> run.execute(input));
        } catch (RejectedExecutionException e) {
            run.fail("could not be run: no thread is free (the webhook is stopping)");
        }
        return run.output.exceptionallyCompose(failure -> failure instanceof TimeoutException
                ? CompletableFuture.failedFuture(new CredentialProviderException(provider,
                        "gave no answer within " + limit.toMillis() + " ms and was killed"))
                : CompletableFuture.failedFuture(failure));
    }

    private void execute(byte[] input) {
        if (output.isDone()) {
            return; // out of time while it waited for a thread: not started at all
        }
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            fail("could not be started (" + e.getClass().getSimpleName() + ")");
            return;
        }
        running.set(process);
        if (output.isDone()) {
            kill(); // the time ran out while it started
        }
        write(process, input);
        try {
            byte[] stdout = readAtMost(process.getInputStream());
            if (stdout == null) {
                fail("wrote more than " + (MAX_OUTPUT >> 20) + " MiB to stdout and was killed");
                return;
            }
            int status = process.waitFor();
            if (status != 0) {
                fail("exited with status " + status);
                return;
            }
            output.complete(stdout);
        } catch (IOException e) {
            fail("could not be read (" + e.getClass().getSimpleName() + ")");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            fail("was interrupted");
        }
    }

    /** The request is a few hundred bytes: it fits in the pipe even when the plugin never reads it. */
    private static void write(Process process, byte[] input) {
        try (OutputStream stdin = process.getOutputStream()) {
            stdin.write(input);
        } catch (IOException exitedWithoutReading) {
            // its exit status and output decide
        }
    }

    /** All of stdout, or null when there is more than {@link #MAX_OUTPUT}. */
    private static byte[] readAtMost(InputStream stdout) throws IOException {
        try (stdout) {
            ByteArrayOutputStream read = new ByteArrayOutputStream();
            byte[] buffer = new byte[8192];
            int n;
            while ((n = stdout.read(buffer)) >= 0) {
                if (read.size() + n > MAX_OUTPUT) {
                    return null;
                }
                read.write(buffer, 0, n);
            }
            return read.toByteArray();
        }
    }

    private void fail(String problem) {
        kill();
        output.completeExceptionally(new CredentialProviderException(provider, problem));
    }

    /**
     * Kills what the plugin started first, then the plugin: killed first, it would leave its
     * children to init, no longer findable, one of them perhaps still holding stdout open.
     * The JDK reaps the plugin itself; orphans are reaped by the pod's init process.
     */
    private void kill() {
        Process process = running.get();
        if (process != null && process.isAlive()) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
        }
    }
}
