/**
 * From an AdmissionReview to an AdmissionResponse, with no HTTP in sight.
 *
 * <p>The apiserver sends reviews in two versions ({@code admission.k8s.io/v1} and
 * {@code v1beta1}), for many kinds and operations, some of which the webhook must leave alone.
 * This package decodes the review, asks the one skip predicate ({@link
 * io.github.imagepullwebhook.admission.SkipRules}) whether to act, runs the policy on a
 * copy-on-write view of the object, and answers with the diff of the untouched and the mutated
 * object as a JSON patch, with warnings and audit annotations saying what changed and why
 * (the {@link io.github.imagepullwebhook.admission.ChangeReport}, reused for equal changes by
 * {@link io.github.imagepullwebhook.admission.ChangeReports}). Every answer carries a {@link
 * io.github.imagepullwebhook.admission.Reason}, so tests and metrics say <em>why</em>, and every
 * failure goes through one funnel so no path drops a response.
 */
package io.github.imagepullwebhook.admission;
