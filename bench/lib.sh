# Shared by the scripts in bench/: the jar and the test classes built from this tree, a scratch
# directory cleaned up (servers stopped) on exit, one serving certificate for every server, the
# Java load generator, a real docker-registry on loopback with images pushed through its API,
# AdmissionReview bodies naming them, the webhook itself, and h2load's rate. Source from the
# repository's root; set PORT (webhook) and REG (registry) first where those are used.
# BUILD=0 skips the Maven build (the jar and classes already match the tree).

JAR=target/image-pull-webhook.jar
if [ "${BUILD:-1}" != 0 ] || [ ! -f "$JAR" ] || [ ! -f target/test-classpath.txt ]; then
  ./mvnw -B -q package dependency:build-classpath -DskipTests \
    -Dmdep.outputFile=target/test-classpath.txt -Dmdep.includeScope=test
fi
CP="target/test-classes:target/classes:$(cat target/test-classpath.txt)"
work=$(mktemp -d)
pids=()
cgroups=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true
  local cg
  for cg in "${cgroups[@]}"; do
    # shellcheck disable=SC2046
    kill $(cat "$cg/cgroup.procs" 2>/dev/null) 2>/dev/null || true
  done
  for cg in "${cgroups[@]}"; do rmdir "$cg" 2>/dev/null || { sleep 0.5; rmdir "$cg" 2>/dev/null; } || echo "could not remove $cg" >&2; done
  rm -rf "$work"
}
trap cleanup EXIT

