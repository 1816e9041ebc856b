/**
 * The command line: {@code serve} runs the webhook, {@code mutate} applies the same policy to
 * files, {@code audit} applies it to what a cluster already runs. Wiring is done here by hand,
 * in plain constructors, so that the whole object graph of the product can be read in one place
 * and no framework starts anything behind the user's back.
 */
package io.github.imagepullwebhook.cli;
