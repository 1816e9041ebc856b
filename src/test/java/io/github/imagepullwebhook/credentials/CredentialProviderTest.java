package io.github.imagepullwebhook.credentials;

import static io.github.imagepullwebhook.testing.FakePlugin.answering;
import static io.github.imagepullwebhook.testing.FakePlugin.response;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.github.benmanes.caffeine.cache.Ticker;
import io.github.imagepullwebhook.image.ImageReference;
import io.github.imagepullwebhook.testing.Await;
import io.github.imagepullwebhook.testing.FakePlugin;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Kubelet credential provider plugins, each path with a fake plugin: a shell script in a
 * temporary plugin directory. Time in the cache moves with a test ticker, never by sleeping.
 */
class CredentialProviderTest {

    static final String IMAGE = "registry.example.com/team/app:1.0";
    static final Duration LIMIT = Duration.ofSeconds(10);
    /** The webhook's environment as the plugin could see it, with variables it must not see. */
    static final Map<String, String> WEBHOOK_ENV = Map.of("PATH", System.getenv("PATH"), "HOME", "/home/webhook",
            "AWS_ROLE_ARN", "arn:aws:iam::123456789012:role/pull", "AWS_REGION", "us-east-1",
            "JAVA_TOOL_OPTIONS", "-Xmx1g", "POD_NAMESPACE", "image-pull-webhook", "KUBERNETES_SERVICE_HOST", "10.0.0.1");

    @TempDir
    Path dir;
    Path bin;
    Path request;
    final AtomicLong now = new AtomicLong();
    final Ticker ticker = now::get;
    final ThreadPoolExecutor executor = new ThreadPoolExecutor(2, 2, 0, TimeUnit.SECONDS, new LinkedBlockingQueue<>());

    @BeforeEach
    void directories() throws Exception {
        bin = Files.createDirectory(dir.resolve("bin"));
        request = dir.resolve("request.json");
    }

    @AfterEach
    void stop() {
        executor.shutdownNow();
    }

    CredentialProviders providers(String body, String matchImages, String defaultCacheDuration, Duration limit)
            throws Exception {
        FakePlugin.write(bin, "fake", body);
        CredentialProviderConfig config = CredentialProviderConfig.parse(
                FakePlugin.config("fake", matchImages, defaultCacheDuration), "test");
        return CredentialProviders.create(config, bin, limit, WEBHOOK_ENV, executor, ticker);
    }

    CredentialProviders answering(String json) throws Exception {
        return providers(FakePlugin.answering(request, json), "[\"*.example.com\"]", "0", LIMIT);
    }

    static List<String> users(CredentialProviders providers, String image) throws Exception {
        return Await.result(providers.lookup(ImageReference.parse(image), System.nanoTime() + LIMIT.toNanos()))
                .stream().map(RegistryCredential::username).toList();
    }

    static CredentialProviderException failure(CredentialProviders providers, String image, long deadline) {
        Throwable thrown = catchThrowable(() ->
                Await.result(providers.lookup(ImageReference.parse(image), deadline)));
        assertThat(thrown).isInstanceOf(CredentialProviderException.class);
        return (CredentialProviderException) thrown;
    }

    static CredentialProviderException failure(CredentialProviders providers) {
        return failure(providers, IMAGE, System.nanoTime() + LIMIT.toNanos());
    }

    // --- answers and caching ---------------------------------------------------------------

    @Test
    void theRequestIsTheImagesRepositoryOnStdinAndTheAnswerIsAKeyring() throws Exception {
        CredentialProviders providers = answering(response("Image", "10m", "*.example.com", "alice", "s3cret"));
        assertThat(users(providers, IMAGE)).containsExactly("alice");
        assertThat(Files.readString(request).strip()).isEqualTo("{\"apiVersion\":\"credentialprovider.kubelet.k8s.io/v1\","
                + "\"kind\":\"CredentialProviderRequest\",\"image\":\"registry.example.com/team/app\"}");
        RegistryCredential credential = Await.result(providers.lookup(ImageReference.parse(IMAGE),
                System.nanoTime() + LIMIT.toNanos())).get(0);
        assertThat(credential.password()).isEqualTo("s3cret");
        assertThat(credential.source()).isEqualTo("credential provider \"fake\", key *.example.com");
        assertThat(credential.toString()).doesNotContain("s3cret");
    }

