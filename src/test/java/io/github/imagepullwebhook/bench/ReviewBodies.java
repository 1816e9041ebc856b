package io.github.imagepullwebhook.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;

/**
 * A set of distinct AdmissionReview bodies, the same for the same seed and count, shaped as
 * kube-apiserver sends them to a mutating webhook: mostly Pods as controllers create them
 * (generateName and no name yet, ownerReferences, the controller's managedFields, the service
 * account's projected volume, default tolerations, every field defaulted), some Deployments,
 * StatefulSets, Jobs and CronJobs as {@code kubectl apply} creates or updates them, a few in
 * {@code admission.k8s.io/v1beta1}. One to four containers, sometimes init containers; images
 * from many registries and repositories, tagged, {@code :latest}, untagged or by digest; pull
 * policies defaulted as the apiserver does, some set to Always or Never. No two bodies alike
 * (uids, names and labels differ); compact JSON of 3 to 12 KB, 6 KB the median (the default set).
 *
 * <p>Used by {@link PolicyBenchmark} and {@link LoadGenerator}; {@code main} writes them to a
 * directory for other tools:
 * {@code java -cp ... io.github.imagepullwebhook.bench.ReviewBodies DIR [COUNT] [SEED]}.
 */
public final class ReviewBodies {

    public static final int DEFAULT_COUNT = 1000;
    public static final long DEFAULT_SEED = 1;

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final Instant EPOCH = Instant.parse("2026-11-30T08:00:00Z");
    private static final String HASH_CHARS = "bcdfghjklmnpqrstvwxz2456789";

    private static final String[] NAMESPACES = {"default", "team-a", "payments", "checkout", "search", "ml-batch",
        "monitoring", "ingress-nginx", "data", "web", "identity", "platform-tools"};
    private static final String[] APP_HEADS = {"checkout", "cart", "catalog", "payments", "search", "auth", "billing",
        "orders", "inventory", "gateway", "recommender", "notifier", "ledger", "profile", "media", "reports"};
    private static final String[] APP_TAILS = {"api", "worker", "web", "consumer", "cron", "sync", "indexer", "proxy"};
    private static final String[] REGISTRIES = {"", "", "", "docker.io/library/", "docker.io/", "gcr.io/acme-prod/",
        "ghcr.io/acme/", "quay.io/acme/", "registry.k8s.io/", "123456789012.dkr.ecr.eu-west-1.amazonaws.com/",
        "acmeprod.azurecr.io/", "registry.example.com:5000/", "harbor.internal.example/platform/",
        "europe-docker.pkg.dev/acme-prod/images/", "localhost:5000/"};
    private static final String[] SIDECARS = {"istio/proxyv2:1.22.3", "envoyproxy/envoy:v1.31.0",
        "fluent/fluent-bit:3.1.4", "gcr.io/cloud-sql-connectors/cloud-sql-proxy:2.11.0",
        "otel/opentelemetry-collector-contrib:0.104.0", "registry.k8s.io/git-sync/git-sync:v4.2.3",
        "nginx:1.27-alpine", "redis:7.2", "prom/statsd-exporter", "hashicorp/vault:latest"};
    private static final String[] INIT_IMAGES = {"busybox:1.36", "busybox", "alpine:3.20", "istio/proxyv2:1.22.3",
        "docker.io/library/postgres:16", "ghcr.io/acme/migrate:2024.11.3", "curlimages/curl:latest"};
    private static final String[] ENV_NAMES = {"LOG_LEVEL", "PORT", "JAVA_OPTS", "GOMAXPROCS", "DATABASE_URL",
        "REDIS_HOST", "OTEL_EXPORTER_OTLP_ENDPOINT", "FEATURE_FLAGS", "REGION", "TZ"};

    private ReviewBodies() {
    }

    /** The default set: {@value #DEFAULT_COUNT} bodies of seed {@value #DEFAULT_SEED}. */
    public static byte[][] generate() {
        return generate(DEFAULT_SEED, DEFAULT_COUNT);
    }

