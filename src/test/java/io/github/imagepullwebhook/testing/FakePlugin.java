package io.github.imagepullwebhook.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Kubelet credential provider plugins for tests: shell scripts written into a plugin directory,
 * and the configuration that names them.
 */
public final class FakePlugin {

    public static final String API_VERSION = "credentialprovider.kubelet.k8s.io/v1";

    private FakePlugin() {
    }

    /** Writes {@code binDir/name} as an executable {@code /bin/sh} script with {@code body}. */
    public static Path write(Path binDir, String name, String body) throws IOException {
        Path script = binDir.resolve(name);
        Files.writeString(script, "#!/bin/sh\n" + body + "\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
        return script;
    }

    /** A script body that keeps its request in {@code requestFile}, counts its runs there too, and answers {@code json}. */
    public static String answering(Path requestFile, String json) {
        return "cat > '" + requestFile + "'\n"
                + "echo run >> '" + requestFile + ".runs'\n"
                + "cat <<'EOF'\n" + json + "\nEOF";
    }

    /** How often a script made by {@link #answering} ran. */
    public static long runs(Path requestFile) throws IOException {
        Path runs = Path.of(requestFile + ".runs");
        return Files.exists(runs) ? Files.readAllLines(runs).size() : 0;
    }

    /** A {@code CredentialProviderResponse}; {@code cacheDuration} null leaves it out. */
    public static String response(String cacheKeyType, String cacheDuration, String key, String username, String password) {
        return "{\"apiVersion\":\"" + API_VERSION + "\",\"kind\":\"CredentialProviderResponse\",\"cacheKeyType\":\""
                + cacheKeyType + "\"" + (cacheDuration == null ? "" : ",\"cacheDuration\":\"" + cacheDuration + "\"")
                + ",\"auth\":{\"" + key + "\":{\"username\":\"" + username + "\",\"password\":\"" + password + "\"}}}";
    }

    /** A {@code CredentialProviderConfig} with one provider. */
    public static String config(String name, String matchImages, String defaultCacheDuration) {
        return "apiVersion: kubelet.config.k8s.io/v1\n"
                + "kind: CredentialProviderConfig\n"
                + "providers:\n"
                + "  - name: " + name + "\n"
                + "    matchImages: " + matchImages + "\n"
                + "    defaultCacheDuration: \"" + defaultCacheDuration + "\"\n"
                + "    apiVersion: " + API_VERSION + "\n";
    }
}
