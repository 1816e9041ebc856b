#!/usr/bin/env bash
# What digest pinning costs, warm and cold, against a private registry on loopback.
#
# The registry: Debian's docker-registry behind htpasswd Basic auth, holding IMAGES repositories
# bench/app-N with tags 1.0, 2.0 and latest; the node's config.json (registry.dockerConfigFile)
# holds the credential, so every image has one, as with a private registry, and the digest
# cache keys every answer by it.
#
# 1. Warm: the throughput of profile pin (both + pinDigests) against profile both on distinct
#    reviews whose every image is cached, measured by bench/ratio.sh (two servers on CPU 0 loaded
#    at the same moment from CPU 1, profiles swapped, geometric mean of each pair). The bodies are
#    bench/PinningBodies: bench/ReviewBodies' Pods with every image moved to the registry and pull
#    Secrets dropped (there is no API server here, and a Pod without them needs none). The ratio's
#    warm-up answers every body many times before a figure is taken, so every digest is cached
#    (cacheTtl 1h).
# 2. Cold: manifest requests that reach the registry, counted in its access log, for the first
#    review of an image on a registry this server never asked, for one more image on the same
#    registry, and for a burst of 200 reviews of a third image.
#   bench/pinning.sh                      # HTTP/2, ROUNDS=8 pairs of DURATION=4 s (bench/ratio.sh's)
#   PROTO=http1 bench/pinning.sh          # HTTP/1.1
#   IMAGES=100 ROUNDS=12 bench/pinning.sh
#   PROFILE=1 KEEP=/tmp/pin.jfr bench/pinning.sh   # instead: where the CPU goes, both against pin
# Needs docker-registry, htpasswd, curl, h2load, python3, taskset, 2 cores.
set -euo pipefail
cd "$(dirname "$0")/.."
IMAGES=${IMAGES:-50}
PORT=18445
REG=15145
REG_USER=bench REG_PASSWORD=bench-password
. bench/lib.sh
fail_if_busy "$PORT" "$REG"
make_certs
start_registry
for i in $(seq 0 $((IMAGES - 1))); do
  for tag in 1.0 2.0 latest; do push "bench/app-$i" "$tag"; done
done
printf '{"auths":{"127.0.0.1:%s":{"auth":"%s"}}}\n' "$REG" "$(printf '%s:%s' "$REG_USER" "$REG_PASSWORD" | base64 -w0)" \
  >"$work/config.json"
cat >"$work/pin-config.yaml" <<YAML
server: {port: 0}
profiles:
  both: {defaultPullPolicy: true, alwaysPull: true}
  pin:  {defaultPullPolicy: true, alwaysPull: true, pinDigests: true}
registry: {insecure: ["127.0.0.1:$REG"], allow: ["127.0.0.1:*"], dockerConfigFile: $work/config.json, cacheTtl: 1h}
YAML

# The Pods of 1,400 generated reviews, their images moved to the registry (bench/PinningBodies).
java -cp "$CP" io.github.imagepullwebhook.bench.PinningBodies "$work/bodies" "127.0.0.1:$REG" "$IMAGES" 1400

if [ -n "${PROFILE:-}" ]; then # where the server's CPU goes, both against pin (bench/server-profile.sh)
  PORT=18455 BUILD=0 CONFIG="$work/pin-config.yaml" BODIES="$work/bodies" P1=both P2=pin bench/server-profile.sh
  exit
fi
echo "## 1. warm: pin against both, every digest cached"
A_PORT=${A_PORT:-18453} B_PORT=${B_PORT:-18454} BUILD=0 CONFIG="$work/pin-config.yaml" BODIES="$work/bodies" P=pin REF=both \
  bench/ratio.sh
echo "manifest requests during the warm runs: $(grep -c '"HEAD /v2/bench/app-' "$work/registry.log")"

echo "## 2. cold: manifest requests per new image"
CONFIG="$work/pin-config.yaml" webhook_config "$PORT" "$work/config.yaml"
start_webhook ${JAVA_OPTS:-}
cold() { # REPOSITORY: push it, review a Pod naming it, count its manifest requests
  push "$1" 1.0
  review "127.0.0.1:$REG/$1:1.0" "$work/$(basename "$1").json"
  curl -sf --cacert "$work/certs/ca.crt" -H 'content-type: application/json' --data-binary "@$work/$(basename "$1").json" \
    "https://localhost:$PORT/mutate/pin" | grep -q '"patch"' || { echo "no patch for $1" >&2; exit 1; }
  grep -c "\"HEAD /v2/$1/manifests/" "$work/registry.log" || true
}
echo "first image on a registry this server never asked: $(cold bench/first) manifest request(s)"
echo "another image on the same registry: $(cold bench/second) manifest request(s)"
push bench/fresh 1.0
review "127.0.0.1:$REG/bench/fresh:1.0" "$work/fresh.json"
h2load -n 200 -c 2 -m 100 -d "$work/fresh.json" -H 'content-type: application/json' "https://localhost:$PORT/mutate/pin" \
  | grep -E '^requests:'
echo "burst of 200 reviews of a new image (3 containers each): $(grep -c '"HEAD /v2/bench/fresh/manifests/' "$work/registry.log") manifest request(s)"
machine
