package io.github.imagepullwebhook.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.marcnuri.helm.Helm;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhook;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhookConfiguration;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhookConfigurationBuilder;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingWebhook;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingWebhookConfiguration;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingWebhookConfigurationBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * Pod creations per second through the cluster's apiserver with our webhook
 * installed, against the same registrations pointing at the cheapest possible webhook (a
 * canned constant allow, {@code bench/CannedWebhook}), against none, in alternating rounds of
 * one run, and between them the canned webhook returning our own answer piece by piece (our
 * patch; + our warnings; + our audit annotations; mutate only), so the apiserver's cost of each
 * piece of our answer shows as a throughput and apiserver-CPU difference.
 *
 * <p>Run by {@code bench/cluster-admission.sh} (which starts and stops the cluster). Not a
 * test: it prints a table. Each variant is a pair of registrations (mutate + validate, as the
 * chart makes for an {@code alwaysPull} profile) selecting the namespace of that variant only.
 */
public final class AdmissionThroughputBench {

    static final String BENCH_NS = "ipw-bench";
    static final ObjectMapper JSON = new ObjectMapper();
    /** The apiserver's CPU ticks (10 ms) per second with no load: background work, not the pods'. */
    static double idleTicksPerSecond;

    public static void main(String[] args) throws Exception {
        int rounds = Integer.getInteger("rounds", 4);
        int seconds = Integer.getInteger("seconds", 8);
        int threads = Integer.getInteger("threads", 16);
        E2ECluster cluster = E2ECluster.get();
        KubernetesClient k = cluster.client;
        System.out.printf("cluster-admission benchmark, %s, Kubernetes %s, %d rounds x %d s per variant, %d client threads%n",
                LocalDateTime.now().withNano(0), cluster.env.get("E2E_KUBE_VERSION"), rounds, seconds, threads);

        // 1. Ours: helm install with one enforcing profile that selects the "ours" namespace only.
        Path values = Files.createTempFile("ipw-bench", ".yaml");
        Files.writeString(values, """
                profiles:
                  default:
                    namespaceSelector: {matchLabels: {ipw-bench: unused}}
                  bench:
                    alwaysPull: true
                    namespaceSelector: {matchLabels: {ipw-bench: ours}}
                """);
        new Helm(Path.of("charts/image-pull-webhook")).install().withName(Installed.NAME).withNamespace(Installed.NAMESPACE)
                .createNamespace().withKubeConfig(cluster.kubeconfig)
                .set("image.repository", WebhookE2E.repository(cluster.webhookImage))
                .set("image.tag", WebhookE2E.tag(cluster.webhookImage)).withValuesFile(values)
                .waitReady().withTimeout(240).call();
        Files.delete(values);
        List<Pod> ours = Installed.readyReplicas(cluster, 2, Duration.ofSeconds(120));
        String ca = Installed.oneCaInEveryConfiguration(cluster, true);

        // 2. Our answers, straight from a replica, for the pod the benchmark creates.
        String sample = cluster.namespace("ipw-bench-sample", Map.of());
        Pod defaulted = k.pods().inNamespace(sample).resource(benchPod("sample")).dryRun().create();
        JsonNode mutate = review(ours.get(0), ca, "/mutate/bench", defaulted);
        Pod mutated = new PodBuilder(defaulted).editSpec().editFirstContainer().withImagePullPolicy("Always")
                .endContainer().endSpec().build();
        JsonNode validate = review(ours.get(0), ca, "/validate/bench", mutated);
        ObjectNode answer = (ObjectNode) mutate.get("response").deepCopy();
        answer.remove("uid");
        String patch = new String(Base64.getDecoder().decode(answer.path("patch").asText("")), StandardCharsets.UTF_8);
        System.out.printf("our mutate answer: %d bytes; patch %d bytes decoded (%s); %d warning(s), %d bytes; "
                        + "%d audit annotation(s), %d bytes%n", JSON.writeValueAsBytes(mutate).length, patch.length(), patch,
                answer.path("warnings").size(), JSON.writeValueAsBytes(answer.path("warnings")).length,
                answer.path("auditAnnotations").size(), JSON.writeValueAsBytes(answer.path("auditAnnotations")).length);
        System.out.printf("our validate answer: %d bytes: %s%n", JSON.writeValueAsBytes(validate).length,
                validate.get("response"));

        // 3. The canned webhook: constant answers built from ours, same image and transport.
        Map<String, ObjectNode> canned = new LinkedHashMap<>();
        canned.put("allow", JSON.createObjectNode().put("allowed", true));
        ObjectNode withPatch = canned.get("allow").deepCopy().put("patchType", "JSONPatch").put("patch", answer.path("patch").asText());
        canned.put("patch", withPatch);
        ObjectNode withWarnings = withPatch.deepCopy();
        withWarnings.set("warnings", answer.path("warnings"));
        canned.put("patch-warn", withWarnings);
        ObjectNode full = withWarnings.deepCopy();
        full.set("auditAnnotations", answer.path("auditAnnotations"));
        canned.put("full", full);
        String cannedCa = deployCanned(cluster, canned);

        // 4. One pair of registrations per variant, each selecting its own namespace.
        MutatingWebhookConfiguration ourMutating = k.admissionRegistration().v1().mutatingWebhookConfigurations()
                .withName(Installed.NAME).get();
        ValidatingWebhookConfiguration ourValidating = k.admissionRegistration().v1().validatingWebhookConfigurations()
                .withName(Installed.NAME).get();
        MutatingWebhook mTemplate = ourMutating.getWebhooks().stream().filter(w -> w.getName().startsWith("bench.")).findFirst().orElseThrow();
        ValidatingWebhook vTemplate = ourValidating.getWebhooks().stream().filter(w -> w.getName().startsWith("bench.")).findFirst().orElseThrow();
        Map<String, String> namespaces = new LinkedHashMap<>();
        List<String> variants = List.of("none", "allow", "allow-mutate-only", "patch", "patch-warn", "full", "ours");
        for (String variant : variants) {
            namespaces.put(variant, cluster.namespace("ipw-bench-" + variant, Map.of("ipw-bench", variant)));
            if (variant.equals("none") || variant.equals("ours")) {
                continue;
            }
            String path = "/" + variant.replace("-mutate-only", "");
            MutatingWebhook m = new io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhookBuilder(mTemplate)
                    .withName(variant + ".mutate.ipw-bench.io")
                    .editNamespaceSelector().withMatchLabels(Map.of("ipw-bench", variant)).endNamespaceSelector()
                    .editClientConfig().withCaBundle(cannedCa).editService().withName("ipw-canned").withNamespace(BENCH_NS)
                    .withPath(path).endService().endClientConfig().build();
            k.admissionRegistration().v1().mutatingWebhookConfigurations().resource(new MutatingWebhookConfigurationBuilder()
                    .withNewMetadata().withName("ipw-bench-" + variant).addToLabels("ipw-bench", "true").endMetadata()
                    .withWebhooks(m).build()).create();
            if (!variant.endsWith("-mutate-only")) {
                ValidatingWebhook v = new io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingWebhookBuilder(vTemplate)
                        .withName(variant + ".validate.ipw-bench.io")
                        .editNamespaceSelector().withMatchLabels(Map.of("ipw-bench", variant)).endNamespaceSelector()
                        .editClientConfig().withCaBundle(cannedCa).editService().withName("ipw-canned").withNamespace(BENCH_NS)
                        .withPath("/allow").endService().endClientConfig().build();
                k.admissionRegistration().v1().validatingWebhookConfigurations().resource(new ValidatingWebhookConfigurationBuilder()
                        .withNewMetadata().withName("ipw-bench-" + variant).addToLabels("ipw-bench", "true").endMetadata()
                        .withWebhooks(v).build()).create();
            }
        }
        // Every registration answers before the timed rounds (registrations are picked up asynchronously).
        for (String variant : variants) {
            String ns = namespaces.get(variant);
            Eventually.until(Duration.ofSeconds(60), "variant " + variant + " answers", () -> {
                Pod p = k.pods().inNamespace(ns).resource(benchPod("warm")).dryRun().create();
                boolean patched = "Always".equals(p.getSpec().getContainers().get(0).getImagePullPolicy());
                return patched == !(variant.equals("none") || variant.startsWith("allow"));
            });
        }

        // 5. Alternating rounds; the apiserver's CPU time per created pod from /proc.
        long apiserver = Long.parseLong(Files.readString(Path.of(cluster.env.get("E2E_RUN"), "pids", "kube-apiserver")).strip());
        Map<String, List<double[]>> results = new LinkedHashMap<>();
        variants.forEach(v -> results.put(v, new ArrayList<>()));
        // Steady state: every webhook JVM (ours and the canned one) first answers WARM reviews directly.
        int warmReviews = Integer.getInteger("warmReviews", 20000);
        byte[] sampleReview = reviewOf(defaulted);
        byte[] sampleValidate = reviewOf(mutated);
        long warmStart = System.nanoTime();
        for (Pod replica : Installed.webhookPods(cluster)) {
            post(replica, ca, "/mutate/bench", sampleReview, warmReviews);
            post(replica, ca, "/validate/bench", sampleValidate, warmReviews);
        }
        String cannedPem = new String(Base64.getDecoder().decode(cannedCa), StandardCharsets.UTF_8);
        for (Pod replica : k.pods().inNamespace(BENCH_NS).withLabel("app", "ipw-canned").list().getItems()) {
            for (String path : List.of("/allow", "/patch", "/patch-warn", "/full")) {
                post(replica, cannedPem, path, sampleReview, warmReviews / 2);
            }
        }
        System.out.printf("warm-up: %d reviews per path and replica, direct, in %.0f s%n", warmReviews,
                (System.nanoTime() - warmStart) / 1e9);
        warm(k, namespaces, threads);
        long idleStart = System.nanoTime();
        long idleTicks = cpuTicks(apiserver);
        java.util.concurrent.locks.LockSupport.parkNanos(Duration.ofSeconds(5).toNanos());
        idleTicksPerSecond = (cpuTicks(apiserver) - idleTicks) / ((System.nanoTime() - idleStart) / 1e9);
        System.out.printf("apiserver idle: %.1f%% of a core (subtracted from the CPU per pod)%n", idleTicksPerSecond);
        for (int round = 0; round < rounds; round++) {
            List<String> order = new ArrayList<>(variants);
            java.util.Collections.rotate(order, round);
            for (String variant : order) {
                double[] r = round(k, namespaces.get(variant), threads, seconds, apiserver);
                results.get(variant).add(r);
                System.out.printf("  round %d %-18s %7.1f pods/s  %6.0f us apiserver CPU/pod  %d errors%n", round + 1, variant,
                        r[0], r[1], (long) r[2]);
            }
        }
        double none = median(results.get("none"), 0);
        double allow = median(results.get("allow"), 0);
        System.out.printf("%n%-18s %10s %9s %9s %14s%n", "variant", "pods/s", "of none", "of allow", "apiserver us/pod");
        for (String variant : variants) {
            double rate = median(results.get(variant), 0);
            System.out.printf("%-18s %10.1f %9.3f %9.3f %14.0f%n", variant, rate, rate / none, rate / allow,
                    median(results.get(variant), 1));
        }
        System.out.println("(medians over rounds; 'allow' is the canned constant allow with our registrations)");
        System.out.printf("%nthe apiserver's time per webhook call (apiserver_admission_webhook_admission_duration_seconds, whole run):%n");
        Map<String, double[]> calls = new java.util.TreeMap<>();
        java.util.regex.Pattern metric = java.util.regex.Pattern.compile(
                "apiserver_admission_webhook_admission_duration_seconds_(sum|count)\\{name=\"([^\"]+)\",operation=\"CREATE\",rejected=\"false\",type=\"(admit|validating)\"} (\\S+)");
        for (String line : k.raw("/metrics").split("\n")) {
            java.util.regex.Matcher m = metric.matcher(line);
            if (m.matches()) {
                double[] v = calls.computeIfAbsent(m.group(2), n -> new double[2]);
                v[m.group(1).equals("sum") ? 0 : 1] += Double.parseDouble(m.group(4));
            }
        }
        calls.forEach((name, v) -> System.out.printf("  %-45s %8.0f calls %8.2f ms%n", name, v[1], v[0] * 1000 / Math.max(1, v[1])));
        cleanUp(k);
    }

