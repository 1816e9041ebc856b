/**
 * The GitOps path: the same policy applied to manifests on disk
 * ({@code kustomize build | image-pull-webhook mutate -f -}).
 *
 * <p>People review manifests as text, so the output must differ from the input only where the
 * policy changed something: comments, key order, quoting and blank lines stay exactly as
 * written. The policy reads a tree and returns its changes, the patch is rendered from them as
 * the server renders it, and each patch operation is then applied as a small text edit at the
 * position SnakeYAML reports for that node. The edited text is parsed again and compared with the intended tree; only if they
 * differ is the document re-serialised.
 */
package io.github.imagepullwebhook.manifest;