    @Test
    void theAnswersKeysAreMatchedLikeConfigJson() throws Exception {
        CredentialProviders providers = answering(response("Image", "0", "registry.example.com/other", "alice", "pw"));
        assertThat(users(providers, IMAGE)).as("the key's path is not a prefix of the image's").isEmpty();
        assertThat(FakePlugin.runs(request)).isEqualTo(1);
    }

    @ParameterizedTest(name = "{0}: runs after the same image {1}, the same registry {2}, another registry {3}")
    @CsvSource({"Image, 1, 2, 3", "Registry, 1, 1, 2", "Global, 1, 1, 1"})
    void eachCacheKeyTypeKeepsTheAnswerUnderItsKey(String type, long sameImage, long sameRegistry, long otherRegistry)
            throws Exception {
        CredentialProviders providers = answering(response(type, "1h", "*.example.com", "alice", "pw"));
        assertThat(users(providers, IMAGE)).containsExactly("alice");
        assertThat(users(providers, "registry.example.com/team/app:2.0")).containsExactly("alice");
        assertThat(FakePlugin.runs(request)).as("same image").isEqualTo(sameImage);
        assertThat(users(providers, "registry.example.com/team/other:1")).containsExactly("alice");
        assertThat(FakePlugin.runs(request)).as("same registry").isEqualTo(sameRegistry);
        assertThat(users(providers, "mirror.example.com/team/app:1")).containsExactly("alice");
        assertThat(FakePlugin.runs(request)).as("another registry").isEqualTo(otherRegistry);
    }

    @Test
    void anAnswerIsKeptForItsCacheDurationThenAskedForAgain() throws Exception {
        CredentialProviders providers = providers(FakePlugin.answering(request,
                response("Registry", "10m", "*.example.com", "alice", "pw")), "[\"*.example.com\"]", "1h", LIMIT);
        users(providers, IMAGE);
        now.addAndGet(Duration.ofMinutes(10).minusSeconds(1).toNanos());
        users(providers, IMAGE);
        assertThat(FakePlugin.runs(request)).as("within the answer's 10m, not the default 1h").isEqualTo(1);
        now.addAndGet(Duration.ofSeconds(2).toNanos());
        users(providers, IMAGE);
        assertThat(FakePlugin.runs(request)).isEqualTo(2);
    }

    @Test
    void withoutCacheDurationTheProvidersDefaultApplies() throws Exception {
        CredentialProviders providers = providers(FakePlugin.answering(request,
                response("Image", null, "*.example.com", "alice", "pw")), "[\"*.example.com\"]", "1m", LIMIT);
        users(providers, IMAGE);
        now.addAndGet(Duration.ofSeconds(59).toNanos());
        users(providers, IMAGE);
        assertThat(FakePlugin.runs(request)).isEqualTo(1);
        now.addAndGet(Duration.ofSeconds(2).toNanos());
        users(providers, IMAGE);
        assertThat(FakePlugin.runs(request)).isEqualTo(2);
    }

    @ParameterizedTest(name = "cacheDuration {0}, defaultCacheDuration {1}")
    @CsvSource({"0s, 1h", ", 0", "-5m, 1h"})
    void aZeroDurationIsNotCached(String cacheDuration, String defaultCacheDuration) throws Exception {
        CredentialProviders providers = providers(FakePlugin.answering(request,
                response("Global", cacheDuration, "*.example.com", "alice", "pw")), "[\"*.example.com\"]",
                defaultCacheDuration, LIMIT);
        users(providers, IMAGE);
        users(providers, IMAGE);
        assertThat(FakePlugin.runs(request)).isEqualTo(2);
    }

