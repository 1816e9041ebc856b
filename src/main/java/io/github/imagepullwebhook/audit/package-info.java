/**
 * {@code audit}: what a profile would do to the objects a cluster already runs, before anyone
 * labels a namespace into it.
 *
 * <p>Why it exists: enforcing {@code alwaysPull} changes how every new pod of a namespace pulls
 * its images (a private image then needs the pod's own credentials on every start), and it
 * refuses some updates that used to work. A platform team wants that list before the label goes
 * on, not from its tenants afterwards. So the existing Pods and workloads are read from the API
 * server (lists, page by page, never a watch: an audit is a snapshot) and each is put through
 * the very {@code AdmissionService} the server runs, wrapped in the AdmissionReview the apiserver
 * would send. The answers are reported as they are: the fields the patch would write, the
 * warnings kubectl would print, the message a denial would carry. Nothing here decides policy;
 * a rule changed in {@code policy} shows up in the audit without a line changed here.
 *
 * <p>Read only, and offline towards registries: images that would be pinned are named, never
 * resolved.
 */
package io.github.imagepullwebhook.audit;
