# Shared by bench/pinning.sh, bench/soak.sh, bench/server-profile.sh and bench/ratio.sh: the jar, a scratch
# directory cleaned up on exit, a real docker-registry on loopback, images pushed through its API,
# AdmissionReview bodies naming them, the webhook itself, and h2load's rate. Source after setting
# PORT (webhook) and REG (registry).

JAR=target/image-pull-webhook.jar
[ -f "$JAR" ] || ./mvnw -B -q package -DskipTests
work=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

# start_webhook [JVM OPTIONS...]: serve $work/config.yaml on $PORT; its pid in $server once ready.
# SERVER_CPU, when set, prefixes the command (e.g. "taskset -c 0").
start_webhook() {
  ${SERVER_CPU:-} java "$@" -jar "$JAR" serve -c "$work/config.yaml" --cert-dir "$work/certs" >"$work/server.log" 2>&1 &
  server=$!
  pids+=("$server")
  until curl -sf --cacert "$work/certs/ca.crt" "https://localhost:$PORT/readyz" >/dev/null 2>&1; do sleep 0.1; done
}

# rps: requests/s from h2load's summary on standard input
rps() { awk '/finished in/ { for (i = 1; i <= NF; i++) if ($i == "req/s,") print $(i-1) }'; }

start_registry() {
  cat >"$work/registry.yml" <<YAML
version: 0.1
log: {level: error, accesslog: {disabled: false}}
storage: {filesystem: {rootdirectory: $work/data}}
http: {addr: 127.0.0.1:$REG, secret: bench}
YAML
  docker-registry serve "$work/registry.yml" >"$work/registry.log" 2>&1 &
  pids+=($!)
  until curl -sf "http://127.0.0.1:$REG/v2/" >/dev/null; do sleep 0.1; done
}
# push IMAGE TAG: a one-layer OCI image through the registry API
push() {
  local repo=$1 tag=$2 layer config ld cd loc manifest
  layer="layer of $repo:$tag $RANDOM"; ld="sha256:$(printf '%s' "$layer" | sha256sum | cut -d' ' -f1)"
  config='{"architecture":"amd64","os":"linux","rootfs":{"type":"layers","diff_ids":[]}}'
  cd="sha256:$(printf '%s' "$config" | sha256sum | cut -d' ' -f1)"
  for blob in "$layer" "$config"; do
    loc=$(curl -si -X POST "http://127.0.0.1:$REG/v2/$repo/blobs/uploads/" | tr -d '\r' | awk 'tolower($1)=="location:" {print $2}')
    curl -sf -X PUT -H 'Content-Type: application/octet-stream' --data-binary "$blob" \
      "http://127.0.0.1:$REG${loc#http://127.0.0.1:$REG}&digest=sha256:$(printf '%s' "$blob" | sha256sum | cut -d' ' -f1)" >/dev/null
  done
  manifest="{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"config\":{\"mediaType\":\"application/vnd.oci.image.config.v1+json\",\"digest\":\"$cd\",\"size\":${#config}},\"layers\":[{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar\",\"digest\":\"$ld\",\"size\":${#layer}}]}"
  curl -sf -X PUT -H 'Content-Type: application/vnd.oci.image.manifest.v1+json' --data-binary "$manifest" \
    "http://127.0.0.1:$REG/v2/$repo/manifests/$tag" >/dev/null
}
# review IMAGE FILE [FIXTURE] [CONTAINERS]: the fixture's review (default: the 3-container pod
# enforce-pod) with every image set to IMAGE and, when CONTAINERS is given, that many containers.
review() {
  python3 - "$1" "$2" "${3:-enforce-pod}" "${4:-0}" <<'PY'
import copy, json, sys
image, out, fixture, count = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
review = json.load(open("src/test/resources/reviews/%s/request.json" % fixture))
spec = review["request"]["object"]["spec"]
for path in (["template", "spec"], ["jobTemplate", "spec", "template", "spec"]):
    inner = spec
    for key in path:
        inner = inner.get(key) if isinstance(inner, dict) else None
    if isinstance(inner, dict) and "containers" in inner:
        spec = inner
if count:
    first = spec["containers"][0]
    spec["containers"] = [dict(copy.deepcopy(first), name="c%d" % i) for i in range(count)]
for c in spec["containers"] + spec.get("initContainers", []):
    c["image"] = image
json.dump(review, open(out, "w"))
PY
}
