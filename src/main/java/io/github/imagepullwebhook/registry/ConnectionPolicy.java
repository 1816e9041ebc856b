package io.github.imagepullwebhook.registry;

import io.vertx.core.Future;
import io.vertx.core.net.SocketAddress;

/**
 * Whether, and to which address, the webhook may connect for pinning. An image name, a redirect
 * and a token realm are all chosen by whoever wrote the pod or runs the registry; each could aim
 * the webhook at the cluster's own network. {@link RegistryClient} asks before every connection
 * and connects to the address it gets back, never resolving the name again.
 */
public interface ConnectionPolicy {

    /**
     * @param host a name or an IP literal (IPv6 with or without brackets)
     * @param port the port to connect to (the scheme's default when the URL names none)
     * @return the checked address to connect to; or a failed future with a {@link RegistryException}
     *         of kind {@link RegistryException.Kind#REFUSED_BY_POLICY} whose message starts with the
     *         host and says which rule refused it, or of kind {@link RegistryException.Kind#TRANSPORT}
     *         when the name does not resolve
     */
    Future<SocketAddress> check(String host, int port);
}