    static Pod benchPod(String name) {
        return new PodBuilder(E2ECluster.sleeper(name, E2ECluster.get().busybox, "IfNotPresent", null))
                .editSpec().withSchedulerName("ipw-bench-unscheduled").endSpec().build();
    }

    /** One timed round: pods created per second, apiserver CPU microseconds per pod, errors. */
    static double[] round(KubernetesClient k, String ns, int threads, int seconds, long apiserverPid) throws Exception {
        AtomicBoolean stop = new AtomicBoolean();
        AtomicInteger created = new AtomicInteger();
        AtomicInteger errors = new AtomicInteger();
        AtomicInteger names = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        long cpuBefore = cpuTicks(apiserverPid);
        long start = System.nanoTime();
        for (int t = 0; t < threads; t++) {
            pool.submit(() -> {
                while (!stop.get()) {
                    try {
                        k.pods().inNamespace(ns).resource(benchPod("p" + names.incrementAndGet())).create();
                        created.incrementAndGet();
                    } catch (RuntimeException e) {
                        errors.incrementAndGet();
                    }
                }
            });
        }
        pool.shutdown();
        pool.awaitTermination(seconds, TimeUnit.SECONDS);
        stop.set(true);
        int done = created.get();
        long elapsed = System.nanoTime() - start;
        long cpu = cpuTicks(apiserverPid) - cpuBefore;
        pool.awaitTermination(60, TimeUnit.SECONDS);
        k.pods().inNamespace(ns).delete();
        Eventually.until(Duration.ofSeconds(120), "pods of " + ns + " deleted",
                () -> k.pods().inNamespace(ns).list().getItems().isEmpty());
        double busyTicks = cpu - idleTicksPerSecond * elapsed / 1e9;
        return new double[] {done / (elapsed / 1e9), busyTicks * 10_000.0 / Math.max(1, done), errors.get()};
    }

