#!/usr/bin/env bash
# What a user pays for the webhook in pod creations per second through a real apiserver:
# the e2e cluster (Kubernetes v1.20.2 from Debian's source) with our webhook
# installed by helm (an alwaysPull profile: mutate + validate per pod), against the same
# registrations pointing at the cheapest webhook there is (bench's CannedWebhook, a constant
# allow) and against none; between them the canned webhook answering with our patch, then also
# our warnings, then also our audit annotations, and the constant allow without the validating
# call. Variants alternate round by round in one run; medians are printed, with the apiserver's
# CPU time per created pod (/proc). Not a test: figures only.
#
# Usage: bench/cluster-admission.sh     (ROUNDS=4 SECONDS_PER_ROUND=8 THREADS=16). Root; starts
# and stops the cluster itself (e2e/cluster.sh), so no e2e run may be going on.
set -euo pipefail
cd "$(dirname "$0")/.."
bash e2e/build-kubernetes.sh
# One cluster per machine: wait (up to 40 min) for another suite or benchmark run to finish.
exec 9>/run/image-pull-webhook-e2e.lock
flock -w 2400 9 || { echo "another e2e run holds /run/image-pull-webhook-e2e.lock" >&2; exit 1; }
work=$(mktemp -d)
trap 'bash e2e/cluster.sh down; rm -rf "$work"' EXIT
timeout 300 bash e2e/cluster.sh up
env_file=${E2E_RUN:-/var/lib/image-pull-webhook-e2e}/env
# The webhook's image (Jib, pushed to the cluster's registry) and the test classes' classpath.
./mvnw -B -q -Pe2e package dependency:build-classpath -Dmdep.outputFile=target/test-classpath.txt -Dmdep.includeScope=test
(cd target/test-classes && jar cf "$work/canned.jar" io/github/imagepullwebhook/bench/CannedWebhook.class)
openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=ipw-canned.ipw-bench.svc \
  -addext "subjectAltName=DNS:ipw-canned.ipw-bench.svc" -keyout "$work/canned.key" -out "$work/canned.crt" 2>/dev/null
registry=$(sed -n 's/^E2E_REGISTRY=//p' "$env_file")
java -Dbench.dir="$work" -De2e.env="$env_file" -De2e.image="$registry/image-pull-webhook:e2e" \
  -Drounds="${ROUNDS:-4}" -Dseconds="${SECONDS_PER_ROUND:-8}" -Dthreads="${THREADS:-16}" \
  -cp "target/test-classes:target/classes:$(cat target/test-classpath.txt)" \
  io.github.imagepullwebhook.e2e.AdmissionThroughputBench
