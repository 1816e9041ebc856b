package io.github.imagepullwebhook.audit;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceList;
import io.fabric8.kubernetes.api.model.ListMeta;
import io.fabric8.kubernetes.api.model.ListOptions;
import io.fabric8.kubernetes.api.model.ListOptionsBuilder;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.NamespaceList;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.Listable;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import java.io.IOException;
import java.net.URL;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Reads stored objects from the API server, a page at a time: {@code limit} and {@code continue}
 * as kubectl does, so a cluster of any size is read in bounded memory and no request is large.
 * Never a watch: an audit is one snapshot, and a watch would keep it running.
 *
 * <p>Objects are read as untyped resources, so fields this client's model does not know reach
 * the rules as the apiserver would send them in a review.
 */
public final class ClusterReader {

    /**
     * One stored object, with the kind and version it was listed as.
     *
     * @param apiVersion e.g. {@code batch/v1beta1} when a cluster serves no {@code batch/v1} CronJob
     */
    public record Listed(AuditedKind kind, String apiVersion, ObjectNode object) {

        public String namespace() {
            return object.path("metadata").path("namespace").asText("");
        }

        public String name() {
            return object.path("metadata").path("name").asText("");
        }
    }

    /** A page and the version it was listed in. */
    private record Page(String version, GenericKubernetesResourceList list) {
    }

    /** Longest text of the API server's own that a message quotes. */
    private static final int MAX_SERVER_MESSAGE = 300;

    private final KubernetesClient client;
    /** Where the API server is, for messages: scheme, host and port (never user info). */
    private final String server;
    private final long chunkSize;
    private final ObjectMapper mapper;
    /** The version that answered, per kind: CronJob falls back to v1beta1 once, not per namespace. */
    private final Map<AuditedKind, String> servedVersions = new HashMap<>();

    /** @param chunkSize objects per page ({@code limit}) */
    public ClusterReader(KubernetesClient client, long chunkSize, ObjectMapper mapper) {
        this.client = client;
        URL master = client.getMasterUrl();
        this.server = master.getProtocol() + "://" + master.getHost() + (master.getPort() < 0 ? "" : ":" + master.getPort());
        this.chunkSize = chunkSize;
        this.mapper = mapper;
    }

    /**
     * Every object of {@code kind} in {@code namespace} (all namespaces when {@code null}),
     * handed to {@code pages} one page at a time.
     *
     * @throws ListFailedException  when the API server refuses this list; other lists may work
     * @throws CannotAuditException when no list can work (no answer, credentials refused)
     */
    public void read(AuditedKind kind, String namespace, Consumer<List<Listed>> pages)
            throws ListFailedException, CannotAuditException {
        Page page = firstPage(kind, namespace);
        while (true) {
            pages.accept(listed(kind, page.version(), page.list()));
            String continueToken = continueToken(page.list().getMetadata());
            if (continueToken == null) {
                return;
            }
            page = new Page(page.version(), listPage(kind, page.version(), namespace, continueToken));
        }
    }

    /**
     * The names of the namespaces whose labels match {@code selector}, as a webhook entry's
     * namespaceSelector would match them (kubectl's label selector syntax).
     *
     * @throws IllegalArgumentException when the API server calls the selector invalid
     * @throws CannotAuditException     when the namespaces cannot be listed
     */
    public List<String> namespaces(String selector) throws CannotAuditException {
        List<String> names = new ArrayList<>();
        String continueToken = null;
        do {
            NamespaceList page;
            try {
                page = client.namespaces().list(options(continueToken).toBuilder().withLabelSelector(selector).build());
            } catch (KubernetesClientException e) {
                throw namespacesRefused(selector, e);
            }
            page.getItems().stream().map(Namespace::getMetadata).forEach(meta -> names.add(meta.getName()));
            continueToken = continueToken(page.getMetadata());
        } while (continueToken != null);
        return names;
    }

    /**
     * The first page, in the first version of the kind the API server serves: a 404 means "not
     * this version", and the next is tried (CronJob: {@code batch/v1}, then {@code batch/v1beta1}).
     */
    private Page firstPage(AuditedKind kind, String namespace) throws ListFailedException, CannotAuditException {
        String known = servedVersions.get(kind);
        for (String version : known != null ? List.of(known) : kind.versions()) {
            try {
                GenericKubernetesResourceList list = resources(kind, version, namespace).list(options(null));
                servedVersions.put(kind, version);
                return new Page(version, list);
            } catch (KubernetesClientException e) {
                if (e.getCode() != 404) {
                    throw refused(kind, namespace, e);
                }
            }
        }
        throw new ListFailedException("cannot list " + kind.resource() + " " + where(namespace)
                + ": the API server serves none of " + String.join(", ", apiVersions(kind)) + " (HTTP 404)");
    }

