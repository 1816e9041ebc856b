package io.github.imagepullwebhook.credentials;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Who is asking, as a cache key: an HMAC over a credential with a key made when the process
 * starts, so caches can tell tenants apart without holding anything from which a password
 * could be recovered (the key never leaves memory, and a new process makes a new one). Each
 * credential object computes its HMAC once ({@link RegistryCredential}); a list's fingerprint
 * joins those of its credentials in order. Anonymous (no credential) is the empty string.
 */
public final class CredentialFingerprint {

    private static final byte[] KEY = randomKey();
    /** One initialised Mac per thread: looking one up per call costs more than the HMAC. */
    private static final ThreadLocal<Mac> MACS = ThreadLocal.withInitial(CredentialFingerprint::newMac);

    private CredentialFingerprint() {
    }

    /**
     * Of every credential, in order. Each part is a fixed-length hex HMAC, so the joined string
     * names exactly one list.
     */
    public static String of(List<RegistryCredential> credentials) {
        if (credentials.size() == 1) {
            return credentials.get(0).fingerprint();
        }
        StringBuilder joined = new StringBuilder();
        for (RegistryCredential credential : credentials) {
            joined.append(joined.isEmpty() ? "" : ",").append(credential.fingerprint());
        }
        return joined.toString();
    }

    /** Of one credential, or anonymous when null. */
    public static String of(RegistryCredential credential) {
        return credential == null ? "" : credential.fingerprint();
    }

    /** The HMAC of one credential's secret parts, each ended by a zero byte. */
    static String compute(RegistryCredential credential) {
        Mac mac = MACS.get();
        mac.reset();
        for (String part : new String[] {credential.username(), credential.password(), credential.identityToken()}) {
            mac.update(part.getBytes(StandardCharsets.UTF_8));
            mac.update((byte) 0);
        }
        return HexFormat.of().formatHex(mac.doFinal());
    }

    private static byte[] randomKey() {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        return key;
    }

    private static Mac newMac() {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(KEY, "HmacSHA256"));
            return mac;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
