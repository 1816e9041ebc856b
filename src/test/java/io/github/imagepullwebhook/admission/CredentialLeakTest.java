package io.github.imagepullwebhook.admission;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.imagepullwebhook.admission.AdmissionService.Answer;
import io.github.imagepullwebhook.admission.AdmissionService.Mode;
import io.github.imagepullwebhook.credentials.Keyring;
import io.github.imagepullwebhook.credentials.RegistryCredential;
import io.github.imagepullwebhook.credentials.StaticKeychain;
import io.github.imagepullwebhook.policy.Rules;
import io.github.imagepullwebhook.registry.CachingResolver;
import io.github.imagepullwebhook.registry.RegistryClient;
import io.github.imagepullwebhook.server.WebhookMetrics;
import io.github.imagepullwebhook.testing.LoopbackGuard;
import io.github.imagepullwebhook.testing.Reviews;
import io.github.imagepullwebhook.testing.TestRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.slf4j.LoggerFactory;

/**
 * Credentials reach only the hosts they were matched to, and nothing the webhook says ever
 * repeats them: every log event (at DEBUG), warning, audit annotation, error message and metric
 * is captured while pulls are tried against a real htpasswd registry with a wrong password, a
 * hostile registry that echoes the Authorization header back in its errors, a token realm that
 * fails, and a token realm on another host over plain HTTP — then searched for every secret.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CredentialLeakTest {

    static final String USER = "tenant-a";
    static final String PASSWORD = "pw-7f3a9c1e-DO-NOT-LEAK";
    static final String IDENTITY_TOKEN = "idtok-5b2d8e-DO-NOT-LEAK";
    static final String ISSUED_TOKEN = "bearer-91c4ad-DO-NOT-LEAK";
    static final Rules PIN = new Rules(true, true, true, false);

    final Vertx vertx = Vertx.vertx();
    final List<String> hostileSaw = new CopyOnWriteArrayList<>();
    final List<String> otherHostSaw = new CopyOnWriteArrayList<>();
    final ListAppender<ILoggingEvent> logs = new ListAppender<>();
    final Logger ours = (Logger) LoggerFactory.getLogger("io.github.imagepullwebhook");
    Level previousLevel;
    TestRegistry guarded;
    HttpServer hostile;
    HttpServer otherHost;
    AdmissionService service;
    WebhookMetrics metrics;

    @BeforeAll
    void start() throws Exception {
        previousLevel = ours.getLevel();
        ours.setLevel(Level.DEBUG);
        logs.start();
        ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).addAppender(logs);
        guarded = TestRegistry.basic(Files.createTempDirectory("leak-basic"), USER, "the-right-password");
        guarded.push("team/app", "1.0", "amd64");
        otherHost = vertx.createHttpServer().requestHandler(request -> {
            otherHostSaw.add(String.valueOf(request.getHeader("Authorization")));
            request.response().putHeader("Content-Type", "application/json").end("{\"token\":\"" + ISSUED_TOKEN + "\"}");
        });
        otherHost.listen(0, "127.0.0.1").await(10, TimeUnit.SECONDS);
        hostile = vertx.createHttpServer().requestHandler(request -> {
            String authorization = String.valueOf(request.getHeader("Authorization"));
            hostileSaw.add(request.path() + " " + authorization);
            String path = request.path();
            if (path.startsWith("/token")) { // same host, plain HTTP: an insecure registry's own realm
                request.response().setStatusCode(path.contains("fail") ? 500 : 200).putHeader("Content-Type", "application/json")
                        .end(path.contains("fail") ? "token server broken, you sent " + authorization
                                : "{\"token\":\"" + ISSUED_TOKEN + "\"}");
            } else if (path.contains("/elsewhere/")) { // a realm on another host, plain HTTP
                request.response().setStatusCode(401).putHeader("WWW-Authenticate", "Bearer realm=\"http://localhost:"
                        + otherHost.actualPort() + "/token\",service=\"s\",scope=\"repository:elsewhere/app:pull\"").end();
            } else if (!authorization.startsWith("Bearer")) {
                String realm = "http://" + host() + (path.contains("/failing/") ? "/token-fail" : "/token");
                request.response().setStatusCode(401).putHeader("WWW-Authenticate", "Bearer realm=\"" + realm
                        + "\",service=\"s\",scope=\"repository:x:pull\"").end("denied: " + authorization);
            } else {
                request.response().setStatusCode(403).putHeader("X-Echo", authorization)
                        .end("{\"errors\":[{\"code\":\"DENIED\",\"message\":\"you sent " + authorization + "\"}]}");
            }
        });
        hostile.listen(0, "127.0.0.1").await(10, TimeUnit.SECONDS);

        Keyring keyring = new Keyring().add(Map.of(
                guarded.host(), new RegistryCredential(USER, PASSWORD, null, "secret team-a/regcred"),
                host(), new RegistryCredential(USER, PASSWORD, IDENTITY_TOKEN, "secret team-a/regcred")));
        metrics = new WebhookMetrics();
        RegistryClient client = new RegistryClient(vertx, new HttpClientOptions(), Set.of(guarded.host(), host()), 5_000,
                LoopbackGuard.of(vertx));
        Pinning pinning = new Pinning(new StaticKeychain(keyring), new CachingResolver(client, Duration.ofMinutes(1),
                Duration.ofMillis(1), 100, metrics.registry()), Duration.ofSeconds(5), false);
        service = new AdmissionService(new ObjectMapper(), new SkipRules(Set.of()), pinning);
    }

    String host() {
        return "127.0.0.1:" + hostile.actualPort();
    }

    @AfterAll
    void stop() throws Exception {
        ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).detachAppender(logs);
        ours.setLevel(previousLevel);
        guarded.close();
        vertx.close().await(10, TimeUnit.SECONDS);
    }

    @Test
    void noSecretIsEverRepeatedAndCredentialsStayWithTheirHosts() throws Exception {
        List<String> said = new ArrayList<>();
        for (String image : List.of(guarded.host() + "/team/app:1.0", host() + "/echo/app:1", host() + "/failing/app:1",
                host() + "/elsewhere/app:1")) {
            Answer answer = service.review(Reviews.pod(image).getBytes(StandardCharsets.UTF_8), PIN, Mode.MUTATE);
            metrics.record("tenants", "mutate", answer, 1_000);
            said.add(answer.body().toString());
            assertThat(answer.reason()).as(image).isEqualTo(Reason.RESOLUTION_FAILED_ALLOWED);
        }
        said.add(metrics.scrape());
        logs.list.forEach(event -> {
            said.add(event.getFormattedMessage());
            if (event.getThrowableProxy() != null) {
                said.add(event.getThrowableProxy().getMessage() + " " + event.getThrowableProxy().getClassName());
            }
        });

        String everything = String.join("\n", said);
        String basic = Base64.getEncoder().encodeToString((USER + ":" + PASSWORD).getBytes(StandardCharsets.UTF_8));
        assertThat(everything).as("what the webhook said")
                .contains("was not pinned") // the failures were reported...
                .doesNotContain(PASSWORD, basic, IDENTITY_TOKEN, ISSUED_TOKEN); // ...without their secrets

        // The hostile registry did receive the credential it was matched to (so the search above
        // had something to find), and the bearer token its own realm issued.
        assertThat(String.join("\n", hostileSaw)).contains(ISSUED_TOKEN).contains("/token");
        // A realm on another host over plain HTTP never receives the credential.
        assertThat(otherHostSaw).isNotEmpty().allSatisfy(seen -> assertThat(seen).isEqualTo("null"));
        assertThat(guarded.toString()).doesNotContain(PASSWORD);
    }
}
