package io.github.imagepullwebhook.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.github.imagepullwebhook.admission.AdmissionService;
import io.github.imagepullwebhook.audit.Audit;
import io.github.imagepullwebhook.audit.AuditReport;
import io.github.imagepullwebhook.audit.CannotAuditException;
import io.github.imagepullwebhook.audit.ClusterReader;
import io.github.imagepullwebhook.audit.ObjectAudit;
import io.github.imagepullwebhook.audit.Progress;
import io.github.imagepullwebhook.config.Profile;
import io.github.imagepullwebhook.config.WebhookConfig;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code audit}: what a profile would change or refuse among the objects a cluster runs now. */
@Command(name = "audit", mixinStandardHelpOptions = true, sortOptions = false,
        description = {
            "List the Pods and workloads that exist now which PROFILE would change or deny, and why.",
            "",
            "See what labelling a namespace into a profile does before you label it.",
            "",
            "Each object goes through the server's own review code as the apiserver would send it: created again as "
                    + "it is (mutate, then validate the mutated object); and, for a Pod that has not finished and that "
                    + "no built-in controller replaces, with its containers' images changed in place (refused by an "
                    + "alwaysPull profile for every container not pulling Always: an existing pod's pull policy cannot "
                    + "change).",
            "",
            "Read only: lists, page by page (--chunk-size), never a watch. Needs list on pods, podtemplates, "
                    + "replicationcontrollers, deployments, statefulsets, daemonsets, replicasets (apps), jobs and "
                    + "cronjobs (batch); with -l also on namespaces.",
            "Registries are never asked: images pinDigests would pin are named, not resolved.",
            "",
            "The report goes to standard output; progress, failed lists and a summary to standard error. The table "
                    + "folds Pods (and other owned objects) of one owner that would get the same answer into one row; "
                    + "-o json lists every object with its owner.",
            ""},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:nothing would be denied (changes may be listed)",
            "1:nothing could be audited: the API server did not answer, refused the credentials, or refused the "
                    + "namespace list -l needs",
            "2:invalid arguments, configuration or kubeconfig",
            "3:something would be denied",
            "4:nothing seen would be denied, but a list failed (e.g. HTTP 403): the audit is incomplete"},
        footerHeading = "%nExamples:%n",
        footer = {
            "  image-pull-webhook audit -c config.yaml -p tenants \\",
            "      -l image-pull-webhook.io/profile=tenants",
            "  image-pull-webhook audit -c config.yaml -p tenants -n team-a -o json \\",
            "      | jq '.[] | select(.action != \"ok\")'"})
final class AuditCommand implements Callable<Integer> {

    static final int CANNOT_AUDIT = 1;
    static final int DENIED = 3;
    static final int INCOMPLETE = 4;

    /** A progress line on standard error after each this many objects. */
    static final int PROGRESS_EVERY = 1000;

    /** Output formats. */
    enum Output { TABLE, JSON }

    /** Which namespaces: at most one of the three ways. */
    static final class Scope {
        @Option(names = {"-n", "--namespace"}, paramLabel = "NS", description = "A namespace to audit; repeat for "
                + "more. Without -n, -A or -l: the kubeconfig context's namespace.")
        List<String> namespaces;

        @Option(names = {"-A", "--all-namespaces"}, description = "Every namespace, kube-system included: the server "
                + "itself skips only ignoreNamespaces and its own namespace; the chart leaves kube-system out by the "
                + "webhook entries' namespaceSelector, which -l mimics.")
        boolean all;

        @Option(names = {"-l", "--namespace-selector"}, paramLabel = "SELECTOR", description = "The namespaces whose "
                + "labels match SELECTOR, as the profile's webhook namespaceSelector would match them, e.g. "
                + "image-pull-webhook.io/profile=tenants (kubectl's label selector syntax).")
        String selector;
    }

    @Option(names = "--kubeconfig", paramLabel = "FILE", description = "The kubeconfig (default: as kubectl finds it: "
            + "$KUBECONFIG, ~/.kube/config, else the pod's service account).")
    Path kubeconfig;

    @Option(names = "--context", paramLabel = "NAME", description = "A context of the kubeconfig (default: its current context).")
    String context;

    @ArgGroup(exclusive = true, multiplicity = "0..1")
    Scope scope;

    @Option(names = {"-p", "--profile"}, paramLabel = "PROFILE", defaultValue = WebhookConfig.DEFAULT_PROFILE,
            description = "Profile to audit (default: ${DEFAULT-VALUE}).")
    String profileName;

    @Option(names = {"-c", "--config"}, paramLabel = "FILE", description = "The server's YAML configuration file (profiles, ignoreNamespaces).")
    Path config;

