package io.github.imagepullwebhook.server;

import java.security.KeyFactory;
import java.security.KeyPairGenerator;
import java.security.Signature;
import javax.crypto.Cipher;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The first TLS handshake of a fresh JVM pays for one-time initialisation: Netty's server
 * context probes for BouncyCastle and, finding it (we use it to issue certificates), loads its
 * provider; JSSE, the EC and X25519 key code and AES-GCM are loaded and set up. Measured, that
 * was most of a second after the server was otherwise ready (0.7-1.1 s, of which 0.3 s was
 * BouncyCastle's provider). A full in-memory handshake with a throwaway certificate was tried
 * too: it competed with the main thread for the CPU and made startup slower. Doing it on a background thread
 * from the start of {@code serve}, while the main thread reads configuration and starts Vert.x,
 * takes it off the path to the first answered request on a machine with a second core.
 * Nothing here is needed for correctness: any failure is logged at debug and ignored.
 */
public final class HandshakeWarmup {

    private static final Logger LOG = LoggerFactory.getLogger(HandshakeWarmup.class);

    private HandshakeWarmup() {
    }

    /** Starts the warm-up on a daemon thread and returns at once. */
    public static Thread start() {
        Thread thread = new Thread(HandshakeWarmup::run, "tls-warmup");
        thread.setDaemon(true);
        thread.setPriority(Thread.NORM_PRIORITY - 1);
        thread.start();
        return thread;
    }

    static void run() {
        try {
            // Static initialisation of Netty's JDK server context runs its BouncyCastle probes.
            Class.forName("io.netty.handler.ssl.JdkSslServerContext", true, HandshakeWarmup.class.getClassLoader());
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, null, null);
            SSLEngine engine = context.createSSLEngine();
            engine.setUseClientMode(false);
            engine.getSupportedCipherSuites();
            KeyFactory.getInstance("EC");
            KeyPairGenerator.getInstance("X25519").generateKeyPair();
            KeyPairGenerator.getInstance("EC").generateKeyPair();
            Signature.getInstance("SHA256withECDSA");
            Cipher.getInstance("AES/GCM/NoPadding");
        } catch (Exception | LinkageError e) {
            LOG.debug("TLS warm-up skipped: {}", e.toString());
        }
    }
}
