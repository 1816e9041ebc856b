package io.github.imagepullwebhook.testing;

import io.github.imagepullwebhook.registry.NameResolver;
import io.vertx.core.Context;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A name resolver with the answers a test gives it, in place of DNS (no test asks real DNS).
 * A name may get a sequence of answers — the first lookup gets the first, and so on, the last
 * one repeating — which is how a rebinding DNS server behaves. Every lookup is recorded, with
 * whether it ran on an event loop.
 */
public final class StubResolver implements NameResolver {

    private final Map<String, Deque<List<InetAddress>>> answers = new ConcurrentHashMap<>();
    public final List<String> lookups = new CopyOnWriteArrayList<>();
    public final List<String> lookupsOnEventLoops = new CopyOnWriteArrayList<>();

    /** {@code name} answers {@code addresses} from now on. */
    public StubResolver answer(String name, InetAddress... addresses) {
        return answers(name, List.of(addresses));
    }

    /** {@code name} answers each list in turn, then the last one again and again. */
    @SafeVarargs
    public final StubResolver answers(String name, List<InetAddress>... inTurn) {
        answers.put(name, new ArrayDeque<>(List.of(inTurn)));
        return this;
    }

    @Override
    public synchronized List<InetAddress> addresses(String host) throws UnknownHostException {
        lookups.add(host);
        if (Context.isOnEventLoopThread()) {
            lookupsOnEventLoops.add(host);
        }
        Deque<List<InetAddress>> queue = answers.get(host);
        if (queue == null) {
            throw new UnknownHostException(host);
        }
        return queue.size() > 1 ? queue.poll() : queue.peek();
    }

    /** An IPv4 address from its four bytes. */
    public static InetAddress ipv4(byte[] bytes) {
        try {
            return InetAddress.getByAddress(bytes);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(e);
        }
    }

    /** An IPv4 address from its literal (parsed, never looked up). */
    public static InetAddress ipv4(String literal) {
        try {
            return InetAddress.getByName(literal);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(literal, e);
        }
    }

    /**
     * An IPv6 address as a resolver returns it, from its 32 hex digits. Unlike a parsed
     * literal, which the JDK turns into an IPv4 address when it is IPv4-mapped, this stays IPv6,
     * as the JDK's own resolver leaves AAAA answers.
     */
    public static InetAddress ipv6(String hex) {
        try {
            return Inet6Address.getByAddress(null, HexFormat.of().parseHex(hex), -1);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(hex, e);
        }
    }
}
