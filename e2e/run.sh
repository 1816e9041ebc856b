#!/usr/bin/env bash
# The end-to-end suite, start to finish:
#   1. Kubernetes v1.20.2 built from Debian's source (once; cached, see build-kubernetes.sh),
#   2. a one-node cluster started (cluster.sh up),
#   3. ./mvnw -B verify -Pe2e: Jib builds the webhook's image onto the suite's JRE base and
#      pushes it to the cluster's registry, then failsafe runs the *E2E tests,
#   4. the cluster stopped and the host put back (cluster.sh down), also on failure or Ctrl-C.
# Arguments go to Maven (e.g. -Dit.test=WebhookE2E, -De2e.helm.set=profiles.tenants.alwaysPull=false).
# Needs root and the packages of install-deps.sh. Bounded: E2E_TIMEOUT seconds for the tests
# (default 1500), 300 s for the cluster to come up.
set -euo pipefail
cd "$(dirname "$0")/.."
began=$SECONDS

bash e2e/build-kubernetes.sh
built=$SECONDS
# One cluster per machine: wait (up to 40 min) for another suite or benchmark run to finish.
exec 9>/run/image-pull-webhook-e2e.lock
flock -w 2400 9 || { echo "another e2e run holds /run/image-pull-webhook-e2e.lock" >&2; exit 1; }

trap 'bash e2e/cluster.sh down' EXIT
timeout 300 bash e2e/cluster.sh up
up=$SECONDS

set +e
timeout "${E2E_TIMEOUT:-1500}" ./mvnw -B verify -Pe2e "$@"
rc=$?
set -e
echo "e2e: kubernetes build $((built - began)) s, cluster up $((up - built)) s, tests $((SECONDS - up)) s, exit $rc"
exit $rc