    @Test
    void concurrentLookupsForOneImageShareOneRun() throws Exception {
        Path gate = dir.resolve("gate");
        assertThat(new ProcessBuilder("mkfifo", gate.toString()).start().waitFor()).isZero();
        CredentialProviders providers = providers("read line < '" + gate + "'\n"
                + FakePlugin.answering(request, response("Image", "0", "*.example.com", "alice", "pw")),
                "[\"*.example.com\"]", "0", LIMIT);
        long deadline = System.nanoTime() + LIMIT.toNanos();
        CompletableFuture<List<RegistryCredential>> first = providers.lookup(ImageReference.parse(IMAGE), deadline);
        CompletableFuture<List<RegistryCredential>> second = providers.lookup(ImageReference.parse(IMAGE), deadline);
        assertThat(first).isNotDone();
        assertThat(second).isNotDone();
        // Opening the gate for writing waits until the one plugin opens it for reading.
        CompletableFuture.runAsync(() -> {
            try {
                Files.writeString(gate, "go\n");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }).get(10, TimeUnit.SECONDS);
        assertThat(Await.result(first)).extracting(RegistryCredential::username).containsExactly("alice");
        assertThat(Await.result(second)).extracting(RegistryCredential::username).containsExactly("alice");
        assertThat(FakePlugin.runs(request)).isEqualTo(1);
    }

    // --- matchImages -----------------------------------------------------------------------

    @ParameterizedTest(name = "{0} ~ {1} -> {2}")
    @CsvSource({
            "*.registry.example.com,     eu.registry.example.com/app:1,       true",
            "*.registry.example.com,     registry.example.com/app:1,          false",
            "*.registry.example.com,     a.eu.registry.example.com/app:1,     false",
            "*.dkr.ecr.*.amazonaws.com,  123.dkr.ecr.eu-west-1.amazonaws.com/app:1, true",
            "registry.example.com:5000,  registry.example.com:5000/app:1,     true",
            "registry.example.com:5000,  registry.example.com/app:1,          false",
            "registry.example.com,       registry.example.com:5000/app:1,     false",
            "registry.example.com/team,  registry.example.com/team/app:1,     true",
            "registry.example.com/team,  registry.example.com/teams/app:1,    true",
            "registry.example.com/team,  registry.example.com/other/app:1,    false",
            "docker.io/library,          nginx:1.27,                          true",
            "docker.io,                  registry.example.com/docker.io/x:1,  false",
    })
    void onlyImagesThatMatchImagesMatchAskThePlugin(String pattern, String image, boolean asked) throws Exception {
        CredentialProviders providers = providers(FakePlugin.answering(request,
                response("Image", "0", "*", "alice", "pw")), "[\"" + pattern + "\"]", "0", LIMIT);
        assertThat(providers.matches(ImageReference.parse(image))).isEqualTo(asked);
        Await.result(providers.lookup(ImageReference.parse(image), System.nanoTime() + LIMIT.toNanos()));
        assertThat(FakePlugin.runs(request)).isEqualTo(asked ? 1 : 0);
    }

    // --- what the plugin is given ----------------------------------------------------------

    @Test
    void argsAndEnvAreGivenAndTheWebhooksOwnEnvironmentIsNot() throws Exception {
        Path args = dir.resolve("args");
        Path env = dir.resolve("env");
        FakePlugin.write(bin, "fake", "printf '%s\\n' \"$@\" > '" + args + "'\nenv > '" + env + "'\n"
                + FakePlugin.answering(request, response("Image", "0", "*.example.com", "alice", "pw")));
        CredentialProviderConfig config = CredentialProviderConfig.parse(FakePlugin.config("fake", "[\"*.example.com\"]", "0")
                + "    args: [get-credentials, \"--v=2\"]\n"
                + "    env:\n"
                + "      - {name: AWS_REGION, value: eu-central-1}\n"
                + "      - {name: FAKE_TOKEN_FILE, value: /var/run/token}\n", "test");
        CredentialProviders providers = CredentialProviders.create(config, bin, LIMIT, WEBHOOK_ENV, executor, ticker);
        assertThat(users(providers, IMAGE)).containsExactly("alice");
        assertThat(Files.readAllLines(args)).containsExactly("get-credentials", "--v=2");
        assertThat(Files.readAllLines(env))
                .contains("HOME=/home/webhook", "AWS_ROLE_ARN=arn:aws:iam::123456789012:role/pull",
                        "AWS_REGION=eu-central-1", "FAKE_TOKEN_FILE=/var/run/token", "PATH=" + System.getenv("PATH"))
                .doesNotContain("AWS_REGION=us-east-1")
                .noneMatch(line -> line.startsWith("JAVA_TOOL_OPTIONS=") || line.startsWith("POD_NAMESPACE=")
                        || line.startsWith("KUBERNETES_SERVICE_HOST="));
    }

    @Test
    void aProviderIsAskedInItsOwnApiVersion() throws Exception {
        FakePlugin.write(bin, "fake", FakePlugin.answering(request, response("Image", "0", "*.example.com", "alice", "pw")
                .replace("/v1\"", "/v1beta1\"")));
        CredentialProviderConfig config = CredentialProviderConfig.parse(FakePlugin.config("fake", "[\"*.example.com\"]", "0")
                .replace("apiVersion: credentialprovider.kubelet.k8s.io/v1", "apiVersion: credentialprovider.kubelet.k8s.io/v1beta1"),
                "test");
        CredentialProviders providers = CredentialProviders.create(config, bin, LIMIT, WEBHOOK_ENV, executor, ticker);
        assertThat(users(providers, IMAGE)).containsExactly("alice");
        assertThat(Files.readString(request)).contains("\"apiVersion\":\"credentialprovider.kubelet.k8s.io/v1beta1\"");
    }

    // --- plugins that fail -----------------------------------------------------------------

    @ParameterizedTest(name = "review deadline {0} ms, plugin limit {1} ms")
    @CsvSource(delimiter = '|', value = {
            "500 | 1500 | gave no answer within the review's deadline",
            "10000 | 500 | gave no answer within 500 ms and was killed",
    })
    void aHangingPluginFailsTheLookupInTimeAndIsKilledWithWhatItStarted(long deadlineMillis, long limitMillis,
                                                                        String problem) throws Exception {
        Path pid = dir.resolve("pid");
        Path child = dir.resolve("child");
        CredentialProviders providers = providers("echo $$ > '" + pid + "'\nsleep 600 &\necho $! > '" + child + "'\nwait",
                "[\"*.example.com\"]", "0", Duration.ofMillis(limitMillis));
        long started = System.nanoTime();
        CredentialProviderException e = failure(providers, IMAGE, started + Duration.ofMillis(deadlineMillis).toNanos());
        long millis = (System.nanoTime() - started) / 1_000_000;
        assertThat(e).hasMessage("credential provider \"fake\" " + problem);
        long expected = Math.min(deadlineMillis, limitMillis);
        assertThat(millis).as("answered when the first of the two came").isBetween(expected - 50, expected + 900);
        assertProcessesEnd(pid, child);
        assertThreadsFree();
    }

    /**
     * The plugin and what it started have ended, and the plugin (our child) is reaped: no
     * zombie. Waits for those events, bounded; it does not sleep.
     */
    static void assertProcessesEnd(Path plugin, Path child) throws Exception {
        for (Path pidFile : List.of(plugin, child)) {
            long pid = Long.parseLong(Files.readString(pidFile).strip());
            ProcessHandle.of(pid).ifPresent(process -> process.onExit().orTimeout(10, TimeUnit.SECONDS).join());
            assertThat(ProcessHandle.of(pid).filter(ProcessHandle::isAlive)).as("process %d", pid).isEmpty();
        }
        Path proc = Path.of("/proc", Files.readString(plugin).strip());
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (Files.exists(proc) && System.nanoTime() < until) {
            Thread.yield(); // the JDK's reaper thread is about to collect it
        }
        assertThat(proc).as("the plugin is reaped").doesNotExist();
    }

    /** Every run's thread is released: the pool can end. */
    void assertThreadsFree() throws Exception {
        executor.shutdown();
        assertThat(executor.awaitTermination(10, TimeUnit.SECONDS)).as("plugin threads released").isTrue();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "echo 'token=hunter2' >&2; exit 3    | exited with status 3",
            "echo 'token=hunter2' >&2; kill -KILL $$ | exited with status 137",
            "kill -SEGV $$                        | exited with status 139",
    })
    void aCrashingPluginFailsNamingTheProviderAndNotItsStderr(String body, String problem) throws Exception {
        CredentialProviders providers = providers("cat > /dev/null\n" + body, "[\"*.example.com\"]", "0", LIMIT);
        assertThat(failure(providers)).hasMessage("credential provider \"fake\" " + problem)
                .hasMessageNotContaining("hunter2");
        assertThreadsFree();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"echo 'password hunter2 is not json'", "echo '[\"hunter2\"]'", "printf '{\"apiVersion\":'",
            "true", "echo '{\"apiVersion\":\"credentialprovider.kubelet.k8s.io/v1\",\"apiVersion\":\"x\"}'"})
    void garbageOnStdoutFailsWithoutQuotingIt(String body) throws Exception {
        CredentialProviders providers = providers(body, "[\"*.example.com\"]", "0", LIMIT);
        assertThat(failure(providers)).hasMessage("credential provider \"fake\" did not answer with a JSON object on stdout");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"head -c 5000000 /dev/zero | tr '\\0' x", "exec yes '{}'"})
    void tooMuchOutputIsCutOffAndThePluginKilled(String body) throws Exception {
        CredentialProviders providers = providers(body, "[\"*.example.com\"]", "0", LIMIT);
        long started = System.nanoTime();
        assertThat(failure(providers)).hasMessage("credential provider \"fake\" wrote more than 1 MiB to stdout and was killed");
        assertThat((System.nanoTime() - started) / 1_000_000).as("not left to run to its limit").isLessThan(5_000);
        assertThreadsFree();
    }

    @ParameterizedTest(name = "{1}")
    @CsvSource(delimiter = '|', value = {
            "\"credentialprovider.kubelet.k8s.io/v1\" | \"credentialprovider.kubelet.k8s.io/v1beta1\" "
                    + "| answered with apiVersion \"credentialprovider.kubelet.k8s.io/v1beta1\", expected \"credentialprovider.kubelet.k8s.io/v1\"",
            "\"credentialprovider.kubelet.k8s.io/v1\" | \"hunter2 is my password\" "
                    + "| answered with apiVersion (a value not shown), expected \"credentialprovider.kubelet.k8s.io/v1\"",
            "\"CredentialProviderResponse\" | \"CredentialProviderRequest\" "
                    + "| answered with kind \"CredentialProviderRequest\", expected \"CredentialProviderResponse\"",
            "\"Image\" | \"Forever\" | answered with cacheKeyType \"Forever\" (must be Image, Registry or Global)",
            "\"cacheDuration\":\"10m\" | \"cacheDuration\":10 "
                    + "| answered with a cacheDuration that is not a duration such as \"12h\"",
            "\"cacheDuration\":\"10m\" | \"cacheDuration\":\"10m\",\"hunter2\":1 "
                    + "| answered with a field a CredentialProviderResponse does not have",
            "\"password\":\"pw\" | \"password\":\"pw\",\"auth\":\"aHVudGVyMg==\" "
                    + "| answered with an auth entry that is not {username, password}",
    })
    void anAnswerTheKubeletWouldRefuseFailsNamingWhatIsWrong(String written, String replaced, String problem)
            throws Exception {
        String answer = response("Image", "10m", "*.example.com", "alice", "pw").replace(written, replaced);
        assertThat(answer).contains(replaced);
        CredentialProviders providers = answering(answer);
        assertThat(failure(providers)).hasMessage("credential provider \"fake\" " + problem)
                .hasMessageNotContaining("hunter2").hasMessageNotContaining("aHVudGVyMg");
    }

    @Test
    void aFailedRunIsNotCached() throws Exception {
        Path fail = dir.resolve("fail");
        Files.writeString(fail, "");
        CredentialProviders providers = providers("if [ -e '" + fail + "' ]; then exit 1; fi\n"
                + FakePlugin.answering(request, response("Global", "1h", "*.example.com", "alice", "pw")),
                "[\"*.example.com\"]", "1h", LIMIT);
        assertThat(failure(providers)).hasMessageContaining("exited with status 1");
        Files.delete(fail);
        assertThat(users(providers, IMAGE)).containsExactly("alice");
    }

    // --- the kubelet's order ---------------------------------------------------------------

    @Test
    void providersAnswersFormOneKeyringMostSpecificKeyFirstThenConfigOrder() throws Exception {
        FakePlugin.write(bin, "one", "cat >/dev/null\ncat <<'EOF'\n" + response("Image", "0", "registry.example.com", "one", "1")
                + "\nEOF");
        FakePlugin.write(bin, "two", "cat >/dev/null\ncat <<'EOF'\n" + response("Image", "0", "registry.example.com/team", "two", "2")
                .replace("}}}", "},\"registry.example.com\":{\"username\":\"two-host\",\"password\":\"3\"}}}") + "\nEOF");
        String two = FakePlugin.config("two", "[\"registry.example.com\"]", "0");
        CredentialProviderConfig config = CredentialProviderConfig.parse(FakePlugin.config("one", "[\"registry.example.com\"]", "0")
                + two.substring(two.indexOf("  - name")), "test");
        CredentialProviders providers = CredentialProviders.create(config, bin, LIMIT, WEBHOOK_ENV, executor, ticker);
        assertThat(users(providers, IMAGE)).containsExactly("two", "one", "two-host");
    }

    @Test
    void aPodsSecretsComeFirstThenTheNodesConfigJsonThenThePlugins() throws Exception {
        CredentialProviders providers = answering(response("Image", "0", "registry.example.com/team/app", "plugin", "pw"));
        Keyring secrets = new Keyring().add(Map.of("registry.example.com", new RegistryCredential("secret", "s", "", "secret")));
        Keyring node = new Keyring().add(Map.of("registry.example.com", new RegistryCredential("node", "n", "", "node")));
        PodKeyring pod = new PodKeyring(List.of(secrets, node), providers, List.of());
        assertThat(Await.result(pod.lookup(ImageReference.parse(IMAGE), System.nanoTime() + LIMIT.toNanos())))
                .as("the plugin's key is the most specific, and still comes last")
                .extracting(RegistryCredential::username).containsExactly("secret", "node", "plugin");
    }

    @Test
    void aFailingProviderFailsTheLookupEvenWhenAnotherAnswered() throws Exception {
        FakePlugin.write(bin, "good", "cat >/dev/null\ncat <<'EOF'\n" + response("Image", "0", "*.example.com", "good", "1") + "\nEOF");
        FakePlugin.write(bin, "bad", "exit 1");
        String bad = FakePlugin.config("bad", "[\"*.example.com\"]", "0");
        CredentialProviderConfig config = CredentialProviderConfig.parse(FakePlugin.config("good", "[\"*.example.com\"]", "0")
                + bad.substring(bad.indexOf("  - name")), "test");
        CredentialProviders providers = CredentialProviders.create(config, bin, LIMIT, WEBHOOK_ENV, executor, ticker);
        assertThat(failure(providers)).hasMessage("credential provider \"bad\" exited with status 1");
        assertThat(users(providers, "other.registry.io/app:1")).as("no provider matches: anonymous").isEmpty();
    }

    @Test
    void aMissingOrNonExecutablePluginIsRefusedAtStart() throws Exception {
        CredentialProviderConfig config = CredentialProviderConfig.parse(FakePlugin.config("fake", "[\"*.example.com\"]", "0"),
                "test");
        assertThatThrownBy(() -> CredentialProviders.create(config, bin, LIMIT, WEBHOOK_ENV, executor, ticker))
                .isInstanceOf(InvalidCredentialProviderConfigException.class)
                .hasMessage("plugin " + bin.resolve("fake") + " of provider \"fake\" is not an executable file");
        Files.writeString(bin.resolve("fake"), "#!/bin/sh\n");
        assertThatThrownBy(() -> CredentialProviders.create(config, bin, LIMIT, WEBHOOK_ENV, executor, ticker))
                .hasMessageContaining("is not an executable file");
        assertThatThrownBy(() -> CredentialProviders.create(config, dir.resolve("nowhere"), LIMIT, WEBHOOK_ENV, executor, ticker))
                .hasMessage("plugin directory " + dir.resolve("nowhere") + " does not exist");
    }
}
