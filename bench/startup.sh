#!/usr/bin/env bash
# Startup: milliseconds from starting the process to the first GET /readyz answered 200 (seen by
# curl every 10 ms), with certificate files provided as in a cluster (cert-manager, a managed
# Secret), 10 runs each: plain java -jar, then with an AppCDS archive trained on this jar as the
# container image trains it (serve --check with docker/cds-training.yaml) and the Dockerfile's flags.
#   bench/startup.sh
# Prints one line of 10 times per way of starting. Needs curl.
set -euo pipefail
cd "$(dirname "$0")/.."
PORT=${PORT:-18443}
. bench/lib.sh
fail_if_busy "$PORT" 9090
machine
make_certs
printf 'server: {port: %s, metricsPort: 9090, shutdownDelay: 0s, tls: {certFile: %s, keyFile: %s}}\n' \
  "$PORT" "$work/certs/tls.crt" "$work/certs/tls.key" >"$work/provided.yaml"
startup_runs() { # label, java options...
  local label=$1 pid t0 t1; shift
  printf '%s: ' "$label"
  for i in 1 2 3 4 5 6 7 8 9 10; do
    t0=$(date +%s%N)
    java "$@" -jar "$JAR" serve -c "$work/provided.yaml" >/dev/null 2>&1 &
    pid=$!; pids+=("$pid")
    until curl -sf --cacert "$work/certs/ca.crt" "https://localhost:$PORT/readyz" >/dev/null 2>&1; do sleep 0.01; done
    t1=$(date +%s%N)
    kill "$pid"; wait "$pid" 2>/dev/null || true
    printf '%s ' $(( (t1 - t0) / 1000000 ))
  done
  echo
}
echo "== startup: process start to the first readyz 200 seen by curl, ms (10 runs each)"
startup_runs "plain java -jar" -XX:-UsePerfData
# Trained as the container image is (serve --check with the training configuration: start, one
# review over TLS, stop), on this very jar.
java -XX:ArchiveClassesAtExit="$work/app.jsa" -jar "$JAR" serve --check -c docker/cds-training.yaml --port=0 --metrics-port=-1 \
  --cert-dir "$work/train" >/dev/null 2>&1
startup_runs "with the AppCDS archive, flags as in the Dockerfile" -XX:SharedArchiveFile="$work/app.jsa" \
  -XX:MaxRAMPercentage=70 -XX:-UsePerfData
