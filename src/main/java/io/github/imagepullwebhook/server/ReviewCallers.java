package io.github.imagepullwebhook.server;

import java.security.GeneralSecurityException;
import java.security.cert.Certificate;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;
import javax.security.auth.x500.X500Principal;

/**
 * Only the apiserver may ask. With pinning on, answering a review reads the pull Secrets of the
 * review's namespace and asks registries with them; a caller that forges
 * {@code request.namespace} would learn through the webhook which Secrets exist in another
 * tenant's namespace and which tags and digests of its private repositories exist. So, when
 * {@code server.tls.clientCaFile} is set, review endpoints answer only callers whose TLS client
 * certificate chains to that file's CAs and, if {@code server.tls.clientNames} lists any,
 * carries one of those names.
 *
 * <p>The TLS layer requests a certificate but cannot require one: the kubelet's probes have
 * none. It already refuses certificates of other CAs. The check is made again here, per request,
 * because a connection outlives its handshake: the apiserver keeps HTTP/2 connections open for
 * hours, past the expiry of the certificate it opened them with and past a change of the CA
 * file. What the chain check found is kept on the TLS session until the CA file changes; the
 * expiry is compared with the clock on every request.
 */
final class ReviewCallers {

    /** An answer instead of the review: HTTP status, metrics error type, message. */
    record Refusal(int status, String type, String message) {
    }

    /** A chain validated against {@code cas}, with the window in which every certificate of it is valid. */
    private record Validated(ClientCas cas, Instant notBefore, Instant notAfter, List<String> names) {
    }

    private static final String VALIDATED = "image-pull-webhook.client-certificate";
    private static final int SAN_DNS = 2;
    private static final int SAN_URI = 6;

    private final Set<String> names;
    private final Clock clock;
    private volatile ClientCas cas;

    ReviewCallers(ClientCas cas, Collection<String> names, Clock clock) {
        this.cas = cas;
        this.names = Set.copyOf(names);
        this.clock = clock;
    }

    /** A new version of the CA file: every session's chain is validated again against it. */
    void trust(ClientCas newCas) {
        cas = newCas;
    }

    /**
     * Why the caller on {@code session} may not send reviews to {@code endpoint}, or empty when it
     * may.
     */
    Optional<Refusal> refusal(SSLSession session, String endpoint) {
        Certificate[] presented;
        try {
            presented = session.getPeerCertificates();
        } catch (SSLPeerUnverifiedException none) {
            return Optional.of(new Refusal(401, "client_certificate_missing", "a client certificate signed by "
                    + "server.tls.clientCaFile is required for " + endpoint + "; the apiserver presents one when its "
                    + "admission configuration gives it a kubeconfig for this webhook"));
        }
        Instant now = clock.instant();
        Validated validated;
        try {
            validated = validated(session, presented, now);
        } catch (GeneralSecurityException e) {
            return Optional.of(invalid("the client certificate is not valid for server.tls.clientCaFile: "
                    + e.getMessage(), endpoint));
        }
        if (now.isAfter(validated.notAfter()) || now.isBefore(validated.notBefore())) {
            return Optional.of(invalid("the client certificate chain is valid from " + validated.notBefore() + " to "
                    + validated.notAfter() + ", not now (" + now + ")", endpoint));
        }
        if (!names.isEmpty() && validated.names().stream().noneMatch(names::contains)) {
            return Optional.of(new Refusal(403, "client_name_refused", "the client certificate's names "
                    + printable(validated.names()) + " are not among server.tls.clientNames; " + endpoint
                    + " answers only the apiserver"));
        }
        return Optional.empty();
    }

    /** The session's chain validated against the current CAs: kept on the session until they change. */
    private Validated validated(SSLSession session, Certificate[] presented, Instant now)
            throws GeneralSecurityException {
        ClientCas current = cas;
        if (session.getValue(VALIDATED) instanceof Validated kept && kept.cas() == current) {
            return kept;
        }
        List<X509Certificate> chain = Arrays.stream(presented).map(X509Certificate.class::cast).toList();
        current.validate(chain, now);
        Validated fresh = new Validated(current, latest(chain), earliest(chain), presentedNames(chain.get(0)));
        session.putValue(VALIDATED, fresh);
        return fresh;
    }

    private static Refusal invalid(String why, String endpoint) {
        return new Refusal(401, "client_certificate_invalid", why + "; a valid client certificate signed by "
                + "server.tls.clientCaFile is required for " + endpoint);
    }

    private static Instant latest(List<X509Certificate> chain) {
        return chain.stream().map(c -> c.getNotBefore().toInstant()).max(Instant::compareTo).orElseThrow();
    }

    private static Instant earliest(List<X509Certificate> chain) {
        return chain.stream().map(c -> c.getNotAfter().toInstant()).min(Instant::compareTo).orElseThrow();
    }

    /** The subject's CNs, then its DNS and URI names. */
    private static List<String> presentedNames(X509Certificate certificate) {
        List<String> found = new ArrayList<>();
        try {
            for (Rdn rdn : new LdapName(certificate.getSubjectX500Principal().getName(X500Principal.RFC2253)).getRdns()) {
                if ("CN".equalsIgnoreCase(rdn.getType())) {
                    found.add(String.valueOf(rdn.getValue()));
                }
            }
            Collection<List<?>> alternatives = certificate.getSubjectAlternativeNames();
            for (List<?> name : alternatives == null ? List.<List<?>>of() : alternatives) {
                if (name.get(0) instanceof Integer type && (type == SAN_DNS || type == SAN_URI)) {
                    found.add(String.valueOf(name.get(1)));
                }
            }
        } catch (InvalidNameException | CertificateParsingException e) {
            // a certificate whose names cannot be read carries none that could be accepted
        }
        return found;
    }

    /** Names come from the caller: shown short and printable only. */
    private static String printable(List<String> names) {
        String shown = names.isEmpty() ? "(none)" : String.join(", ", names.subList(0, Math.min(names.size(), 4)));
        shown = shown.length() > 200 ? shown.substring(0, 200) + "..." : shown;
        return "[" + shown.replaceAll("[^\\x20-\\x7e]", "?") + "]";
    }
}