    private GenericKubernetesResourceList listPage(AuditedKind kind, String version, String namespace, String continueToken)
            throws ListFailedException, CannotAuditException {
        try {
            return resources(kind, version, namespace).list(options(continueToken));
        } catch (KubernetesClientException e) {
            throw refused(kind, namespace, e);
        }
    }

    private ListOptions options(String continueToken) {
        return new ListOptionsBuilder().withLimit(chunkSize).withContinue(continueToken).build();
    }

    /** Without {@code inAnyNamespace}, fabric8 would list the kubeconfig's namespace only. */
    private Listable<GenericKubernetesResourceList> resources(AuditedKind kind, String version, String namespace) {
        var resources = client.genericKubernetesResources(new ResourceDefinitionContext.Builder()
                .withGroup(kind.group()).withVersion(version).withKind(kind.kind()).withPlural(kind.plural())
                .withNamespaced(true).build());
        return namespace == null ? resources.inAnyNamespace() : resources.inNamespace(namespace);
    }

    private static String continueToken(ListMeta meta) {
        String token = meta == null ? null : meta.getContinue();
        return token == null || token.isEmpty() ? null : token;
    }

    /** List items carry no apiVersion and kind of their own; a review's object does. */
    private List<Listed> listed(AuditedKind kind, String version, GenericKubernetesResourceList page) {
        String apiVersion = kind.apiVersion(version);
        List<Listed> listed = new ArrayList<>(page.getItems().size());
        for (GenericKubernetesResource item : page.getItems()) {
            ObjectNode object = mapper.valueToTree(item);
            object.put("apiVersion", apiVersion);
            object.put("kind", kind.kind());
            listed.add(new Listed(kind, apiVersion, object));
        }
        return listed;
    }

    private static List<String> apiVersions(AuditedKind kind) {
        return kind.versions().stream().map(kind::apiVersion).toList();
    }

    /**
     * What a refused list means. Without an HTTP answer, or with the credentials refused, every
     * further request fails alike: the audit stops. Anything else is this list's problem.
     */
    private ListFailedException refused(AuditedKind kind, String namespace, KubernetesClientException e)
            throws CannotAuditException {
        cannotGoOn(e);
        return new ListFailedException("cannot list " + kind.resource() + " " + where(namespace) + ": HTTP " + e.getCode()
                + serverMessage(e));
    }

    private CannotAuditException namespacesRefused(String selector, KubernetesClientException e)
            throws CannotAuditException {
        cannotGoOn(e);
        if (e.getCode() == 400) {
            throw new IllegalArgumentException("invalid namespace selector \"" + selector + "\"" + serverMessage(e));
        }
        return new CannotAuditException("cannot list the namespaces the selector \"" + selector + "\" matches: HTTP "
                + e.getCode() + serverMessage(e));
    }

    private void cannotGoOn(KubernetesClientException e) throws CannotAuditException {
        if (e.getCode() <= 0) {
            throw new CannotAuditException("the API server at " + server + " did not answer: " + cause(e));
        }
        if (e.getCode() == 401) {
            throw new CannotAuditException("the API server at " + server + " refused the kubeconfig's credentials "
                    + "(HTTP 401)");
        }
    }

    private static String where(String namespace) {
        return namespace == null ? "in all namespaces" : "in namespace \"" + namespace + "\"";
    }

    /**
     * The API server's own words (for a 403 they name the user and the verb RBAC lacks), bounded
     * and on one line. fabric8's message is not used: it quotes the whole request.
     */
    private static String serverMessage(KubernetesClientException e) {
        String message = e.getStatus() == null ? null : e.getStatus().getMessage();
        if (message == null || message.isBlank()) {
            return "";
        }
        String line = message.replaceAll("[\\p{Cntrl}]", " ");
        return ": " + (line.length() <= MAX_SERVER_MESSAGE ? line : line.substring(0, MAX_SERVER_MESSAGE) + "...");
    }

    /**
     * Why, by the most specific I/O failure in the chain (ConnectException, HttpTimeoutException,
     * SSLHandshakeException, UnknownHostException) rather than the client's wrappers around it.
     */
    private static String cause(Throwable failure) {
        Throwable named = failure;
        for (Throwable cause = failure.getCause(); cause != null && cause != cause.getCause(); cause = cause.getCause()) {
            named = cause;
            if (cause instanceof IOException && cause.getClass() != IOException.class) {
                break;
            }
        }
        return named.getClass().getSimpleName() + (named.getMessage() == null ? "" : " (" + named.getMessage() + ")");
    }
}