    static void warm(KubernetesClient k, Map<String, String> namespaces, int threads) throws Exception {
        long pid = ProcessHandle.current().pid();
        for (String ns : namespaces.values()) {
            round(k, ns, threads, 2, pid);
        }
    }

    /** utime + stime of a process, in clock ticks (10 ms). */
    static long cpuTicks(long pid) throws Exception {
        String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(f[11]) + Long.parseLong(f[12]);
    }

    static double median(List<double[]> rows, int column) {
        double[] v = rows.stream().mapToDouble(r -> r[column]).sorted().toArray();
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }

    /** A review as the apiserver sends it for creating {@code pod}, posted to one replica directly. */
    static JsonNode review(Pod replica, String caPem, String path, Pod pod) throws Exception {
        return JSON.readTree(post(replica, caPem, path, reviewOf(pod), 1));
    }

    /**
     * Posts the same review {@code times} times over one kept-alive connection to a replica and
     * returns the last answer: the JIT of a webhook JVM needs thousands of reviews before it runs
     * at its steady speed, more than a few seconds of pod creations bring.
     */
    static String post(Pod replica, String caPem, String path, byte[] review, int times) throws Exception {
        KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
        trust.load(null, null);
        trust.setCertificateEntry("ca", CertificateFactory.getInstance("X.509")
                .generateCertificate(new ByteArrayInputStream(caPem.getBytes(StandardCharsets.UTF_8))));
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(null, tmf.getTrustManagers(), null);
        // The replica's address, not the Service's name, so no hostname check: the CA is checked.
        try (javax.net.ssl.SSLSocket socket = (javax.net.ssl.SSLSocket) tls.getSocketFactory().createSocket()) {
            socket.connect(new java.net.InetSocketAddress(replica.getStatus().getPodIP(), 8443), 5000);
            socket.setSoTimeout(10_000);
            String response = null;
            var in = new java.io.BufferedInputStream(socket.getInputStream());
            for (int i = 0; i < times; i++) {
                io.github.imagepullwebhook.testing.RawHttp.post(socket.getOutputStream(), path, review);
                response = io.github.imagepullwebhook.testing.RawHttp.readResponse(in);
            }
            return response.substring(response.indexOf("\r\n\r\n") + 4);
        }
    }

