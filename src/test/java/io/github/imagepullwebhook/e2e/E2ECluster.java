package io.github.imagepullwebhook.e2e;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The cluster {@code e2e/cluster.sh up} started, as its env file describes it: a fabric8 client
 * with the admin kubeconfig, the v1.20.2 kubectl, the registries and the private image. One
 * instance per JVM; the namespaces a test makes are remembered for the failure report and
 * deleted at the end.
 */
final class E2ECluster {

    private static E2ECluster instance;

    final Map<String, String> env;
    final KubernetesClient client;
    final Path kubeconfig;
    final String kubectl;
    final String registry;
    final String privateImage;
    final String busybox;
    final String webhookImage;
    final Path logs;
    final Set<String> namespaces = ConcurrentHashMap.newKeySet();

    private E2ECluster(Map<String, String> env) throws IOException {
        this.env = env;
        this.kubeconfig = Path.of(env.get("E2E_KUBECONFIG"));
        this.kubectl = env.get("E2E_KUBECTL");
        this.registry = env.get("E2E_REGISTRY");
        this.privateImage = env.get("E2E_PRIVATE_IMAGE");
        this.busybox = env.get("E2E_BUSYBOX");
        this.logs = Path.of(env.get("E2E_LOGS"));
        this.webhookImage = System.getProperty("e2e.image", registry + "/image-pull-webhook:e2e");
        Config config = Config.fromKubeconfig(Files.readString(kubeconfig));
        config.setRequestTimeout(30_000);
        this.client = new KubernetesClientBuilder().withConfig(config).build();
    }

    static synchronized E2ECluster get() {
        if (instance == null) {
            Path file = Path.of(System.getProperty("e2e.env", "/var/lib/image-pull-webhook-e2e/env"));
            if (!Files.isRegularFile(file)) {
                throw new IllegalStateException("no cluster: " + file + " is missing. Run e2e/run.sh "
                        + "(or e2e/cluster.sh up, then ./mvnw -B verify -Pe2e)");
            }
            try {
                Map<String, String> env = new LinkedHashMap<>();
                for (String line : Files.readAllLines(file)) {
                    int eq = line.indexOf('=');
                    if (eq > 0 && !line.startsWith("#")) {
                        env.put(line.substring(0, eq), line.substring(eq + 1));
                    }
                }
                instance = new E2ECluster(env);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return instance;
    }

    /** A fresh namespace with these labels, remembered for diagnostics and removed by {@link #deleteNamespaces}. */
    String namespace(String prefix, Map<String, String> labels) {
        String name = prefix + "-" + Long.toString(System.nanoTime() % 1_000_000_000L, 36);
        Map<String, String> all = new LinkedHashMap<>(labels);
        // What 1.21+ adds by itself; the chart's selectors read it.
        all.put("kubernetes.io/metadata.name", name);
        client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(name).withLabels(all)
                .endMetadata().build()).create();
        namespaces.add(name);
        // The ServiceAccount admission plugin refuses pods until "default" has its token.
        Eventually.until(Duration.ofSeconds(60), "ServiceAccount default of " + name + " has a token",
                () -> {
                    var sa = client.serviceAccounts().inNamespace(name).withName("default").get();
                    return sa != null && sa.getSecrets() != null && !sa.getSecrets().isEmpty() ? sa : null;
                });
        return name;
    }

    void deleteNamespaces() {
        for (String ns : namespaces) {
            client.namespaces().withName(ns).delete();
        }
        namespaces.clear();
    }

    /** A dockerconfigjson Secret holding tenant A's credentials for the private registry. */
    void pullSecret(String namespace, String name) {
        try {
            byte[] config = Files.readAllBytes(Path.of(env.get("E2E_PRIVATE_AUTH")));
            client.secrets().inNamespace(namespace).resource(new SecretBuilder().withNewMetadata().withName(name)
                    .endMetadata().withType("kubernetes.io/dockerconfigjson")
                    .addToData(".dockerconfigjson", Base64.getEncoder().encodeToString(config)).build()).create();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A pod that sleeps, with one container of {@code image} and the given pull policy (null: none). */
    static Pod sleeper(String name, String image, String pullPolicy, String pullSecret) {
        PodBuilder pod = new PodBuilder().withNewMetadata().withName(name).endMetadata()
                .withNewSpec()
                .withTerminationGracePeriodSeconds(1L)
                .addNewContainer().withName("main").withImage(image).withImagePullPolicy(pullPolicy)
                .withCommand("sleep", "3600").endContainer()
                .endSpec();
        if (pullSecret != null) {
            pod.editSpec().addNewImagePullSecret(pullSecret).endSpec();
        }
        return pod.build();
    }

    /** The pod's events, oldest first, one line each. */
    List<String> events(String namespace, String pod) {
        List<String> lines = new ArrayList<>();
        client.v1().events().inNamespace(namespace).list().getItems().stream()
                .filter(e -> pod == null || pod.equals(e.getInvolvedObject().getName()))
                .sorted(Comparator.comparing(E2ECluster::when))
                .forEach(e -> lines.add(e.getInvolvedObject().getKind() + "/" + e.getInvolvedObject().getName() + " "
                        + e.getType() + " " + e.getReason() + ": " + e.getMessage()));
        return lines;
    }

    private static String when(Event e) {
        String t = e.getLastTimestamp() != null ? e.getLastTimestamp() : e.getEventTime() != null
                ? e.getEventTime().getTime() : "";
        return t == null ? "" : t;
    }

    /** kubectl v1.20.2 with the admin kubeconfig; the output, or an exception with it. */
    String kubectl(String... args) {
        List<String> command = new ArrayList<>(List.of(kubectl, "--kubeconfig", kubeconfig.toString()));
        command.addAll(List.of(args));
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            process.getOutputStream().close();
            byte[] out = process.getInputStream().readAllBytes();
            if (!process.waitFor(120, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException("kubectl " + String.join(" ", args) + ": timed out");
            }
            String text = new String(out, StandardCharsets.UTF_8);
            if (process.exitValue() != 0) {
                throw new IllegalStateException("kubectl " + String.join(" ", args) + " failed: " + text);
            }
            return text;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The last lines of a cluster component's log (kubelet, kube-apiserver, containerd, ...). */
    List<String> componentLog(String component, int lines) {
        try {
            List<String> all = Files.readAllLines(logs.resolve(component + ".log"));
            return all.subList(Math.max(0, all.size() - lines), all.size());
        } catch (IOException e) {
            return List.of("(no log: " + e.getMessage() + ")");
        }
    }
}
