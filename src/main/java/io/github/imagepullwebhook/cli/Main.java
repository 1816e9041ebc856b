package io.github.imagepullwebhook.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.imagepullwebhook.admission.AdmissionService;
import io.github.imagepullwebhook.admission.SkipRules;
import io.github.imagepullwebhook.config.WebhookConfig;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code image-pull-webhook} command. */
@Command(name = "image-pull-webhook", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "Kubernetes mutating admission webhook that decides how container images are pulled.",
        subcommands = {ServeCommand.class, MutateCommand.class, CommandLine.HelpCommand.class})
public final class Main {

    /** Where the webhook runs, from the Downward API; its own namespace is never mutated. */
    static final String POD_NAMESPACE = "POD_NAMESPACE";

    public static void main(String[] args) {
        System.exit(run(args));
    }

    static int run(String... args) {
        return new CommandLine(new Main()).setCaseInsensitiveEnumValuesAllowed(true).execute(args);
    }

    static WebhookConfig loadConfig(Path file) throws IOException {
        return file == null ? WebhookConfig.DEFAULT : WebhookConfig.load(file);
    }

    /** The admission service both commands use, so the server and {@code mutate} decide alike. */
    static AdmissionService admissionService(WebhookConfig config) {
        Set<String> ignored = new HashSet<>(config.ignoreNamespaces());
        String own = System.getenv(POD_NAMESPACE);
        if (own != null && !own.isBlank()) {
            ignored.add(own);
        }
        return new AdmissionService(new ObjectMapper(), new SkipRules(ignored));
    }

    /** Reads the version Maven writes into the jar's manifest. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String version = Main.class.getPackage().getImplementationVersion();
            return new String[] {"image-pull-webhook " + (version == null ? "(development build)" : version)};
        }
    }
}
