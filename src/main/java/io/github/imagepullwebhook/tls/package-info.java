/**
 * Serving certificates the webhook can make for itself.
 *
 * <p>The apiserver only talks to webhooks over TLS, and a certificate is the first thing that
 * stands between a newcomer and a working webhook. When no certificate is configured, the
 * server makes a private CA and a serving certificate for localhost and the Service's DNS
 * names, and writes the CA bundle where {@code curl --cacert} and a webhook configuration's
 * {@code caBundle} can use it at once. Generated with BouncyCastle: certificate building is not
 * product logic.
 *
 * <p>In a cluster without cert-manager, {@link io.github.imagepullwebhook.tls.ManagedCertificates}
 * keeps the CA and certificate in the webhook's own Secret, shared by every replica, and writes
 * the CA into the webhook's own configurations. That class and its tests are the only code here
 * that talks to the Kubernetes API, through fabric8, with rights limited to those objects by name.
 */
package io.github.imagepullwebhook.tls;
