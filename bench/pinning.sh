#!/usr/bin/env bash
# Digest pinning under load: the same profile with and without pinDigests (warm cache), side by
# side over HTTP/2, and how many manifest requests reach the registry for a burst of reviews of
# one new image. Needs docker-registry, h2load, curl (Debian: docker-registry, nghttp2-client).
#   bench/pinning.sh            # 15 s per run
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION=${DURATION:-15}
PORT=18445
REG=15145
. bench/lib.sh
start_registry
push bench/app 1.0
review "127.0.0.1:$REG/bench/app:1.0" "$work/review.json"

cat >"$work/config.yaml" <<YAML
server: {port: $PORT, metricsPort: -1, shutdownDelay: 0s}
profiles:
  nopin: {defaultPullPolicy: true, alwaysPull: true}
  pin:   {defaultPullPolicy: true, alwaysPull: true, pinDigests: true}
registry: {insecure: ["127.0.0.1:$REG"], allow: ["127.0.0.1:*"], cacheTtl: 10m}
YAML
# shellcheck disable=SC2086
start_webhook ${JAVA_OPTS:-}

h2() { h2load -c4 -m8 -D "$1" -d "$2" -H 'content-type: application/json' "https://localhost:$PORT/mutate/$3"; }
h2 10 "$work/review.json" nopin >/dev/null; h2 10 "$work/review.json" pin >/dev/null   # warm JIT and cache

echo "| profile | requests/s (HTTP/2, 4 conns x 8 streams, ${DURATION}s) | failed |"
echo "|---|---|---|"
for round in 1 2; do
  for profile in nopin pin; do
    out=$(h2 "$DURATION" "$work/review.json" "$profile")
    echo "| $profile | $(echo "$out" | rps) | $(echo "$out" | awk '/^requests:/ {print $10}') |"
  done
done
echo
echo "manifest requests for bench/app:1.0 during all of the above: $(grep -c 'HEAD /v2/bench/app/manifests/' "$work/registry.log")"

push bench/fresh 2.0
review "127.0.0.1:$REG/bench/fresh:2.0" "$work/fresh.json"
h2load -n 200 -c 2 -m 100 -d "$work/fresh.json" -H 'content-type: application/json' "https://localhost:$PORT/mutate/pin" \
  | grep -E '^requests:'
echo "burst of 200 reviews of a new image (3 containers each): $(grep -c 'HEAD /v2/bench/fresh/manifests/' "$work/registry.log") manifest request(s)"
