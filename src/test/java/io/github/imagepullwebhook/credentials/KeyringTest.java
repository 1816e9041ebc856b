package io.github.imagepullwebhook.credentials;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.imagepullwebhook.image.ImageReference;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Cases from Kubernetes' pkg/credentialprovider/keyring_test.go, and the seed's config.json section. */
class KeyringTest {

    static RegistryCredential credential(String user) {
        return new RegistryCredential(user, user + "-secret", "", "test " + user);
    }

    static Keyring keyring(String key) {
        return new Keyring().add(Map.of(key, credential("foo")));
    }

    @ParameterizedTest(name = "{0} ~ {1} -> {2}")
    @CsvSource({
            // TestURLsMatch
            "*.kubernetes.io,             prefix.kubernetes.io,              true",
            "prefix.*.io,                 prefix.kubernetes.io,              true",
            "prefix.kubernetes.*,         prefix.kubernetes.io,              true",
            "*-good.kubernetes.io,        prefix-good.kubernetes.io,         true",
            "*.kubernetes.io/blah,        prefix.kubernetes.io/blah,         true",
            "prefix.*.io/foo,             prefix.kubernetes.io/foo/bar,      true",
            "*.kubernetes.io:1111/blah,   prefix.kubernetes.io:1111/blah,    true",
            "prefix.*.io:1111/foo,        prefix.kubernetes.io:1111/foo/bar, true",
            "*.kubernetes.io,             kubernetes.io,                     false",
            "*.*.kubernetes.io,           prefix.kubernetes.io,              false",
            "*.*.kubernetes.io,           kubernetes.io,                     false",
            "kubernetes.io,               kubernetes.com,                    false",
            "k*.io,                       quay.io,                           false",
            "*.kubernetes.io:1234/blah,   prefix.kubernetes.io:1111/blah,    false",
            "prefix.*.io/foo,             prefix.kubernetes.io:1111/foo/bar, false",
            // filepath.Match details, per label
            "registry-?.example.com,      registry-1.example.com,            true",
            "registry-[0-9].example.com,  registry-7.example.com,            true",
            "registry-[^0-9].example.com, registry-7.example.com,            false",
            "registry-[.example.com,      registry-[.example.com,            false",
    })
    void urlsMatch(String glob, String target, boolean expected) {
        assertThat(ConfigKey.ofKey(glob).matches(ConfigKey.ofName(target))).isEqualTo(expected);
    }

    @ParameterizedTest(name = "{0} finds {1}")
    @CsvSource({
            // TestDockerKeyringForGlob: lookups of <target>/foo/bar
            "https://hello.kubernetes.io,       hello.kubernetes.io",
            "https://*.docker.io,               prefix.docker.io",
            "https://prefix.*.io,               prefix.docker.io",
            "https://prefix.docker.*,           prefix.docker.io",
            "https://*.docker.io/path,          prefix.docker.io/path",
            "https://prefix.*.io/path,          prefix.docker.io/path/subpath",
            "https://prefix.docker.*/path,      prefix.docker.io/path",
            "https://*.docker.io:8888,          prefix.docker.io:8888",
            "https://prefix.*.io:8888,          prefix.docker.io:8888",
            "https://prefix.docker.*:8888,      prefix.docker.io:8888",
            "https://*.docker.io/path:1111,     prefix.docker.io/path:1111",
            "https://*.docker.io/v1/,           prefix.docker.io/path:1111",
            "https://*.docker.io/v2/,           prefix.docker.io/path:1111",
            "https://prefix.docker.*/path:1111, prefix.docker.io/path:1111",
            "prefix.docker.io:1111,             prefix.docker.io:1111/path",
            "*.docker.io:1111,                  prefix.docker.io:1111/path",
    })
    void globKeysFindTheirImages(String key, String target) {
        assertThat(keyring(key).lookup(target + "/foo/bar")).extracting(RegistryCredential::username).containsExactly("foo");
    }

    @ParameterizedTest(name = "{0} misses {1}")
    @CsvSource({
            // TestKeyringMiss
            "https://hello.kubernetes.io,   world.mesos.org/foo/bar",
            "https://*.docker.com,          prefix.docker.io",
            "https://suffix.*.io,           prefix.docker.io",
            "https://prefix.docker.c*,      prefix.docker.io",
            "https://prefix.*.io/path:1111, prefix.docker.io/path/subpath:1111",
            "suffix.*.io,                   prefix.docker.io",
            // TestKeyringMissWithDockerHubCredentials
            "https://index.docker.io/v1/,   world.mesos.org/foo/bar",
    })
    void keysMissOtherImages(String key, String lookup) {
        assertThat(keyring(key).lookup(lookup + "/foo/bar")).isEmpty();
    }

    @ParameterizedTest
    @CsvSource({"google/docker-registry", "jenkins", "index.docker.io/google/docker-registry", "docker.io/library/nginx"})
    void dockerHubCredentialsApplyToDockerHubImages(String image) {
        assertThat(keyring("https://index.docker.io/v1/").lookup(image)).hasSize(1);
    }