    static byte[] reviewOf(Pod pod) throws Exception {
        ObjectNode request = JSON.createObjectNode();
        request.put("uid", UUID.randomUUID().toString());
        request.set("kind", JSON.readTree("{\"group\":\"\",\"version\":\"v1\",\"kind\":\"Pod\"}"));
        request.set("resource", JSON.readTree("{\"group\":\"\",\"version\":\"v1\",\"resource\":\"pods\"}"));
        request.set("requestKind", request.get("kind"));
        request.set("requestResource", request.get("resource"));
        request.put("namespace", pod.getMetadata().getNamespace()).put("operation", "CREATE");
        request.set("userInfo", JSON.readTree("{\"username\":\"kubernetes-admin\",\"groups\":[\"system:masters\"]}"));
        request.set("object", JSON.readTree(io.fabric8.kubernetes.client.utils.Serialization.asJson(pod)));
        request.putNull("oldObject");
        request.put("dryRun", false);
        ObjectNode review = JSON.createObjectNode().put("apiVersion", "admission.k8s.io/v1").put("kind", "AdmissionReview");
        review.set("request", request);
        return JSON.writeValueAsBytes(review);
    }

    /** The canned webhook as 2 replicas behind a Service, like ours; returns its CA bundle (base64). */
    static String deployCanned(E2ECluster cluster, Map<String, ObjectNode> answers) throws Exception {
        KubernetesClient k = cluster.client;
        Path dir = Path.of(System.getProperty("bench.dir"));
        k.namespaces().resource(new io.fabric8.kubernetes.api.model.NamespaceBuilder().withNewMetadata().withName(BENCH_NS)
                .addToLabels("kubernetes.io/metadata.name", BENCH_NS).endMetadata().build()).create();
        cluster.namespaces.add(BENCH_NS);
        ConfigMapBuilder config = new ConfigMapBuilder().withNewMetadata().withName("ipw-canned").endMetadata()
                .addToBinaryData("canned.jar", Base64.getEncoder().encodeToString(Files.readAllBytes(dir.resolve("canned.jar"))));
        for (Map.Entry<String, ObjectNode> a : answers.entrySet()) {
            config.addToData(a.getKey() + ".json", JSON.writeValueAsString(a.getValue()));
        }
        k.configMaps().inNamespace(BENCH_NS).resource(config.build()).create();
        k.secrets().inNamespace(BENCH_NS).resource(new SecretBuilder().withNewMetadata().withName("ipw-canned-tls").endMetadata()
                .addToStringData("tls.crt", Files.readString(dir.resolve("canned.crt")))
                .addToStringData("tls.key", Files.readString(dir.resolve("canned.key"))).build()).create();
        k.services().inNamespace(BENCH_NS).resource(new ServiceBuilder().withNewMetadata().withName("ipw-canned").endMetadata()
                .withNewSpec().addToSelector("app", "ipw-canned").addNewPort().withPort(443)
                .withNewTargetPort(8443).endPort().endSpec().build()).create();
        k.apps().deployments().inNamespace(BENCH_NS).resource(new DeploymentBuilder().withNewMetadata().withName("ipw-canned")
                .endMetadata().withNewSpec().withReplicas(2).withNewSelector().addToMatchLabels("app", "ipw-canned").endSelector()
                .withNewTemplate().withNewMetadata().addToLabels("app", "ipw-canned").endMetadata().withNewSpec()
                .addNewContainer().withName("canned").withImage(cluster.webhookImage).withImagePullPolicy("IfNotPresent")
                .withCommand("java", "-XX:MaxRAMPercentage=70", "-cp", "/app/image-pull-webhook.jar:/canned/canned.jar",
                        "io.github.imagepullwebhook.bench.CannedWebhook", "8443", "/tls/tls.crt", "/tls/tls.key", "/canned")
                .addNewVolumeMount().withName("canned").withMountPath("/canned").endVolumeMount()
                .addNewVolumeMount().withName("tls").withMountPath("/tls").endVolumeMount()
                .withNewReadinessProbe().withNewHttpGet().withPath("/readyz").withNewPort(8443).withScheme("HTTPS").endHttpGet()
                .withPeriodSeconds(1).endReadinessProbe()
                .withNewResources().addToLimits("memory", new io.fabric8.kubernetes.api.model.Quantity("256Mi")).endResources()
                .endContainer()
                .addNewVolume().withName("canned").withNewConfigMap().withName("ipw-canned").endConfigMap().endVolume()
                .addNewVolume().withName("tls").withNewSecret().withSecretName("ipw-canned-tls").endSecret().endVolume()
                .endSpec().endTemplate().endSpec().build()).create();
        Eventually.until(Duration.ofSeconds(120), "canned webhook ready", () -> {
            var d = k.apps().deployments().inNamespace(BENCH_NS).withName("ipw-canned").get();
            return d.getStatus() != null && Integer.valueOf(2).equals(d.getStatus().getReadyReplicas());
        });
        return Base64.getEncoder().encodeToString(Files.readAllBytes(dir.resolve("canned.crt")));
    }

    static void cleanUp(KubernetesClient k) {
        Helm.uninstall(Installed.NAME).withNamespace(Installed.NAMESPACE).withKubeConfig(E2ECluster.get().kubeconfig)
                .ignoreNotFound().call();
        k.namespaces().withName(Installed.NAMESPACE).delete();
        k.admissionRegistration().v1().mutatingWebhookConfigurations().withLabel("ipw-bench", "true").delete();
        k.admissionRegistration().v1().validatingWebhookConfigurations().withLabel("ipw-bench", "true").delete();
        E2ECluster.get().deleteNamespaces();
    }
}
