/**
 * The JSON patch: its model, and its rendering from the policy's list of changes.
 *
 * <p>Both the server (the patch an AdmissionReview response carries) and the offline {@code
 * mutate} command (which turns each operation into a text edit of the user's manifest) render
 * the same patch from the same changes, so the two cannot disagree. Nothing else may build a
 * patch: the typed operations refuse anything but {@code add}/{@code replace} of an image or a
 * pull policy, which keeps fields the webhook does not know out of every patch.
 */
package io.github.imagepullwebhook.patch;
