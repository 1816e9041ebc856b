package io.github.imagepullwebhook.testing;

/** Small AdmissionReview bodies for tests that are about transport, not policy. */
public final class Reviews {

    private Reviews() {
    }

    public static String podIn(String version, String uid, String... images) {
        StringBuilder containers = new StringBuilder();
        for (int i = 0; i < images.length; i++) {
            containers.append(i == 0 ? "" : ",").append("{\"name\":\"c").append(i).append("\",\"image\":\"")
                    .append(images[i]).append("\"}");
        }
        return "{\"apiVersion\":\"" + version + "\",\"kind\":\"AdmissionReview\",\"request\":{\"uid\":\"" + uid
                + "\",\"kind\":{\"group\":\"\",\"version\":\"v1\",\"kind\":\"Pod\"},"
                + "\"resource\":{\"group\":\"\",\"version\":\"v1\",\"resource\":\"pods\"},"
                + "\"operation\":\"CREATE\",\"namespace\":\"team-a\",\"object\":{\"apiVersion\":\"v1\",\"kind\":\"Pod\","
                + "\"metadata\":{\"name\":\"p\"},\"spec\":{\"containers\":[" + containers + "]}}}}";
    }

    public static String pod(String... images) {
        return podIn("admission.k8s.io/v1", "uid-1", images);
    }
}