    @Test
    void everyMatchingKeyContributesMostSpecificFirst() {
        // TestDockerKeyringLookup
        Map<String, RegistryCredential> config = new LinkedHashMap<>();
        config.put("bar.example.com/pong", credential("grace"));
        config.put("bar.example.com", credential("ada"));
        Keyring keyring = new Keyring().add(config);
        assertThat(users(keyring, "bar.example.com")).containsExactly("ada");
        assertThat(users(keyring, "bar.example.com/pong")).containsExactly("grace", "ada");
        assertThat(users(keyring, "bar.example.com/ping")).containsExactly("ada");
        assertThat(users(keyring, "bar.example.com/pongz")).as("a plain string prefix").containsExactly("grace", "ada");
        assertThat(users(keyring, "bar.example.com/pong/pang")).containsExactly("grace", "ada");
        assertThat(users(keyring, "example.com")).isEmpty();
        assertThat(users(keyring, "foo.example.com")).isEmpty();
    }

    @Test
    void aKeyWithSchemeAndApiPathMatchesTheHost() {
        // TestIssue3797
        Keyring keyring = keyring("https://quay.io/v1/");
        assertThat(users(keyring, "quay.io")).containsExactly("foo");
        assertThat(users(keyring, "quay.io/foo")).containsExactly("foo");
        assertThat(users(keyring, "quay.io/foo/bar")).containsExactly("foo");
    }

    @Test
    void severalConfigsAreMergedAndTriedInOrder() throws Exception {
        Keyring keyring = new Keyring()
                .add(DockerConfig.parseConfigJson(configJson("registry.example.com", "first", "p1"), "secret a"))
                .add(DockerConfig.parseConfigJson(configJson("https://registry.example.com/v2/", "second", "p2"), "secret b"));
        assertThat(keyring.lookup(ImageReference.parse("registry.example.com/team/app:1")))
                .extracting(RegistryCredential::username).containsExactly("first", "second");
    }

    @Test
    void portsMustMatch() throws Exception {
        Keyring keyring = keyring("registry.example.com:5000");
        assertThat(keyring.lookup(ImageReference.parse("registry.example.com:5000/app"))).hasSize(1);
        assertThat(keyring.lookup(ImageReference.parse("registry.example.com/app"))).isEmpty();
        assertThat(keyring("registry.example.com").lookup(ImageReference.parse("registry.example.com:5000/app"))).isEmpty();
    }

    @ParameterizedTest
    @CsvSource({"foo/bar, true", "docker.io/foo/bar, true", "index.docker.io/foo/bar, true", "foo, true",
            "'', false", "registry.tld/foo/bar, false", "registry:5000/foo/bar, false", "myhostdocker.io/foo/bar, false"})
    void isDefaultRegistryMatch(String name, boolean expected) {
        // TestIsDefaultRegistryMatch
        assertThat(Keyring.isDefaultRegistry(name)).isEqualTo(expected);
    }

    @Test
    void parsesBothFormatsAndPrefersAuth() throws Exception {
        String auth = Base64.getEncoder().encodeToString("alice:s3cr:et".getBytes(StandardCharsets.UTF_8));
        Map<String, RegistryCredential> json = DockerConfig.parseConfigJson(("{\"auths\":{\"r.example.com\":{\"auth\":\""
                + auth + "\",\"username\":\"ignored\",\"password\":\"ignored\"},\"q.example.com\":{\"username\":\"bob\","
                + "\"password\":\"pw\"},\"t.example.com\":{\"identitytoken\":\"refresh\"}}}").getBytes(), "secret ns/one");
        assertThat(json.get("r.example.com").username()).isEqualTo("alice");
        assertThat(json.get("r.example.com").password()).isEqualTo("s3cr:et");
        assertThat(json.get("q.example.com").username()).isEqualTo("bob");
        assertThat(json.get("t.example.com").hasIdentityToken()).isTrue();
        Map<String, RegistryCredential> legacy = DockerConfig.parseDockercfg(
                ("{\"https://index.docker.io/v1/\":{\"auth\":\"" + auth + "\",\"email\":\"a@b\"}}").getBytes(), "secret ns/old");
        assertThat(legacy.get("https://index.docker.io/v1/").password()).isEqualTo("s3cr:et");
    }

    @Test
    void errorsAndPrintingNeverRevealSecrets() throws Exception {
        String secretAuth = Base64.getEncoder().encodeToString("alice-no-colon".getBytes(StandardCharsets.UTF_8));
        assertThatThrownBy(() -> DockerConfig.parseConfigJson(("{\"auths\":{\"r.example.com\":{\"auth\":\"" + secretAuth
                + "\"}}}").getBytes(), "secret ns/bad"))
                .hasMessage("secret ns/bad, key r.example.com: auth must decode to user:password")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain(secretAuth, "alice"));
        assertThatThrownBy(() -> DockerConfig.parseConfigJson("{\"auths\": {\"x\": {\"auth\": \"%%%\"}}}".getBytes(), "s"))
                .hasMessage("s, key x: auth is not base64");
        assertThatThrownBy(() -> DockerConfig.parseConfigJson("{hunter2".getBytes(), "s"))
                .hasMessage("s: not valid JSON");
        RegistryCredential credential = new RegistryCredential("alice", "hunter2", "tok-123", "secret ns/x, key r");
        assertThat(credential.toString()).doesNotContain("hunter2", "tok-123", "alice").contains("secret ns/x");
    }

    static java.util.List<String> users(Keyring keyring, String image) {
        return keyring.lookup(image).stream().map(RegistryCredential::username).toList();
    }

    static byte[] configJson(String key, String user, String password) {
        return ("{\"auths\":{\"" + key + "\":{\"username\":\"" + user + "\",\"password\":\"" + password + "\"}}}")
                .getBytes(StandardCharsets.UTF_8);
    }
}