# fail_if_busy PORT...: refuse to measure someone else's server.
fail_if_busy() {
  local p
  for p in "$@"; do
    if (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then echo "port $p is in use; stop what listens there" >&2; exit 1; fi
  done
}

# make_certs: a CA and a serving certificate for localhost in $work/certs (ca.crt, tls.crt, tls.key),
# written by the jar itself; every server of a run serves them, so one CA file verifies them all.
make_certs() {
  java -jar "$JAR" serve --check --port=0 --metrics-port=-1 --cert-dir "$work/certs" >/dev/null 2>&1
}

# webhook_config PORT FILE: the profiles of ${CONFIG:-bench/bench-config.yaml} (whose first line
# is its server: line), served on PORT with $work/certs.
webhook_config() {
  sed "s|^server:.*|server: {port: $1, metricsPort: -1, shutdownDelay: 0s, tls: {certFile: $work/certs/tls.crt, keyFile: $work/certs/tls.key}}|" \
    "${CONFIG:-bench/bench-config.yaml}" >"$2"
}

# wait_ready PORT: until GET /readyz answers 200.
wait_ready() {
  local i
  for i in $(seq 600); do
    curl -sf --cacert "$work/certs/ca.crt" "https://localhost:$1/readyz" >/dev/null 2>&1 && return 0
    sleep 0.1
  done
  echo "server on port $1 not ready after 60 s" >&2; exit 1
}

# loadgen ARGS...: the Java load generator (bench/LoadGenerator) on CPU ${LOAD_CPU:-1}, trusting
# $work/certs. As root it runs at nice ${LOAD_NICE:--15}: on a machine busy with other work the
# generator, which needs a fraction of its core but needs it at once, then gets it, and the
# servers set the rates.
loadgen() {
  local prio=()
  [ "$(id -u)" != 0 ] || prio=(nice -n "${LOAD_NICE:--15}")
  "${prio[@]}" taskset -c "${LOAD_CPU:-1}" java ${LOADGEN_OPTS:-} -cp "$CP" io.github.imagepullwebhook.bench.LoadGenerator \
    --ca "$work/certs/ca.crt" "$@"
}

# field NAME: the value of NAME=... on each line of the load generator's output (standard input).
field() { awk -v k="$1" '{ for (i = 1; i <= NF; i++) if (index($i, k "=") == 1) print substr($i, length(k) + 2) }'; }

# median, quartiles: of numbers on standard input, one per line.
median() { sort -g | awk '{ v[NR] = $1 } END { if (NR) printf "%g\n", (v[int((NR + 1) / 2)] + v[int(NR / 2) + 1]) / 2 }'; }
quartiles() { sort -g | awk '{ v[NR] = $1 } END { if (NR) printf "%g-%g\n", v[int(NR / 4) + 1], v[int((3 * NR + 3) / 4)] }'; }

# machine: what a figure was measured on, and how busy it was.
machine() {
  echo "# $(date -u '+%Y-%m-%d %H:%M:%S UTC'); $(nproc) cores; $(java -version 2>&1 | head -1); $(git rev-parse --short HEAD 2>/dev/null)"
  echo "# load: $(uptime | sed 's/.*load average/load average/')"
}

# start_webhook [JVM OPTIONS...]: serve $work/config.yaml on $PORT; its pid in $server once ready.
# SERVER_CPU, when set, prefixes the command (e.g. "taskset -c 0").
start_webhook() {
  fail_if_busy "$PORT"
  ${SERVER_CPU:-} java "$@" -jar "$JAR" serve -c "$work/config.yaml" --cert-dir "$work/certs" >"$work/server.log" 2>&1 &
  server=$!
  pids+=("$server")
  wait_ready "$PORT"
}

# start_bench_webhook [JVM OPTIONS...]: one server of bench/bench-config.yaml's profiles on $PORT and
# CPU 0, serving $work/certs (made here); its pid in $server once ready.
start_bench_webhook() {
  make_certs
  webhook_config "$PORT" "$work/config.yaml"
  SERVER_CPU="taskset -c 0" start_webhook "$@"
}

# rps: requests/s from h2load's summary on standard input
rps() { awk '/finished in/ { for (i = 1; i <= NF; i++) if ($i == "req/s,") print $(i-1) }'; }

# start_registry: docker-registry on 127.0.0.1:$REG, its access log in $work/registry.log; with
# REG_USER and REG_PASSWORD set, behind htpasswd Basic auth for that user (push() logs in too).
start_registry() {
  local auth=""
  if [ -n "${REG_USER:-}" ]; then
    htpasswd -Bbn "$REG_USER" "$REG_PASSWORD" >"$work/htpasswd"
    auth="auth: {htpasswd: {realm: bench, path: $work/htpasswd}}"
  fi
  cat >"$work/registry.yml" <<YAML
version: 0.1
log: {level: error, accesslog: {disabled: false}}
storage: {filesystem: {rootdirectory: $work/data}}
http: {addr: 127.0.0.1:$REG, secret: bench}
$auth
YAML
  docker-registry serve "$work/registry.yml" >"$work/registry.log" 2>&1 &
  pids+=($!)
  until curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$REG/v2/" | grep -qE '200|401'; do sleep 0.1; done
}
# push IMAGE TAG: a one-layer OCI image through the registry API
push() {
  local repo=$1 tag=$2 layer config ld cd loc manifest login=()
  [ -z "${REG_USER:-}" ] || login=(-u "$REG_USER:$REG_PASSWORD")
  layer="layer of $repo:$tag $RANDOM"; ld="sha256:$(printf '%s' "$layer" | sha256sum | cut -d' ' -f1)"
  config='{"architecture":"amd64","os":"linux","rootfs":{"type":"layers","diff_ids":[]}}'
  cd="sha256:$(printf '%s' "$config" | sha256sum | cut -d' ' -f1)"
  for blob in "$layer" "$config"; do
    loc=$(curl -si "${login[@]}" -X POST "http://127.0.0.1:$REG/v2/$repo/blobs/uploads/" | tr -d '\r' | awk 'tolower($1)=="location:" {print $2}')
    curl -sf "${login[@]}" -X PUT -H 'Content-Type: application/octet-stream' --data-binary "$blob" \
      "http://127.0.0.1:$REG${loc#http://127.0.0.1:$REG}&digest=sha256:$(printf '%s' "$blob" | sha256sum | cut -d' ' -f1)" >/dev/null
  done
  manifest="{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"config\":{\"mediaType\":\"application/vnd.oci.image.config.v1+json\",\"digest\":\"$cd\",\"size\":${#config}},\"layers\":[{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar\",\"digest\":\"$ld\",\"size\":${#layer}}]}"
  curl -sf "${login[@]}" -X PUT -H 'Content-Type: application/vnd.oci.image.manifest.v1+json' --data-binary "$manifest" \
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

# train_cds: $work/app.jsa, an AppCDS archive recorded on this jar as the Dockerfile's cds stage
# records it (serve --check with docker/cds-training.yaml: start, one review over TLS, stop).
train_cds() {
  java -XX:ArchiveClassesAtExit="$work/app.jsa" -jar "$JAR" serve --check -c docker/cds-training.yaml --port=0 \
    --metrics-port=-1 --cert-dir "$work/train" >/dev/null 2>&1
}

# image_flags: the JVM options of the Dockerfile's ENTRYPOINT (between "java" and "-jar"), one per
# line, the image's archive /app/app.jsa replaced by $work/app.jsa (train_cds).
image_flags() {
  python3 - "$work/app.jsa" <<'PY'
import json, re, sys
text = open("Dockerfile").read().replace("\\\n", " ")
entrypoint = json.loads(re.search(r"(?m)^ENTRYPOINT\s+(\[.*\])\s*$", text).group(1))
for flag in entrypoint[1:entrypoint.index("-jar")]:
    print(flag.replace("/app/app.jsa", sys.argv[1]))
PY
}

# cgroup_make NAME BYTES: a cgroup v1 memory cgroup of that limit (memory and memory+swap), as the
# kubelet makes for a container's memory limit; removed on exit. Its directory in $cgroup, and in
# $in_cgroup a command prefix that runs a command inside it from its first instruction (a shell
# joins the cgroup, then execs the command: same pid, so $! after "${in_cgroup[@]}" java ... & is
# the JVM's), so a JVM sees the limit as in a container. Needs root and /sys/fs/cgroup/memory
# (CGROUP_ROOT overrides it).
cgroup_make() {
  local root=${CGROUP_ROOT:-/sys/fs/cgroup/memory}
  [ -w "$root/cgroup.procs" ] || { echo "cannot make memory cgroups under $root (root and cgroup v1 needed)" >&2; exit 1; }
  cgroup=$root/ipw-bench-$$-$1
  mkdir "$cgroup"; cgroups+=("$cgroup")
  echo "$2" >"$cgroup/memory.limit_in_bytes"
  [ ! -f "$cgroup/memory.memsw.limit_in_bytes" ] || echo "$2" >"$cgroup/memory.memsw.limit_in_bytes"
  # shellcheck disable=SC2016
  in_cgroup=(sh -c 'echo $$ >"$0/cgroup.procs" && exec "$@"' "$cgroup")
}

# cgroup_oom_kills DIR: the kernel's OOM kills in that cgroup.
cgroup_oom_kills() { awk '$1 == "oom_kill" { print $2 }' "$1/memory.oom_control"; }

# mib: bytes on standard input in MiB, one decimal.
mib() { awk '{ printf "%.1f\n", $1 / 1048576 }'; }
