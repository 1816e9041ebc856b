package io.github.imagepullwebhook.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.imagepullwebhook.admission.AdmissionService;
import io.github.imagepullwebhook.config.Profile;
import io.github.imagepullwebhook.config.WebhookConfig;
import io.github.imagepullwebhook.credentials.StaticKeychain;
import io.github.imagepullwebhook.manifest.ManifestMutator;
import io.github.imagepullwebhook.policy.ImagePolicy;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code mutate}: the policy applied to an AdmissionReview or to manifests, offline. */
@Command(name = "mutate", mixinStandardHelpOptions = true,
        description = {"Apply a profile's policy offline.",
                "An AdmissionReview (JSON) gets the AdmissionReview response the server would send;",
                "manifests (YAML or JSON, multi-document, List kinds) are written back changed only where the policy "
                        + "changed them. Warnings go to standard error."})
final class MutateCommand implements Callable<Integer> {

    @Option(names = {"-f", "--filename"}, required = true, description = "Input file, or - for standard input.")
    String file;

    @Option(names = {"-c", "--config"}, description = "YAML configuration file.")
    Path config;

    @Option(names = {"-p", "--profile"}, defaultValue = WebhookConfig.DEFAULT_PROFILE,
            description = "Profile to apply (default: ${DEFAULT-VALUE}).")
    String profileName;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        WebhookConfig webhook = Wiring.load(config);
        Profile profile = webhook.profile(profileName).orElse(null);
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (profile == null) {
            err.println("image-pull-webhook: unknown profile \"" + profileName + "\"; configured: "
                    + String.join(", ", new TreeSet<>(webhook.profiles().keySet())));
            return 2;
        }
        byte[] input = read();
        if (isAdmissionReview(input)) {
            // A Vert.x instance (for the registry client) only when some profile pins digests.
            Vertx vertx = webhook.pinsDigests() ? Vertx.vertx() : null;
            try {
                Wiring wiring = new Wiring(webhook);
                StaticKeychain keychain = new StaticKeychain(wiring.nodeCredentials());
                AdmissionService.Answer answer = wiring.admissionService(vertx == null ? null
                                : wiring.pinning(vertx, keychain, new SimpleMeterRegistry()))
                        .review(input, profile.rules(), AdmissionService.Mode.MUTATE);
                out.println(answer.body().toPrettyString());
                out.flush();
                return answer.httpStatus() == 200 ? 0 : 1;
            } finally {
                if (vertx != null) {
                    vertx.close();
                }
            }
        }
        ManifestMutator.Result result = new ManifestMutator(new ImagePolicy(profile.rules()))
                .mutate(new String(input, StandardCharsets.UTF_8));
        out.print(result.text());
        out.flush();
        result.warnings().forEach(w -> err.println("Warning: " + w));
        err.flush();
        return 0;
    }

    private byte[] read() throws IOException {
        if ("-".equals(file)) {
            try (InputStream in = System.in) {
                return in.readAllBytes();
            }
        }
        return Files.readAllBytes(Path.of(file));
    }

    private static boolean isAdmissionReview(byte[] input) {
        try {
            JsonNode root = new ObjectMapper().readTree(input);
            return root != null && "AdmissionReview".equals(root.path("kind").asText());
        } catch (IOException e) {
            return false;
        }
    }
}
