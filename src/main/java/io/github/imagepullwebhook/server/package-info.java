/**
 * The HTTPS front of the webhook: Vert.x verticles that route, enforce the body limit, hand the
 * bytes to {@link io.github.imagepullwebhook.admission.AdmissionService} and write its answer.
 *
 * <p>It is kept thin on purpose: every decision is made in the admission and policy packages,
 * so the same decisions are made offline by the {@code mutate} command. What lives here is what
 * only a server needs: TLS 1.2 (ECDHE with AEAD suites only) and 1.3 with HTTP/2 and HTTP/1.1 by
 * ALPN, certificates reloaded when cert-manager rotates the files, review endpoints that answer
 * only the apiserver's client certificate when a client CA is configured (with pinning on, a
 * forged review would make the webhook read another namespace's pull Secrets), health and
 * readiness, Prometheus metrics, and a shutdown that answers every accepted review before the
 * process exits.
 */
package io.github.imagepullwebhook.server;
