package io.github.imagepullwebhook.testing;

import io.github.imagepullwebhook.registry.HostGuard;
import io.vertx.core.Vertx;
import java.util.List;

/**
 * The production guard as tests on loopback need it: {@code 127.0.0.1} and {@code localhost}
 * named in {@code allow} (any port), which is what lets a loopback registry be contacted at all.
 */
public final class LoopbackGuard {

    private LoopbackGuard() {
    }

    public static HostGuard of(Vertx vertx) {
        return new HostGuard(vertx, List.of("127.0.0.1", "localhost"), List.of());
    }
}
