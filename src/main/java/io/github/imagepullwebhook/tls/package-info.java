/**
 * Serving certificates the webhook can make for itself.
 *
 * <p>The apiserver only talks to webhooks over TLS, and a certificate is the first thing that
 * stands between a newcomer and a working webhook. When no certificate is configured, the
 * server makes a private CA and a serving certificate for localhost and the Service's DNS
 * names, and writes the CA bundle where {@code curl --cacert} and a webhook configuration's
 * {@code caBundle} can use it at once. Generated with BouncyCastle: certificate building is not
 * product logic.
 */
package io.github.imagepullwebhook.tls;
