package io.github.imagepullwebhook.credentials;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Who is asking, as a cache key: an HMAC over credentials with a key made when this object is
 * created, so caches can tell tenants apart without holding anything from which a password
 * could be recovered. Anonymous (no credential) is the empty string.
 */
public final class CredentialFingerprint {

    private final byte[] key = new byte[32];
    /** One initialised Mac per thread: looking one up per call costs more than the HMAC. */
    private final ThreadLocal<Mac> macs = ThreadLocal.withInitial(this::newMac);

    public CredentialFingerprint() {
        new SecureRandom().nextBytes(key);
    }

    /** Of every credential, in order. */
    public String of(List<RegistryCredential> credentials) {
        if (credentials.isEmpty()) {
            return "";
        }
        Mac mac = macs.get();
        mac.reset();
        for (RegistryCredential credential : credentials) {
            for (String part : new String[] {credential.username(), credential.password(), credential.identityToken()}) {
                mac.update(part.getBytes(StandardCharsets.UTF_8));
                mac.update((byte) 0);
            }
            mac.update((byte) 1);
        }
        return HexFormat.of().formatHex(mac.doFinal());
    }

    /** Of one credential, or anonymous when null. */
    public String of(RegistryCredential credential) {
        return credential == null ? "" : of(List.of(credential));
    }

    private Mac newMac() {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
