package io.github.imagepullwebhook.bench;

import io.vertx.core.AsyncResult;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.PemTrustOptions;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * An HTTPS load generator that posts distinct AdmissionReviews ({@link ReviewBodies}, in
 * rotation) and reports, per URL and step, requests/s, errors (any answer but HTTP 200, and any
 * failed request) and latency percentiles from a histogram of microseconds.
 *
 * <pre>
 * LoadGenerator --ca CA.crt [options] STEP...
 *   STEP               SECONDS[:REVIEWS]@URL[,URL...]: load every URL at once for SECONDS, and
 *                      (closed loop) on until each URL has answered REVIEWS: a warm-up measured
 *                      in work, which a busy machine cannot shorten; steps run in order over the
 *                      same connections (the JIT and the connections stay warm)
 *   --proto http2|http1   HTTP/2 over ALPN (default) or HTTP/1.1 with keep-alive
 *   --connections N    per URL; default 4 (http2) or 32 (http1)
 *   --streams M        concurrent streams per HTTP/2 connection; default 8
 *   --rate R           fixed rate: R requests/s per URL started on a schedule, whatever the
 *                      answers, latency measured from each request's scheduled start (so queueing
 *                      is not hidden); default: closed loop, connections x streams in flight.
 *                      Adds lag_p99_ms: how late the generator itself started requests
 *   --bodies N --seed S   the generated set (default 1000 of seed 1)
 *   --body FILE|DIR    post this file instead (repeatable): e.g. one body, to compare with h2load;
 *                      a directory gives its *.json files in name order (e.g. bench/pinning.sh's
 *                      bodies that name only images of a loopback registry)
 *   --warmup SECONDS   load the first step's URLs this long first, unreported
 *   --pid PORT=PID     report that server process's CPU per request (from /proc/PID/stat) and how
 *                      busy its event loops were (server_busy: share of the step running or
 *                      waiting for a CPU; near 1.0 the server was saturated, as a throughput
 *                      figure needs; lower, it waited for requests: the generator set the rate)
 * </pre>
 * Each step prints one line per URL of {@code key=value} fields: {@code step url secs rps requests
 * errors p50_ms p90_ms p99_ms max_ms gen_cpu gen_cpu_us gen_wait server_cpu_us server_busy start_ms
 * end_ms}, where
 * {@code gen_cpu} is this process's CPU over the step as a share of one core (near 1.0 means the
 * generator, not the server, may be the limit), {@code gen_cpu_us} the same per request of all
 * the step's URLs, to set beside the server's, and {@code gen_wait} the share of the step its
 * event loop spent runnable but waiting for a CPU (on a busy machine, well above 0 means the
 * generator was held back and may have set the rate). One event loop does all the work: pin it
 * with taskset, and give it a warm-up (its own JIT needs one as much as the server's).
 */
public final class LoadGenerator {

    private static final long NANOS = TimeUnit.SECONDS.toNanos(1);
    /** Clock ticks per second of /proc/PID/stat: USER_HZ, 100 on Linux. */
    private static final double TICKS = 100;

    private final Vertx vertx;
    private final Context loop;
    private final Buffer[] bodies;
    private final Map<String, HttpClientAgent> clients = new HashMap<>();
    private final Map<Integer, Integer> pids;
    private final boolean http2;
    private final int connections;
    private final int streams;
    private final double rate;

    private LoadGenerator(Vertx vertx, Buffer[] bodies, Map<Integer, Integer> pids, boolean http2, int connections,
                          int streams, double rate) {
        this.vertx = vertx;
        this.loop = vertx.getOrCreateContext();
        this.bodies = bodies;
        this.pids = pids;
        this.http2 = http2;
        this.connections = connections;
        this.streams = streams;
        this.rate = rate;
    }

    public static void main(String[] args) throws Exception {
        String proto = "http2";
        String ca = null;
        int connections = -1;
        int streams = 8;
        double rate = 0;
        int count = ReviewBodies.DEFAULT_COUNT;
        long seed = ReviewBodies.DEFAULT_SEED;
        double warmup = 0;
        List<Path> files = new ArrayList<>();
        Map<Integer, Integer> pids = new HashMap<>();
        List<String> steps = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--proto" -> proto = args[++i];
                case "--ca" -> ca = args[++i];
                case "--connections" -> connections = Integer.parseInt(args[++i]);
                case "--streams" -> streams = Integer.parseInt(args[++i]);
                case "--rate" -> rate = Double.parseDouble(args[++i]);
                case "--bodies" -> count = Integer.parseInt(args[++i]);
                case "--seed" -> seed = Long.parseLong(args[++i]);
                case "--body" -> files.add(Path.of(args[++i]));
                case "--warmup" -> warmup = Double.parseDouble(args[++i]);
                case "--pid" -> {
                    String[] portPid = args[++i].split("=", 2);
                    pids.put(Integer.parseInt(portPid[0]), Integer.parseInt(portPid[1]));
                }
                default -> {
                    if (args[i].startsWith("--") || !args[i].contains("@")) {
                        throw new IllegalArgumentException("unknown argument " + args[i] + "; see the class comment");
                    }
                    steps.add(args[i]);
                }
            }
        }
        if (ca == null || steps.isEmpty() || !(proto.equals("http1") || proto.equals("http2"))) {
            System.err.println("usage: LoadGenerator --ca CA.crt [--proto http2|http1] [--connections N] [--streams M] "
                    + "[--rate R] [--bodies N] [--seed S] [--body FILE]... [--warmup S] [--pid PORT=PID]... "
                    + "SECONDS@URL[,URL...]...");
            System.exit(2);
        }
        boolean http2 = proto.equals("http2");
        byte[][] raw = files.isEmpty() ? ReviewBodies.generate(seed, count) : read(files);
        Buffer[] bodies = Arrays.stream(raw).map(Buffer::buffer).toArray(Buffer[]::new);
        Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1).setWorkerPoolSize(1)
                .setInternalBlockingPoolSize(1));
        LoadGenerator generator = new LoadGenerator(vertx, bodies, pids, http2,
                connections > 0 ? connections : http2 ? 4 : 32, http2 ? streams : 1, rate);
        System.out.printf(Locale.ROOT, "# %s, %d connection(s) x %d stream(s) per URL, %s; %s%n", proto,
                generator.connections, generator.streams, rate > 0 ? "fixed rate " + rate + "/s per URL" : "closed loop",
                files.isEmpty() ? "generated set (seed " + seed + ")" : raw.length + " file(s)");
        System.out.printf("# %s%n", ReviewBodies.describe(raw).replace("\n", "\n# "));
        try {
            for (String step : steps) {
                generator.clientsFor(step, ca);
            }
            if (warmup > 0) {
                generator.run(0, warmup, 0, steps.get(0));
            }
            for (int i = 0; i < steps.size(); i++) {
                String[] length = steps.get(i).split("@", 2)[0].split(":", 2);
                long reviews = length.length > 1 ? Long.parseLong(length[1]) : 0;
                for (String line : generator.run(i + 1, Double.parseDouble(length[0]), reviews, steps.get(i))) {
                    System.out.println(line);
                }
                System.out.flush();
            }
        } finally {
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
    }

    private static byte[][] read(List<Path> paths) throws IOException {
        List<Path> files = new ArrayList<>();
        for (Path path : paths) {
            if (Files.isDirectory(path)) {
                try (var listed = Files.list(path)) {
                    listed.filter(f -> f.toString().endsWith(".json")).sorted().forEach(files::add);
                }
            } else {
                files.add(path);
            }
        }
        byte[][] raw = new byte[files.size()][];
        for (int i = 0; i < raw.length; i++) {
            raw[i] = Files.readAllBytes(files.get(i));
        }
        return raw;
    }

    /** One client (pool of connections) per host and port, kept over all steps. */
    private void clientsFor(String step, String ca) {
        for (String url : step.split("@", 2)[1].split(",")) {
            URI uri = URI.create(url);
            clients.computeIfAbsent(uri.getHost() + ":" + uri.getPort(), key -> {
                HttpClientOptions options = new HttpClientOptions()
                        .setSsl(true)
                        .setTrustOptions(new PemTrustOptions().addCertPath(ca))
                        .setKeepAlive(true)
                        .setPipelining(false)
                        .setProtocolVersion(http2 ? HttpVersion.HTTP_2 : HttpVersion.HTTP_1_1)
                        .setUseAlpn(http2)
                        .setHttp2MultiplexingLimit(streams);
                PoolOptions pool = new PoolOptions().setHttp1MaxSize(connections).setHttp2MaxSize(connections);
                return vertx.createHttpClient(options, pool);
            });
        }
    }

    /**
     * Loads every URL of the step for {@code seconds} and, closed loop, until each has answered
     * {@code reviews}; returns one line per URL (none for step 0, the warm-up).
     */
    private List<String> run(int number, double seconds, long reviews, String step) throws Exception {
        List<Target> targets = new ArrayList<>();
        for (String url : step.split("@", 2)[1].split(",")) {
            URI uri = URI.create(url);
            targets.add(new Target(url, clients.get(uri.getHost() + ":" + uri.getPort()), pids.get(uri.getPort()),
                    rate > 0 ? 0 : reviews));
        }
        CompletableFuture<long[]> done = new CompletableFuture<>();
        long genCpu0 = cpuTicks(ProcessHandle.current().pid());
        long wait0 = eventLoops("self")[1];
        long wall0 = System.currentTimeMillis();
        loop.runOnContext(v -> {
            long start = System.nanoTime();
            long end = start + (long) (seconds * NANOS);
            int[] running = {targets.size()};
            for (Target target : targets) {
                target.start(start, end, () -> {
                    if (--running[0] == 0) {
                        done.complete(new long[] {start, System.nanoTime()});
                    }
                });
            }
        });
        done.get((long) seconds + (reviews > 0 ? 3600 : 60), TimeUnit.SECONDS);
        long genCpu1 = cpuTicks(ProcessHandle.current().pid());
        long wait1 = eventLoops("self")[1];
        long wall1 = System.currentTimeMillis();
        List<String> lines = new ArrayList<>();
        if (number == 0) {
            return lines;
        }
        double genCpu = (genCpu1 - genCpu0) / TICKS / ((wall1 - wall0) / 1000.0);
        double genWait = (wait1 - wait0) / 1e6 / (wall1 - wall0);
        long answered = targets.stream().mapToLong(t -> t.completed + t.errors).sum();
        double genCpuPerRequest = (genCpu1 - genCpu0) / TICKS * 1e6 / Math.max(1, answered);
        for (Target t : targets) {
            double serverCpu = t.pid == null ? Double.NaN : (t.cpuEnd - t.cpuStart) / TICKS * 1e6 / t.completed;
            double serverBusy = t.pid == null ? Double.NaN : (t.busyEnd - t.busyStart) / 1e9 / t.seconds();
            lines.add(String.format(Locale.ROOT, "step=%d url=%s secs=%.2f rps=%.1f requests=%d errors=%d p50_ms=%.3f "
                    + "p90_ms=%.3f p99_ms=%.3f max_ms=%.3f gen_cpu=%.2f gen_cpu_us=%.1f gen_wait=%.2f server_cpu_us=%.1f "
                    + "server_busy=%.2f start_ms=%d end_ms=%d%s",
                    number, t.url, t.seconds(), t.completed / t.seconds(), t.completed, t.errors,
                    t.latency.percentile(0.50), t.latency.percentile(0.90), t.latency.percentile(0.99),
                    t.latency.max / 1000.0, genCpu, genCpuPerRequest, genWait, serverCpu, serverBusy, t.startMillis, t.endMillis,
                    rate > 0 ? String.format(Locale.ROOT, " lag_p99_ms=%.3f", t.lag.percentile(0.99)) : ""));
            if (t.firstError != null) {
                lines.add("# first error at " + t.url + ": " + t.firstError);
            }
        }
        return lines;
    }

    /**
     * How long a process's Vert.x event loop threads have run on a CPU and waited, runnable, for
     * one (the first two fields of /proc/PROC/task/TID/schedstat), in nanoseconds; zeros where
     * the kernel does not say. {@code proc} is a pid or "self".
     */
    static long[] eventLoops(String proc) {
        long[] runWait = new long[2];
        try (var tasks = Files.list(Path.of("/proc/" + proc + "/task"))) {
            for (Path task : tasks.toList()) {
                if (Files.readString(task.resolve("comm")).startsWith("vert.x-eventloo")) {
                    String[] f = Files.readString(task.resolve("schedstat")).trim().split(" ");
                    runWait[0] += Long.parseLong(f[0]);
                    runWait[1] += Long.parseLong(f[1]);
                }
            }
        } catch (IOException | RuntimeException e) {
            return new long[2]; // a thread that ended while listed, or no schedstat: the figures are only hints
        }
        return runWait;
    }

    /** Running or runnable time of a server's event loops, in nanoseconds. */
    private static long busyNanos(Integer pid) {
        if (pid == null) {
            return 0;
        }
        long[] runWait = eventLoops(pid.toString());
        return runWait[0] + runWait[1];
    }

    /** utime + stime of a process, in clock ticks. */
    static long cpuTicks(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Long.parseLong(f[11]) + Long.parseLong(f[12]); // fields 14 and 15 of proc(5)
        } catch (IOException e) {
            throw new IllegalStateException("cannot read the CPU time of process " + pid, e);
        }
    }

    /** One URL's load within a step. All of it runs on the one event loop: no locks. */
    private final class Target {
        final String url;
        final HttpClientAgent client;
        final Integer pid;
        final RequestOptions request;
        final Histogram latency = new Histogram();
        /** Fixed rate: how late each request was started, the generator's own share of the latency. */
        final Histogram lag = new Histogram();
        long completed;
        long errors;
        String firstError;
        long startNanos;
        long endNanos;
        long startMillis;
        long endMillis;
        long cpuStart;
        long cpuEnd;
        long busyStart;
        long busyEnd;
        int next;
        int inFlight;
        boolean stopped;
        /** Closed loop: the step's time is over, but not yet {@link #minAnswers} answers. */
        boolean timeUp;
        final long minAnswers;
        long answers;
        long stopNanos;
        Runnable finished;

        Target(String url, HttpClientAgent client, Integer pid, long minAnswers) {
            this.url = url;
            this.minAnswers = minAnswers;
            this.client = client;
            this.pid = pid;
            this.request = new RequestOptions().setMethod(HttpMethod.POST).setAbsoluteURI(url)
                    .putHeader("content-type", "application/json").setIdleTimeout(30_000);
            this.next = Math.floorMod(url.hashCode(), bodies.length); // URLs of one step post different bodies
        }

        void start(long start, long end, Runnable whenDone) {
            startNanos = start;
            endNanos = end;
            startMillis = System.currentTimeMillis();
            finished = whenDone;
            cpuStart = pid == null ? 0 : cpuTicks(pid);
            busyStart = busyNanos(pid);
            if (rate > 0) {
                Thread pacer = new Thread(this::pace, "pacer");
                pacer.setDaemon(true);
                pacer.start();
            } else {
                vertx.setTimer(Math.max(1, (end - start) / 1_000_000), id -> {
                    timeUp = true;
                    if (answers >= minAnswers) {
                        stop();
                    }
                });
                for (int i = 0; i < connections * streams; i++) {
                    send(0, false);
                }
            }
        }

        /**
         * Fixed rate, on a thread of its own: sleeps until the next request is due (parkNanos is
         * finer than the event loop's millisecond timers), then has the event loop start every
         * request due by then, each timed from when it was due.
         */
        private void pace() {
            long i = 0;
            while (true) {
                long due = dueAt(i);
                if (due >= endNanos) {
                    break;
                }
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    LockSupport.parkNanos(wait);
                }
                long now = System.nanoTime();
                long from = i;
                while (dueAt(i) <= now && dueAt(i) < endNanos) {
                    i++;
                }
                long to = i;
                loop.runOnContext(v -> {
                    for (long k = from; k < to; k++) {
                        long scheduled = dueAt(k);
                        lag.record((System.nanoTime() - scheduled) / 1000);
                        send(scheduled, true);
                    }
                });
            }
            loop.runOnContext(v -> stop());
        }

        private long dueAt(long i) {
            return startNanos + (long) (i * (NANOS / rate));
        }

        /** @param scheduled fixed rate: {@code due} is when the request was due; else it is timed from now */
        private void send(long due, boolean scheduled) {
            long start = scheduled ? due : System.nanoTime();
            Buffer body = bodies[next];
            next = next + 1 == bodies.length ? 0 : next + 1;
            inFlight++;
            client.request(request)
                    .compose(req -> req.send(body))
                    .compose(response -> response.body().map(b -> response.statusCode()))
                    .onComplete(result -> answered(start, scheduled, result));
        }

        private void answered(long start, boolean scheduled, AsyncResult<Integer> result) {
            inFlight--;
            long now = System.nanoTime();
            // Closed loop: answers within the step count. Fixed rate: every request scheduled in it.
            if (scheduled || !stopped) {
                answers++;
                if (result.succeeded() && result.result() == 200) {
                    completed++;
                    latency.record((now - start) / 1000);
                } else {
                    errors++;
                    if (firstError == null) {
                        firstError = result.succeeded() ? "HTTP " + result.result() : String.valueOf(result.cause());
                    }
                }
            }
            if (!scheduled && timeUp && !stopped && answers >= minAnswers) {
                stop();
            }
            if (!scheduled && !stopped) {
                send(0, false);
            } else if (stopped && inFlight == 0) {
                finish();
            }
        }

        private void stop() {
            stopped = true;
            stopNanos = System.nanoTime();
            cpuEnd = pid == null ? 0 : cpuTicks(pid);
            busyEnd = busyNanos(pid);
            endMillis = System.currentTimeMillis();
            if (inFlight == 0) {
                finish();
            }
        }

        /** How long the step ran for this URL: as scheduled at a fixed rate, else until stopped. */
        double seconds() {
            return (rate > 0 ? endNanos - startNanos : stopNanos - startNanos) / (double) NANOS;
        }

        private void finish() {
            if (finished != null) {
                Runnable f = finished;
                finished = null;
                f.run();
            }
        }
    }

    /** Latencies in microseconds: exact to 100 ms, then by the millisecond to 100 s. */
    static final class Histogram {
        private static final int FINE = 100_000;
        private final long[] micros = new long[FINE];
        private final long[] millis = new long[100_000];
        long count;
        long max;

        void record(long us) {
            long v = Math.max(0, us);
            if (v < FINE) {
                micros[(int) v]++;
            } else {
                millis[(int) Math.min(millis.length - 1, v / 1000)]++;
            }
            count++;
            max = Math.max(max, v);
        }

        /** The value at quantile q, in milliseconds; NaN when empty. */
        double percentile(double q) {
            if (count == 0) {
                return Double.NaN;
            }
            long rank = Math.max(1, (long) Math.ceil(q * count));
            long seen = 0;
            for (int i = 0; i < FINE; i++) {
                seen += micros[i];
                if (seen >= rank) {
                    return i / 1000.0;
                }
            }
            for (int i = 0; i < millis.length; i++) {
                seen += millis[i];
                if (seen >= rank) {
                    return i;
                }
            }
            return max / 1000.0;
        }
    }
}
