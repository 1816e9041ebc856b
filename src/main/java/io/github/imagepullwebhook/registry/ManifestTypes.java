package io.github.imagepullwebhook.registry;

import java.util.List;

/**
 * The media types a node accepts for a manifest. All four go in every request: without the OCI
 * types some registries answer 404 or convert the manifest, and the digest then differs from
 * the one nodes resolve. Indexes first, so a multi-architecture image pins to its index.
 */
public final class ManifestTypes {

    public static final String OCI_INDEX = "application/vnd.oci.image.index.v1+json";
    public static final String DOCKER_LIST = "application/vnd.docker.distribution.manifest.list.v2+json";
    public static final String OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";
    public static final String DOCKER_MANIFEST = "application/vnd.docker.distribution.manifest.v2+json";

    public static final List<String> ALL = List.of(OCI_INDEX, DOCKER_LIST, OCI_MANIFEST, DOCKER_MANIFEST);
    public static final String ACCEPT = String.join(", ", ALL);

    private ManifestTypes() {
    }
}
