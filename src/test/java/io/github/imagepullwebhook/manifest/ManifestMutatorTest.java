package io.github.imagepullwebhook.manifest;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.imagepullwebhook.policy.ImagePolicy;
import io.github.imagepullwebhook.policy.Rules;
import org.junit.jupiter.api.Test;

class ManifestMutatorTest {

    final ManifestMutator defaulting = new ManifestMutator(new ImagePolicy(new Rules(true, false)));
    final ManifestMutator enforcing = new ManifestMutator(new ImagePolicy(new Rules(true, true)));

    static final String INPUT = """
            # Rendered by kustomize
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: web   # the front end
            spec:
              template:
                spec:
                  initContainers:
                  - name: init
                    image: "busybox:1.36"  # quoted on purpose
                  containers:
                  - name: web
                    image: nginx
                    ports: [{containerPort: 80}]
                  - {name: sidecar, image: 'envoy:v1'}
            ---
            apiVersion: v1
            kind: ConfigMap
            metadata: {name: cfg}
            data:
              image: nginx      # not a container: untouched
            ---
            apiVersion: v1
            kind: List
            items:
            - apiVersion: v1
              kind: Pod
              metadata:
                name: p
              spec:
                containers:
                - image: registry.example.com/team/app:2.0
                  name: app
                  imagePullPolicy: IfNotPresent
            """;

    @Test
    void editsOnlyWhereThePolicyChangedSomething() {
        ManifestMutator.Result result = defaulting.mutate(INPUT);
        String expected = INPUT
                .replace("        image: \"busybox:1.36\"  # quoted on purpose\n",
                        "        image: \"busybox:1.36\"  # quoted on purpose\n        imagePullPolicy: IfNotPresent\n")
                .replace("        image: nginx\n        ports:", "        image: nginx\n        imagePullPolicy: Always\n        ports:")
                .replace("{name: sidecar, image: 'envoy:v1'}", "{name: sidecar, image: 'envoy:v1', \"imagePullPolicy\": \"IfNotPresent\"}");
        assertThat(result.text()).isEqualTo(expected);
        assertThat(result.changed()).isEqualTo(1);
        assertThat(result.warnings()).isEmpty();
    }

    @Test
    void replacesAnExistingPolicyKeepingItsQuoting() {
        String input = """
                apiVersion: v1
                kind: Pod
                metadata: {name: p}
                spec:
                  containers:
                  - name: a
                    image: app:1
                    imagePullPolicy: 'IfNotPresent'
                  - name: b
                    imagePullPolicy: Never
                    image: app:2
                """;
        String output = enforcing.mutate(input).text();
        assertThat(output).isEqualTo(input.replace("'IfNotPresent'", "'Always'").replace("Never", "Always"));
    }

    @Test
    void jsonStaysJsonAndByteForByteElsewhere() throws Exception {
        String input = "{\n  \"apiVersion\": \"v1\",\n  \"kind\": \"Pod\",\n  \"metadata\": {\"name\": \"p\"},\n"
                + "  \"spec\": {\"containers\": [{\"name\": \"a\", \"image\": \"nginx:1.25\"}]}\n}\n";
        String output = defaulting.mutate(input).text();
        assertThat(output).isEqualTo(input.replace("\"image\": \"nginx:1.25\"",
                "\"image\": \"nginx:1.25\", \"imagePullPolicy\": \"IfNotPresent\""));
        assertThat(new ObjectMapper().readTree(output).at("/spec/containers/0/imagePullPolicy").asText())
                .isEqualTo("IfNotPresent");
    }

    @Test
    void unchangedInputIsReturnedExactly() {
        String input = "# nothing to do\napiVersion: v1\nkind: Service\nmetadata:\n  name: s\n---\n# end\n";
        assertThat(defaulting.mutate(input).text()).isEqualTo(input);
    }

    @Test
    void windowsLineEndingsAreKept() {
        String input = "apiVersion: v1\r\nkind: Pod\r\nmetadata:\r\n  name: p\r\nspec:\r\n  containers:\r\n"
                + "  - name: a\r\n    image: nginx\r\n";
        assertThat(defaulting.mutate(input).text())
                .isEqualTo(input.replace("    image: nginx\r\n", "    image: nginx\r\n    imagePullPolicy: Always\r\n"));
    }

    @Test
    void warnsAboutBadImagesWithTheObjectsName() {
        String input = "apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: j\nspec:\n  template:\n    spec:\n"
                + "      containers:\n      - name: a\n        image: Not/Valid\n";
        ManifestMutator.Result result = defaulting.mutate(input);
        assertThat(result.warnings()).singleElement().asString()
                .startsWith("Job.batch \"j\": spec.template.spec.containers[0].image \"Not/Valid\" is not a valid image reference");
    }

    @Test
    void fallsBackToRewritingWhenTheTextCannotBeEditedInPlace() {
        // The image is a block scalar spanning lines: there is no single line to add the policy after.
        String input = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n  - name: a\n    image: >-\n      nginx\n";
        String output = defaulting.mutate(input).text();
        assertThat(output).contains("imagePullPolicy: Always").contains("image: nginx");
    }
}
