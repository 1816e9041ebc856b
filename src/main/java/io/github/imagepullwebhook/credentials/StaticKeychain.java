package io.github.imagepullwebhook.credentials;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The same credentials for every pod: the node's ({@code config.json} and credential provider
 * plugins), or none. Used where no Kubernetes API is at hand (offline {@code mutate},
 * {@code resolve}).
 */
public final class StaticKeychain implements Keychain {

    private final NodeCredentials node;

    public StaticKeychain(NodeCredentials node) {
        this.node = node;
    }

    /** A {@code config.json}'s credentials, no plugins. */
    public StaticKeychain(Keyring keyring) {
        this(NodeCredentials.of(keyring));
    }

    /** The credentials of a {@code config.json}; none when {@code file} is null. */
    public static Keyring load(Path file) throws IOException, InvalidDockerConfigException {
        Keyring keyring = new Keyring();
        if (file != null) {
            keyring.add(DockerConfig.parseConfigJson(Files.readAllBytes(file), file.toString()));
        }
        return keyring;
    }

    @Override
    public CompletionStage<PodKeyring> keyringFor(String namespace, JsonNode podSpec, boolean isPod) {
        return CompletableFuture.completedFuture(new PodKeyring(List.of(node.configJson()), node.providers(), List.of()));
    }
}