    @Option(names = {"-o", "--output"}, defaultValue = "table", paramLabel = "FORMAT",
            description = "table or json (default: ${DEFAULT-VALUE}).")
    Output output;

    @Option(names = "--webhook-namespace", paramLabel = "NS", defaultValue = "${env:POD_NAMESPACE:-image-pull-webhook}",
            description = "The webhook's own namespace, which it never reviews (default: ${DEFAULT-VALUE}).")
    String webhookNamespace;

    @Option(names = "--chunk-size", paramLabel = "N", defaultValue = "500",
            description = "Objects per list request (default: ${DEFAULT-VALUE}).")
    long chunkSize;

    @Option(names = "--request-timeout", paramLabel = "SECONDS", defaultValue = "30",
            description = "Longest wait for one API request (default: ${DEFAULT-VALUE}).")
    int requestTimeoutSeconds;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        ConsoleLogging.toStandardError();
        WebhookConfig webhook = Wiring.load(config);
        Profile profile = profile(webhook);
        if (chunkSize < 1 || requestTimeoutSeconds < 1) {
            throw new IllegalArgumentException("--chunk-size and --request-timeout must be at least 1");
        }
        Config api = apiConfig();
        PrintWriter err = spec.commandLine().getErr();
        try (KubernetesClient client = new KubernetesClientBuilder().withConfig(api).build()) {
            ObjectMapper mapper = new ObjectMapper();
            ClusterReader reader = new ClusterReader(client, chunkSize, mapper);
            Progress progress = new Progress(err, PROGRESS_EVERY);
            AdmissionService service = new AdmissionService(mapper, new Wiring(webhook).skipRules(webhookNamespace));
            Audit.Result result = run(new Audit(reader, new ObjectAudit(service, profile.rules(), mapper), progress),
                    reader, api);
            report(result, mapper);
            progress.summary(result, profileName);
            return exitCode(result);
        } catch (CannotAuditException e) {
            err.println("image-pull-webhook audit: " + e.getMessage());
            err.flush();
            return CANNOT_AUDIT;
        }
    }

    private Profile profile(WebhookConfig webhook) {
        return webhook.profile(profileName).orElseThrow(() -> new IllegalArgumentException("unknown profile \""
                + profileName + "\"; configured: " + String.join(", ", new TreeSet<>(webhook.profiles().keySet()))));
    }

    /** A denial outranks an incomplete audit: either way the gate fails, and the denial is certain. */
    private static int exitCode(Audit.Result result) {
        if (result.anyDenied()) {
            return DENIED;
        }
        return result.complete() ? 0 : INCOMPLETE;
    }

    private Audit.Result run(Audit audit, ClusterReader reader, Config api) throws CannotAuditException {
        if (scope != null && scope.all) {
            return audit.allNamespaces();
        }
        if (scope != null && scope.selector != null) {
            return audit.namespaces(reader.namespaces(scope.selector));
        }
        if (scope != null && scope.namespaces != null) {
            return audit.namespaces(List.copyOf(new LinkedHashSet<>(scope.namespaces)));
        }
        return audit.namespaces(List.of(api.getNamespace() == null ? "default" : api.getNamespace()));
    }

    private void report(Audit.Result result, ObjectMapper mapper) {
        PrintWriter out = spec.commandLine().getOut();
        if (output == Output.JSON) {
            AuditReport.json(result.findings(), out, mapper);
        } else {
            AuditReport.table(result.findings(), out);
        }
    }

    /**
     * The API client: the kubeconfig as kubectl reads it, with bounded timeouts and no retries,
     * so a hung API server ends the audit instead of holding it.
     */
    private Config apiConfig() throws IOException {
        Config base = kubeconfig == null ? Config.autoConfigure(context) : readKubeconfig();
        if (context != null && (base.getCurrentContext() == null || !context.equals(base.getCurrentContext().getName()))) {
            // fabric8 falls back to the current context silently; auditing another cluster than asked must not.
            throw new IllegalArgumentException("the kubeconfig has no context \"" + context + "\"");
        }
        int millis = requestTimeoutSeconds * 1000;
        return new ConfigBuilder(base).withRequestTimeout(millis).withConnectionTimeout(Math.min(millis, 10_000))
                .withRequestRetryBackoffLimit(0).build();
    }

    /**
     * The parser's own messages are not shown: they quote the offending line of the file, and a
     * kubeconfig's lines hold tokens and keys.
     */
    private Config readKubeconfig() throws IOException {
        if (!Files.isRegularFile(kubeconfig) || !Files.isReadable(kubeconfig)) {
            throw new IOException("cannot read kubeconfig " + kubeconfig);
        }
        try {
            return Config.fromKubeconfig(context, kubeconfig.toFile());
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(kubeconfig + " is not a usable kubeconfig");
        }
    }
}
