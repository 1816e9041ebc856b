package io.github.imagepullwebhook.registry;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;

/** Every address of a host name. It may block: {@link HostGuard} calls it on a worker thread only. */
@FunctionalInterface
public interface NameResolver {

    /** The JDK's resolver, which also reads {@code /etc/hosts} (and caches answers for 30 s by default). */
    NameResolver SYSTEM = host -> List.of(InetAddress.getAllByName(host));

    List<InetAddress> addresses(String host) throws UnknownHostException;
}
