/**
 * The webhook's configuration: one immutable record, read once from a YAML file and flags.
 *
 * <p>Every key is optional and its default is the value {@code deploy/} and the Helm chart
 * assume, so a bare {@code serve} behaves like the installed webhook. Unknown keys are an error,
 * not a silent no-op: a misspelt {@code alwaysPul: true} must not quietly leave a cluster
 * unenforced.
 */
package io.github.imagepullwebhook.config;
