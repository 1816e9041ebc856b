package io.github.imagepullwebhook.registry;

import io.github.imagepullwebhook.registry.RegistryException.Kind;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.net.SocketAddress;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Optional;

/**
 * Where the webhook may connect for pinning. An image name is user input, and so are the
 * redirects and token realms a registry answers with: without this guard a pod could make the
 * webhook scan the cluster's network, read a cloud metadata endpoint, or fetch an internal
 * service's token and hand it to the registry. {@link RegistryClient} asks it before every
 * connection — registry, each redirect hop, each token realm — and the same rules apply to all:
 *
 * <ul>
 *   <li>{@code deny} patterns are never contacted; with {@code allow} patterns, only those are
 *       ({@link HostPattern}: per-label globs, exact ports).</li>
 *   <li>The name is resolved (on a worker thread, never on an event loop) and <em>every</em>
 *       address is checked ({@link AddressScope}, which sees through IPv4-mapped, compatible,
 *       NAT64 and 6to4 forms). Link-local and cloud-metadata addresses are never contacted;
 *       loopback and private ones only when an {@code allow} pattern names the host.</li>
 *   <li>The answer is the checked address itself: the client connects there and does not
 *       resolve the name again, so a name that answers a public address now and a loopback
 *       address a moment later (DNS rebinding) reaches only the public one.</li>
 * </ul>
 */
public final class HostGuard implements ConnectionPolicy {

    private final Vertx vertx;
    private final NameResolver names;
    private final List<HostPattern> allow;
    private final List<HostPattern> deny;

    /** With the JDK's resolver. */
    public HostGuard(Vertx vertx, List<String> allow, List<String> deny) {
        this(vertx, allow, deny, NameResolver.SYSTEM);
    }

    /** @throws IllegalArgumentException naming a pattern that is not host, host:port or [ipv6]:port */
    public HostGuard(Vertx vertx, List<String> allow, List<String> deny, NameResolver names) {
        this.vertx = vertx;
        this.names = names;
        this.allow = allow.stream().map(HostPattern::parse).toList();
        this.deny = deny.stream().map(HostPattern::parse).toList();
    }

    @Override
    public Future<SocketAddress> check(String host, int port) {
        String name = IpLiteral.canonical(host);
        String shown = IpLiteral.bracketed(name) + ":" + port;
        if (deny.stream().anyMatch(p -> p.matches(name, port))) {
            return refused(shown + " matches registry.deny");
        }
        boolean named = allow.stream().anyMatch(p -> p.matches(name, port));
        if (!allow.isEmpty() && !named) {
            return refused(shown + " matches no registry.allow pattern");
        }
        // Resolved as written (an absolute name stays absolute: no search domains), matched canonical.
        return addresses(IpLiteral.bare(host)).compose(addresses -> firstIfAllAllowed(addresses, named, shown, port));
    }

    /** Every address must pass: which one a client would pick is not ours to guess. */
    private static Future<SocketAddress> firstIfAllAllowed(List<InetAddress> addresses, boolean named, String shown,
                                                           int port) {
        for (InetAddress address : addresses) {
            AddressScope scope = AddressScope.of(address);
            if (!scope.mayConnect(named)) {
                return refused(shown + " resolves to " + scope.description() + " address " + spelled(address));
            }
        }
        return Future.succeededFuture(SocketAddress.inetSocketAddress(new InetSocketAddress(withoutName(addresses.get(0)), port)));
    }

    /** Literals without a lookup; names on a worker thread, since the resolver blocks. */
    private Future<List<InetAddress>> addresses(String name) {
        Optional<InetAddress> literal;
        try {
            literal = IpLiteral.parse(name);
        } catch (UnknownHostException malformed) {
            return cannotResolve(name);
        }
        if (literal.isPresent()) {
            return Future.succeededFuture(List.of(literal.get()));
        }
        return vertx.executeBlocking(() -> names.addresses(name), false)
                .compose(found -> found.isEmpty() ? cannotResolve(name) : Future.succeededFuture(found),
                        failure -> cannotResolve(name));
    }

    /**
     * The address without the name it was resolved from: given a name, the HTTP client could
     * resolve it again; given only the address, it connects there.
     */
    private static InetAddress withoutName(InetAddress address) {
        try {
            return InetAddress.getByAddress(AddressScope.unmapped(address).getAddress());
        } catch (UnknownHostException impossible) { // the bytes come from an address
            throw new IllegalStateException(impossible);
        }
    }

    /** {@code 127.0.0.1}, or {@code 127.0.0.1 (as 0:0:0:0:0:ffff:7f00:1)} when it came as IPv6. */
    private static String spelled(InetAddress address) {
        InetAddress unmapped = AddressScope.unmapped(address);
        return unmapped == address ? address.getHostAddress()
                : unmapped.getHostAddress() + " (as " + address.getHostAddress() + ")";
    }

    private static <T> Future<T> refused(String message) {
        return Future.failedFuture(new RegistryException(Kind.REFUSED_BY_POLICY, message));
    }

    private static <T> Future<T> cannotResolve(String name) {
        return Future.failedFuture(new RegistryException(Kind.TRANSPORT, "cannot resolve host " + name));
    }
}