    /** {@code count} distinct bodies; the same seed and count give the same bytes. */
    public static byte[][] generate(long seed, int count) {
        SplittableRandom random = new SplittableRandom(seed);
        byte[][] bodies = new byte[count][];
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < count; i++) {
            bodies[i] = bytes(new Generator(random.split(), i).review());
            if (!seen.add(new String(bodies[i], java.nio.charset.StandardCharsets.UTF_8))) {
                throw new IllegalStateException("body " + i + " repeats an earlier one"); // uids make this unreachable
            }
        }
        return bodies;
    }

    /** Writes {@code review-NNNN.json} files and prints what the set holds. Arguments: DIR [COUNT] [SEED]. */
    public static void main(String[] args) throws IOException {
        if (args.length < 1) {
            System.err.println("usage: ReviewBodies DIR [COUNT] [SEED]");
            System.exit(2);
        }
        Path dir = Path.of(args[0]);
        int count = args.length > 1 ? Integer.parseInt(args[1]) : DEFAULT_COUNT;
        long seed = args.length > 2 ? Long.parseLong(args[2]) : DEFAULT_SEED;
        byte[][] bodies = generate(seed, count);
        Files.createDirectories(dir);
        for (int i = 0; i < bodies.length; i++) {
            Files.write(dir.resolve(String.format("review-%04d.json", i)), bodies[i]);
        }
        System.out.println(describe(bodies));
    }

    /** Kinds, operations, versions and sizes of a set, on a few lines. */
    public static String describe(byte[][] bodies) {
        Map<String, Integer> shapes = new TreeMap<>();
        int[] sizes = new int[bodies.length];
        int containers = 0;
        for (int i = 0; i < bodies.length; i++) {
            sizes[i] = bodies[i].length;
            try {
                JsonNode review = JSON.readTree(bodies[i]);
                JsonNode request = review.get("request");
                String version = review.get("apiVersion").asText().endsWith("v1beta1") ? " v1beta1" : "";
                shapes.merge(request.get("kind").get("kind").asText() + " " + request.get("operation").asText()
                        + version, 1, Integer::sum);
                containers += request.get("object").findValues("containers").stream().mapToInt(JsonNode::size).sum();
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }
        Arrays.sort(sizes);
        return String.format("%d bodies: %s%nsize bytes: min %d, median %d, p90 %d, max %d; containers per body %.2f",
                bodies.length, shapes, sizes[0], sizes[sizes.length / 2], sizes[sizes.length * 9 / 10],
                sizes[sizes.length - 1], containers / (double) bodies.length);
    }

    private static byte[] bytes(JsonNode node) {
        try {
            return JSON.writeValueAsBytes(node);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** One body's choices, all drawn from its own random stream. */
    private static final class Generator {
        private final SplittableRandom random;
        private final int index;
        private final String timestamp;

        Generator(SplittableRandom random, int index) {
            this.random = random;
            this.index = index;
            this.timestamp = EPOCH.plusSeconds(index * 7L + random.nextInt(7)).toString();
        }

        ObjectNode review() {
            int shape = random.nextInt(100);
            String namespace = pick(NAMESPACES);
            String app = pick(APP_HEADS) + "-" + pick(APP_TAILS);
            ObjectNode object;
            ObjectNode oldObject = null;
            String kind;
            String operation = "CREATE";
            ObjectNode user;
            if (shape < 55) {
                kind = "Pod";
                object = controllerPod(namespace, app, "ReplicaSet");
                user = serviceAccount("replicaset-controller");
            } else if (shape < 61) {
                kind = "Pod";
                object = controllerPod(namespace, app, "Job");
                user = serviceAccount("job-controller");
            } else if (shape < 66) {
                kind = "Pod";
                object = controllerPod(namespace, app, "StatefulSet");
                user = serviceAccount("statefulset-controller");
            } else if (shape < 69) {
                kind = "Pod";
                object = controllerPod(namespace, app, "DaemonSet");
                user = serviceAccount("daemon-set-controller");
            } else if (shape < 72) {
                kind = "Pod";
                object = userPod(namespace, app);
                user = person();
            } else if (shape < 82) {
                kind = "Deployment";
                object = workload(kind, namespace, app, 4);
                user = person();
            } else if (shape < 88) {
                kind = "Deployment"; // a rollout: kubectl apply with a new image on one container
                oldObject = workload(kind, namespace, app, 2);
                stored(oldObject, 1 + random.nextInt(20));
                object = oldObject.deepCopy();
                ObjectNode first = (ObjectNode) object.at("/spec/template/spec/containers/0");
                first.put("image", retag(first.get("image").asText()));
                ((ObjectNode) object.get("metadata")).put("generation", object.at("/metadata/generation").asInt() + 1);
                operation = "UPDATE";
                user = person();
            } else if (shape < 93) {
                kind = "StatefulSet";
                object = workload(kind, namespace, app, 4);
                user = person();
            } else if (shape < 97) {
                kind = "Job";
                object = workload(kind, namespace, app, 4);
                user = person();
            } else {
                kind = "CronJob";
                object = workload(kind, namespace, app, 4);
                user = person();
            }
            String group = switch (kind) {
                case "Deployment", "StatefulSet" -> "apps";
                case "Job", "CronJob" -> "batch";
                default -> "";
            };
            String resource = kind.toLowerCase(java.util.Locale.ROOT) + "s";
            ObjectNode gvk = obj("group", group, "version", "v1", "kind", kind);
            ObjectNode gvr = obj("group", group, "version", "v1", "resource", resource);
            ObjectNode request = obj("uid", uuid(), "kind", gvk, "resource", gvr, "requestKind", gvk.deepCopy(),
                    "requestResource", gvr.deepCopy(), "name", object.at("/metadata/name").asText(""),
                    "namespace", namespace, "operation", operation, "userInfo", user, "object", object,
                    "oldObject", oldObject == null ? NODES.nullNode() : oldObject, "dryRun", false,
                    "options", obj("kind", operation.equals("CREATE") ? "CreateOptions" : "UpdateOptions",
                            "apiVersion", "meta.k8s.io/v1"));
            if (user.get("username").asText().startsWith("system:")) {
                ((ObjectNode) request.get("options")).put("fieldManager", "kube-controller-manager");
            }
            String version = random.nextInt(100) < 4 ? "admission.k8s.io/v1beta1" : "admission.k8s.io/v1";
            return obj("kind", "AdmissionReview", "apiVersion", version, "request", request);
        }

        /** A Pod as a controller creates it, after the built-in admission plugins, before a name is generated. */
        private ObjectNode controllerPod(String namespace, String app, String owner) {
            String hash = hash(10);
            String ownerName = switch (owner) {
                case "ReplicaSet" -> app + "-" + hash;
                case "Job" -> app + "-" + (29_000_000 + random.nextInt(1_000_000));
                default -> app;
            };
            ObjectNode labels = labels(app);
            ObjectNode metadata = obj();
            switch (owner) {
                case "ReplicaSet" -> labels.put("pod-template-hash", hash);
                case "Job" -> {
                    String controllerUid = uuid();
                    labels.put("batch.kubernetes.io/controller-uid", controllerUid);
                    labels.put("batch.kubernetes.io/job-name", ownerName);
                    labels.put("controller-uid", controllerUid);
                    labels.put("job-name", ownerName);
                }
                case "StatefulSet" -> {
                    labels.put("controller-revision-hash", app + "-" + hash(10));
                    labels.put("apps.kubernetes.io/pod-index", Integer.toString(random.nextInt(5)));
                }
                default -> {
                    labels.put("controller-revision-hash", hash(10));
                    labels.put("pod-template-generation", Integer.toString(1 + random.nextInt(9)));
                }
            }
            if (owner.equals("StatefulSet")) {
                String name = ownerName + "-" + labels.get("apps.kubernetes.io/pod-index").asText();
                metadata.put("name", name);
                labels.put("statefulset.kubernetes.io/pod-name", name);
            } else {
                metadata.put("generateName", ownerName + "-");
            }
            metadata.put("namespace", namespace);
            metadata.putNull("creationTimestamp");
            metadata.set("labels", labels);
            if (random.nextInt(3) == 0) {
                metadata.set("annotations", annotations());
            }
            String ownerVersion = owner.equals("Job") ? "batch/v1" : "apps/v1";
            metadata.set("ownerReferences", arr(obj("apiVersion", ownerVersion, "kind", owner, "name", ownerName,
                    "uid", uuid(), "controller", true, "blockOwnerDeletion", true)));
            ObjectNode spec = podSpec(owner.equals("Job") ? "Never" : "Always", true, 4);
            if (owner.equals("StatefulSet")) {
                spec.put("hostname", metadata.get("name").asText());
                spec.put("subdomain", ownerName);
            }
            if (owner.equals("DaemonSet")) {
                spec.set("affinity", obj("nodeAffinity", obj("requiredDuringSchedulingIgnoredDuringExecution",
                        obj("nodeSelectorTerms", arr(obj("matchFields", arr(obj("key", "metadata.name",
                                "operator", "In", "values", arr("node-" + hash(5))))))))));
            }
            ObjectNode pod = obj("kind", "Pod", "apiVersion", "v1", "metadata", metadata, "spec", spec,
                    "status", obj());
            metadata.set("managedFields", arr(obj("manager", "kube-controller-manager", "operation", "Update",
                    "apiVersion", "v1", "time", timestamp, "fieldsType", "FieldsV1",
                    "fieldsV1", fields(obj("metadata", managedMetadata(metadata), "spec", spec)))));
            return pod;
        }

        /** A Pod created by a person ({@code kubectl run}, a manifest): a name, no owner. */
        private ObjectNode userPod(String namespace, String app) {
            String name = app + "-" + hash(5);
            ObjectNode metadata = obj("name", name, "namespace", namespace);
            metadata.putNull("creationTimestamp");
            metadata.set("labels", obj("run", name));
            ObjectNode spec = podSpec("Always", true, 4);
            metadata.set("managedFields", arr(obj("manager", "kubectl-run", "operation", "Update",
                    "apiVersion", "v1", "time", timestamp, "fieldsType", "FieldsV1",
                    "fieldsV1", fields(obj("metadata", managedMetadata(metadata), "spec", spec)))));
            return obj("kind", "Pod", "apiVersion", "v1", "metadata", metadata, "spec", spec, "status", obj());
        }

        /** A workload as {@code kubectl apply} creates it, defaulted (template included). */
        private ObjectNode workload(String kind, String namespace, String app, int maxContainers) {
            ObjectNode labels = labels(app);
            ObjectNode template = obj("metadata", obj("creationTimestamp", NODES.nullNode(), "labels", labels.deepCopy()),
                    "spec", podSpec(kind.endsWith("Job") ? "OnFailure" : "Always", false, maxContainers));
            ObjectNode selector = obj("matchLabels", obj("app.kubernetes.io/name", labels.get("app.kubernetes.io/name")
                    .asText(), "app.kubernetes.io/instance", labels.get("app.kubernetes.io/instance").asText()));
            ObjectNode spec = switch (kind) {
                case "Deployment" -> obj("replicas", 1 + random.nextInt(6), "selector", selector, "template", template,
                        "strategy", obj("type", "RollingUpdate", "rollingUpdate", obj("maxUnavailable", "25%",
                                "maxSurge", "25%")), "revisionHistoryLimit", 10, "progressDeadlineSeconds", 600);
                case "StatefulSet" -> obj("replicas", 1 + random.nextInt(5), "selector", selector, "template", template,
                        "serviceName", app, "podManagementPolicy", "OrderedReady", "updateStrategy",
                        obj("type", "RollingUpdate", "rollingUpdate", obj("partition", 0)), "revisionHistoryLimit", 10,
                        "persistentVolumeClaimRetentionPolicy", obj("whenDeleted", "Retain", "whenScaled", "Retain"));
                case "Job" -> obj("parallelism", 1, "completions", 1, "backoffLimit", 6, "completionMode", "NonIndexed",
                        "suspend", false, "podReplacementPolicy", "TerminatingOrFailed", "template", template);
                default -> obj("schedule", (random.nextInt(60)) + " " + random.nextInt(24) + " * * *",
                        "concurrencyPolicy", "Forbid", "suspend", false, "successfulJobsHistoryLimit", 3,
                        "failedJobsHistoryLimit", 1, "jobTemplate", obj("metadata", obj("creationTimestamp",
                                NODES.nullNode()), "spec", obj("backoffLimit", 6, "template", template)));
            };
            String apiVersion = kind.endsWith("Job") ? "batch/v1" : "apps/v1";
            ObjectNode metadata = obj("name", app, "namespace", namespace);
            metadata.putNull("creationTimestamp");
            metadata.set("labels", labels);
            // kubectl's client-side apply keeps the applied object in an annotation; Helm and Argo CD do not.
            boolean kubectl = maxContainers > 2 && random.nextBoolean();
            if (kubectl) {
                ObjectNode applied = obj("apiVersion", apiVersion, "kind", kind, "metadata", obj("labels", labels,
                        "name", app, "namespace", namespace), "spec", spec.deepCopy());
                metadata.set("annotations", obj("kubectl.kubernetes.io/last-applied-configuration",
                        bytesAsText(applied) + "\n"));
            } else {
                labels.put("app.kubernetes.io/managed-by", random.nextBoolean() ? "Helm" : "argocd");
            }
            metadata.put("generation", 1);
            metadata.set("managedFields", arr(obj("manager", kubectl ? "kubectl-client-side-apply"
                    : labels.get("app.kubernetes.io/managed-by").asText().equals("Helm") ? "helm" : "argocd-controller",
                    "operation", "Update", "apiVersion", apiVersion, "time", timestamp, "fieldsType", "FieldsV1",
                    "fieldsV1", fields(obj("metadata", managedMetadata(metadata), "spec", spec)))));
            return obj("kind", kind, "apiVersion", apiVersion, "metadata", metadata, "spec", spec, "status", obj());
        }

        /** What the stored object of an UPDATE also carries: uid, resourceVersion, creationTimestamp, status. */
        private void stored(ObjectNode workload, int generation) {
            ObjectNode metadata = (ObjectNode) workload.get("metadata");
            metadata.put("uid", uuid());
            metadata.put("resourceVersion", Integer.toString(1_000_000 + random.nextInt(9_000_000)));
            metadata.put("generation", generation);
            metadata.put("creationTimestamp", EPOCH.minusSeconds(86_400L + random.nextInt(8_640_000)).toString());
            int replicas = workload.at("/spec/replicas").asInt(1);
            workload.set("status", obj("observedGeneration", generation, "replicas", replicas, "updatedReplicas",
                    replicas, "readyReplicas", replicas, "availableReplicas", replicas));
        }

        private ObjectNode podSpec(String restartPolicy, boolean admitted, int maxContainers) {
            int count = Math.min(maxContainers, weighted(50, 30, 13, 7) + 1);
            ArrayNode containers = NODES.arrayNode();
            String token = "kube-api-access-" + hash(5);
            Set<String> names = new HashSet<>();
            for (int i = 0; i < count; i++) {
                String image = i == 0 || random.nextInt(3) == 0 ? image() : pick(SIDECARS);
                containers.add(container(uniqueName(names, i == 0 ? "app" : image), image, admitted ? token : null,
                        i == 0));
            }
            ObjectNode spec = obj();
            if (random.nextInt(4) == 0) {
                ArrayNode init = NODES.arrayNode();
                for (int i = 0, n = 1 + random.nextInt(2); i < n; i++) {
                    String image = random.nextBoolean() ? pick(INIT_IMAGES) : image();
                    init.add(container(uniqueName(names, "init-" + image), image, admitted ? token : null, false));
                }
                spec.set("initContainers", init);
            }
            spec.set("containers", containers);
            if (admitted) {
                spec.set("volumes", arr(obj("name", token, "projected", obj("sources", arr(
                        obj("serviceAccountToken", obj("expirationSeconds", 3607, "path", "token")),
                        obj("configMap", obj("name", "kube-root-ca.crt", "items", arr(obj("key", "ca.crt",
                                "path", "ca.crt")))),
                        obj("downwardAPI", obj("items", arr(obj("path", "namespace", "fieldRef",
                                obj("apiVersion", "v1", "fieldPath", "metadata.namespace")))))),
                        "defaultMode", 420))));
            }
            spec.put("restartPolicy", restartPolicy);
            spec.put("terminationGracePeriodSeconds", 30);
            spec.put("dnsPolicy", "ClusterFirst");
            String account = random.nextInt(3) == 0 ? "default" : "sa-" + pick(APP_HEADS);
            spec.put("serviceAccountName", account);
            if (admitted) {
                spec.put("serviceAccount", account);
            }
            spec.set("securityContext", random.nextBoolean() ? obj()
                    : obj("runAsNonRoot", true, "fsGroup", 1000 + random.nextInt(9000)));
            if (random.nextInt(4) == 0) {
                spec.set("imagePullSecrets", arr(obj("name", "regcred-" + hash(4))));
            }
            spec.put("schedulerName", "default-scheduler");
            if (admitted) {
                spec.set("tolerations", arr(
                        obj("key", "node.kubernetes.io/not-ready", "operator", "Exists", "effect", "NoExecute",
                                "tolerationSeconds", 300),
                        obj("key", "node.kubernetes.io/unreachable", "operator", "Exists", "effect", "NoExecute",
                                "tolerationSeconds", 300)));
                spec.put("priority", 0);
            }
            spec.put("enableServiceLinks", true);
            spec.put("preemptionPolicy", "PreemptLowerPriority");
            return spec;
        }

        private ObjectNode container(String name, String image, String tokenVolume, boolean main) {
            ObjectNode c = obj("name", name, "image", image);
            if (main && random.nextInt(3) > 0) {
                int port = new int[] {8080, 8443, 3000, 9090, 5000}[random.nextInt(5)];
                c.set("ports", arr(obj("name", "http", "containerPort", port, "protocol", "TCP")));
            }
            int envs = random.nextInt(4);
            if (envs > 0) {
                ArrayNode env = NODES.arrayNode();
                for (int i = 0; i < envs; i++) {
                    env.add(obj("name", ENV_NAMES[(i * 3 + random.nextInt(3)) % ENV_NAMES.length] + (i > 2 ? "_" + i : ""),
                            "value", hash(3 + random.nextInt(12))));
                }
                c.set("env", env);
            }
            c.set("resources", random.nextInt(4) == 0 ? obj() : obj(
                    "limits", obj("memory", (64 << random.nextInt(5)) + "Mi"),
                    "requests", obj("cpu", (50 * (1 + random.nextInt(10))) + "m", "memory",
                            (64 << random.nextInt(4)) + "Mi")));
            if (tokenVolume != null) {
                c.set("volumeMounts", arr(obj("name", tokenVolume, "readOnly", true,
                        "mountPath", "/var/run/secrets/kubernetes.io/serviceaccount")));
            }
            if (main && random.nextInt(3) == 0) {
                c.set("readinessProbe", obj("httpGet", obj("path", "/healthz", "port", "http", "scheme", "HTTP"),
                        "timeoutSeconds", 1, "periodSeconds", 10, "successThreshold", 1, "failureThreshold", 3));
            }
            c.put("terminationMessagePath", "/dev/termination-log");
            c.put("terminationMessagePolicy", "File");
            c.put("imagePullPolicy", pullPolicy(image));
            if (random.nextInt(4) == 0) {
                c.set("securityContext", obj("allowPrivilegeEscalation", false, "readOnlyRootFilesystem", true,
                        "capabilities", obj("drop", arr("ALL"))));
            }
            return c;
        }

        /** As the apiserver defaults it (Always for :latest or no tag, else IfNotPresent), or set by the author. */
        private String pullPolicy(String image) {
            int r = random.nextInt(100);
            if (r < 12) {
                return "Always";
            }
            if (r < 15) {
                return "Never";
            }
            boolean digest = image.contains("@");
            String last = image.substring(image.lastIndexOf('/') + 1);
            boolean latest = !digest && (!last.contains(":") || last.endsWith(":latest"));
            if (latest && r < 20) {
                return "IfNotPresent";
            }
            return latest ? "Always" : "IfNotPresent";
        }

        private String image() {
            String registry = pick(REGISTRIES);
            String repository = pick(APP_HEADS) + (random.nextBoolean() ? "-" + pick(APP_TAILS) : "");
            if (registry.isEmpty() && random.nextInt(3) == 0) {
                repository = pick(new String[] {"nginx", "redis", "postgres", "python", "node", "golang", "memcached"});
            }
            String name = registry + repository;
            int r = random.nextInt(100);
            if (r < 55) {
                return name + ":" + version();
            }
            if (r < 67) {
                return name + ":latest";
            }
            if (r < 77) {
                return name;
            }
            if (r < 92) {
                return name + "@" + digest();
            }
            return name + ":" + version() + "@" + digest();
        }

        private String retag(String image) {
            int at = image.indexOf('@');
            String base = at < 0 ? image : image.substring(0, at);
            int colon = base.lastIndexOf(':');
            if (colon > base.lastIndexOf('/')) {
                base = base.substring(0, colon);
            }
            return base + ":" + version();
        }

        private String version() {
            return switch (random.nextInt(4)) {
                case 0 -> "v" + random.nextInt(4) + "." + random.nextInt(30) + "." + random.nextInt(20);
                case 1 -> random.nextInt(4) + "." + random.nextInt(30) + "." + random.nextInt(20) + "-alpine";
                case 2 -> "2026." + (1 + random.nextInt(11)) + "." + random.nextInt(30) + "-" + hash(7);
                default -> random.nextInt(4) + "." + random.nextInt(30) + "." + random.nextInt(20);
            };
        }

        private ObjectNode labels(String app) {
            ObjectNode labels = obj("app.kubernetes.io/name", app, "app.kubernetes.io/instance", app + "-" + hash(4));
            if (random.nextBoolean()) {
                labels.put("app.kubernetes.io/version", random.nextInt(5) + "." + random.nextInt(20) + "." + random.nextInt(9));
            }
            if (random.nextBoolean()) {
                labels.put("app.kubernetes.io/part-of", pick(APP_HEADS));
                labels.put("team", pick(new String[] {"core", "growth", "data", "platform", "sre"}));
            }
            if (random.nextInt(3) == 0) {
                labels.put("app.kubernetes.io/managed-by", random.nextBoolean() ? "Helm" : "argocd");
            }
            return labels;
        }

        private ObjectNode annotations() {
            ObjectNode annotations = obj();
            if (random.nextBoolean()) {
                annotations.put("prometheus.io/scrape", "true");
                annotations.put("prometheus.io/port", Integer.toString(9000 + random.nextInt(1000)));
            }
            annotations.put("kubectl.kubernetes.io/restartedAt", EPOCH.minusSeconds(random.nextInt(9_000_000)).toString());
            if (random.nextBoolean()) {
                annotations.put("checksum/config", digest().substring(7));
            }
            return annotations;
        }

        /** The metadata fields a controller's managedFields name. */
        private static ObjectNode managedMetadata(ObjectNode metadata) {
            ObjectNode m = obj();
            for (String field : new String[] {"generateName", "labels", "annotations", "ownerReferences"}) {
                if (metadata.has(field)) {
                    m.set(field, metadata.get(field));
                }
            }
            return m;
        }

        private ObjectNode serviceAccount(String controller) {
            return obj("username", "system:serviceaccount:kube-system:" + controller, "uid", uuid(), "groups",
                    arr("system:serviceaccounts", "system:serviceaccounts:kube-system", "system:authenticated"));
        }

        private ObjectNode person() {
            String who = pick(new String[] {"alice", "bob", "carol", "dave", "erin", "ci-deployer"});
            ObjectNode user = obj("username", who + "@example.com", "groups", arr("developers", "system:authenticated"));
            if (random.nextBoolean()) {
                user.set("extra", obj("iam.gke.io/user-assertion", arr(hash(40))));
            }
            return user;
        }

        private String uniqueName(Set<String> names, String from) {
            String base = from.replaceAll(".*/", "").replaceAll("[:@].*", "").replaceAll("[^a-z0-9-]", "-");
            String name = base;
            for (int i = 2; !names.add(name); i++) {
                name = base + "-" + i;
            }
            return name;
        }

        private String uuid() {
            return String.format("%08x-%04x-4%03x-%04x-%012x", random.nextInt() & 0xffffffffL, random.nextInt(0x10000),
                    random.nextInt(0x1000), 0x8000 | random.nextInt(0x4000), random.nextLong(1L << 48));
        }

        private String digest() {
            StringBuilder s = new StringBuilder("sha256:");
            for (int i = 0; i < 4; i++) {
                s.append(String.format("%016x", random.nextLong()));
            }
            return s.toString();
        }

        private String hash(int length) {
            StringBuilder s = new StringBuilder(length);
            for (int i = 0; i < length; i++) {
                s.append(HASH_CHARS.charAt(random.nextInt(HASH_CHARS.length())));
            }
            return s.toString();
        }

        private String pick(String[] choices) {
            return choices[random.nextInt(choices.length)];
        }

        /** An index drawn with the given weights. */
        private int weighted(int... weights) {
            int r = random.nextInt(Arrays.stream(weights).sum());
            for (int i = 0; i < weights.length; i++) {
                r -= weights[i];
                if (r < 0) {
                    return i;
                }
            }
            return weights.length - 1;
        }
    }

    /** managedFields' FieldsV1 for an object: every field set, list items keyed by name, port or key. */
    static ObjectNode fields(JsonNode node) {
        ObjectNode f = obj();
        Iterator<Map.Entry<String, JsonNode>> it = node.fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            JsonNode value = e.getValue();
            if (value.isObject() && value.size() > 0) {
                ObjectNode inner = fields(value);
                if (e.getKey().equals("labels") || e.getKey().equals("annotations")) {
                    inner.set(".", obj());
                }
                f.set("f:" + e.getKey(), inner);
            } else if (value.isArray() && value.size() > 0 && value.get(0).isObject()) {
                ObjectNode items = obj();
                for (JsonNode item : value) {
                    ObjectNode inner = fields(item);
                    inner.set(".", obj());
                    items.set("k:" + key(item), inner);
                }
                f.set("f:" + e.getKey(), items);
            } else {
                f.set("f:" + e.getKey(), obj());
            }
        }
        return f;
    }

    private static String key(JsonNode item) {
        for (String k : new String[] {"name", "containerPort", "uid", "key", "mountPath"}) {
            if (item.has(k)) {
                return "{\"" + k + "\":" + item.get(k) + "}";
            }
        }
        return "{\"i\":" + item.hashCode() + "}";
    }

    private static String bytesAsText(JsonNode node) {
        return new String(bytes(node), java.nio.charset.StandardCharsets.UTF_8);
    }

    private static ObjectNode obj(Object... keysAndValues) {
        ObjectNode o = NODES.objectNode();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            o.set((String) keysAndValues[i], node(keysAndValues[i + 1]));
        }
        return o;
    }

    private static ArrayNode arr(Object... values) {
        ArrayNode a = NODES.arrayNode();
        for (Object v : values) {
            a.add(node(v));
        }
        return a;
    }

    private static JsonNode node(Object v) {
        if (v instanceof JsonNode n) {
            return n;
        }
        if (v instanceof String s) {
            return NODES.textNode(s);
        }
        if (v instanceof Integer i) {
            return NODES.numberNode(i);
        }
        if (v instanceof Boolean b) {
            return NODES.booleanNode(b);
        }
        if (v == null) {
            return NODES.nullNode();
        }
        throw new IllegalArgumentException("no JSON for " + v.getClass());
    }
}
