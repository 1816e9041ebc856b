package io.github.imagepullwebhook.cli;

import io.github.imagepullwebhook.config.WebhookConfig;
import io.github.imagepullwebhook.credentials.CredentialProviderException;
import io.github.imagepullwebhook.credentials.InvalidDockerConfigException;
import io.github.imagepullwebhook.credentials.NodeCredentials;
import io.github.imagepullwebhook.credentials.StaticKeychain;
import io.github.imagepullwebhook.image.ImageReference;
import io.github.imagepullwebhook.image.InvalidImageReferenceException;
import io.github.imagepullwebhook.registry.RegistryException;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code resolve IMAGE}: the pinned reference, asked of the registry as the webhook would ask. */
@Command(name = "resolve", mixinStandardHelpOptions = true,
        description = "Print IMAGE pinned to the digest its tag points at (IMAGE:TAG@sha256:...).")
final class ResolveCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "IMAGE", description = "An image reference with a tag, e.g. nginx:1.27")
    String image;

    @Option(names = "--docker-config", description = "Credentials file (default: ~/.docker/config.json when it exists).")
    Path dockerConfig;

    @Option(names = {"-c", "--config"}, description = "YAML configuration file (its registry: section applies).")
    Path config;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        WebhookConfig webhook = Wiring.load(config);
        Wiring wiring = new Wiring(webhook);
        ImageReference reference;
        try {
            reference = ImageReference.parse(image);
        } catch (InvalidImageReferenceException e) {
            return fail(2, "\"" + image + "\" is not a valid image reference: " + e.getMessage());
        }
        if (reference.hasDigest()) {
            spec.commandLine().getOut().println(image);
            spec.commandLine().getOut().flush();
            return 0;
        }
        Path credentials = dockerConfig != null ? dockerConfig : defaultDockerConfig();
        StaticKeychain keychain;
        try {
            keychain = new StaticKeychain(new NodeCredentials(StaticKeychain.load(credentials),
                    wiring.credentialProviders()));
        } catch (InvalidDockerConfigException e) {
            return fail(2, e.getMessage());
        }
        Vertx vertx = Vertx.vertx();
        try {
            var keyring = keychain.keyringFor("", null, true).toCompletableFuture().join();
            long deadline = System.nanoTime() + webhook.registry().timeout().toNanos();
            String digest = keyring.lookup(reference, deadline)
                    .thenCompose(found -> wiring.resolver(vertx, new SimpleMeterRegistry()).resolve(reference, found))
                    .toCompletableFuture().get(webhook.registry().timeout().toMillis() + 5_000, TimeUnit.MILLISECONDS);
            spec.commandLine().getOut().println(reference.withDigest(digest));
            spec.commandLine().getOut().flush();
            return 0;
        } catch (ExecutionException e) {
            Throwable cause = e.getCause() instanceof CompletionException c && c.getCause() != null ? c.getCause() : e.getCause();
            return fail(1, cause instanceof RegistryException || cause instanceof CredentialProviderException
                    ? cause.getMessage() : cause.toString());
        } finally {
            vertx.close();
        }
    }

    private static Path defaultDockerConfig() {
        Path home = Path.of(System.getProperty("user.home"), ".docker", "config.json");
        return Files.isRegularFile(home) ? home : null;
    }

    private int fail(int status, String message) {
        spec.commandLine().getErr().println("image-pull-webhook: " + message);
        spec.commandLine().getErr().flush();
        return status;
    }
}
