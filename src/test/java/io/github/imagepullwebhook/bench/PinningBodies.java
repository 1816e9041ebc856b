package io.github.imagepullwebhook.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32;

/**
 * The reviews pinning is measured on ({@code bench/pinning.sh}, {@link PinningBenchmark}):
 * {@link ReviewBodies}' Pods with every image moved to one private registry (repository chosen
 * by a hash of the original name among {@code repositories}, a tag kept as 1.0/2.0/latest/none,
 * a digest kept) and pull Secrets dropped. A Pod without pull Secrets needs no API server, and
 * every image then gets the node's credential for that registry.
 */
public final class PinningBodies {

    private static final ObjectMapper JSON = new ObjectMapper();

    private PinningBodies() {
    }

    /** The Pod reviews among {@code generated}, their images moved to {@code registry}. */
    public static byte[][] moved(byte[][] generated, String registry, int repositories) {
        List<byte[]> pods = new ArrayList<>();
        try {
            for (byte[] body : generated) {
                JsonNode review = JSON.readTree(body);
                JsonNode request = review.path("request");
                if (!request.path("kind").path("kind").asText().equals("Pod")) {
                    continue;
                }
                for (JsonNode object : List.of(request.path("object"), request.path("oldObject"))) {
                    if (object.path("spec") instanceof ObjectNode spec) {
                        spec.remove("imagePullSecrets");
                        for (String list : List.of("containers", "initContainers", "ephemeralContainers")) {
                            spec.path(list).forEach(c ->
                                    ((ObjectNode) c).put("image", moved(c.path("image").asText(), registry, repositories)));
                        }
                    }
                }
                pods.add(JSON.writeValueAsBytes(review));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return pods.toArray(byte[][]::new);
    }

    /** Writes the moved Pods of {@code COUNT} generated reviews to {@code DIR}, one file each. */
    public static void main(String[] args) throws IOException {
        if (args.length < 3) {
            System.err.println("usage: PinningBodies DIR REGISTRY REPOSITORIES [COUNT]");
            System.exit(2);
        }
        Path dir = Path.of(args[0]);
        int count = args.length > 3 ? Integer.parseInt(args[3]) : ReviewBodies.DEFAULT_COUNT;
        byte[][] pods = moved(ReviewBodies.generate(ReviewBodies.DEFAULT_SEED, count), args[1], Integer.parseInt(args[2]));
        Files.createDirectories(dir);
        for (int i = 0; i < pods.length; i++) {
            Files.write(dir.resolve(String.format("review-%04d.json", i)), pods[i]);
        }
        System.out.println("# " + pods.length + " Pod reviews naming " + args[2] + " repositories of " + args[1]);
    }

    private static String moved(String image, String registry, int repositories) {
        int at = image.indexOf('@');
        String name = at < 0 ? image : image.substring(0, at);
        String digest = at < 0 ? "" : image.substring(at);
        String tag = "";
        if (name.lastIndexOf(':') > name.lastIndexOf('/')) {
            tag = name.substring(name.lastIndexOf(':') + 1);
            name = name.substring(0, name.lastIndexOf(':'));
        }
        if (!tag.isEmpty() && !tag.equals("latest")) {
            tag = crc(tag) % 2 == 0 ? "1.0" : "2.0";
        }
        return registry + "/bench/app-" + crc(name) % repositories + (tag.isEmpty() ? "" : ":" + tag) + digest;
    }

    private static long crc(String text) {
        CRC32 crc = new CRC32();
        crc.update(text.getBytes(StandardCharsets.UTF_8));
        return crc.getValue();
    }
}
