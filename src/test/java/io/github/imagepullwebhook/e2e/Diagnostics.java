package io.github.imagepullwebhook.e2e;

import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestWatcher;

/**
 * When an end-to-end test fails, prints what a person needs to see why: every pod of the
 * test's namespaces and of the webhook's, with its containers' states and its events, the
 * webhook's log, and the last lines of the kubelet's and the apiserver's logs. Secrets are
 * never read.
 */
final class Diagnostics implements TestWatcher {

    static final String WEBHOOK_NAMESPACE = "image-pull-webhook";
    static final int MAX_PODS = 12;

    @Override
    public void testFailed(ExtensionContext context, Throwable cause) {
        print(System.err, context.getDisplayName() + ": " + cause);
    }

    static void print(PrintStream out, String title) {
        E2ECluster cluster = E2ECluster.get();
        StringBuilder report = new StringBuilder();
        report.append("\n======== e2e diagnostics: ").append(title).append('\n');
        List<String> namespaces = new ArrayList<>(cluster.namespaces);
        namespaces.add(WEBHOOK_NAMESPACE);
        for (String ns : namespaces) {
            try {
                List<String> events = cluster.events(ns, null);
                List<Pod> pods = cluster.client.pods().inNamespace(ns).list().getItems();
                if (pods.size() > MAX_PODS) {
                    report.append("--- ").append(ns).append(": ").append(pods.size()).append(" pods, the first ")
                            .append(MAX_PODS).append(" shown\n");
                }
                for (Pod pod : pods.subList(0, Math.min(MAX_PODS, pods.size()))) {
                    String name = pod.getMetadata().getName();
                    report.append("--- pod ").append(ns).append('/').append(name)
                            .append(": ").append(pod.getStatus().getPhase()).append('\n');
                    for (ContainerStatus s : Optional.ofNullable(pod.getStatus().getContainerStatuses()).orElse(List.of())) {
                        report.append("    container ").append(s.getName()).append(" image ").append(s.getImage())
                                .append(" ready=").append(s.getReady()).append(" restarts=").append(s.getRestartCount())
                                .append(" state=").append(state(s)).append('\n');
                    }
                    events.stream().filter(e -> e.startsWith("Pod/" + name + " "))
                            .forEach(e -> report.append("    event ").append(e).append('\n'));
                }
                events.stream().filter(e -> !e.startsWith("Pod/")).limit(MAX_PODS)
                        .forEach(e -> report.append("    event ").append(e).append('\n'));
                if (ns.equals(WEBHOOK_NAMESPACE)) {
                    for (Pod pod : pods) {
                        report.append("--- log of webhook pod ").append(pod.getMetadata().getName()).append('\n');
                        try {
                            report.append(cluster.client.pods().inNamespace(ns).withName(pod.getMetadata().getName())
                                    .tailingLines(60).getLog()).append('\n');
                        } catch (RuntimeException e) {
                            report.append("(no log: ").append(e.getMessage()).append(")\n");
                        }
                    }
                }
            } catch (RuntimeException e) {
                report.append("(namespace ").append(ns).append(": ").append(e.getMessage()).append(")\n");
            }
        }
        for (String component : List.of("kubelet", "kube-apiserver")) {
            report.append("--- last lines of the ").append(component).append("'s log\n");
            cluster.componentLog(component, 30).forEach(line -> report.append(line).append('\n'));
        }
        report.append("======== end of e2e diagnostics\n");
        out.print(report);
        out.flush();
    }

    private static String state(ContainerStatus s) {
        if (s.getState() == null) {
            return "unknown";
        }
        if (s.getState().getWaiting() != null) {
            return "waiting " + s.getState().getWaiting().getReason() + ": " + s.getState().getWaiting().getMessage();
        }
        if (s.getState().getTerminated() != null) {
            return "terminated " + s.getState().getTerminated().getReason() + " exit "
                    + s.getState().getTerminated().getExitCode();
        }
        return "running";
    }
}
