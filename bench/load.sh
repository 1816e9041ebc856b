#!/usr/bin/env bash
# Loads the real server over loopback with real AdmissionReview bodies and prints requests/s and
# latency percentiles for a profile with every rule off and one with both rules on, side by side.
#   bench/load.sh                 # 8 rounds per protocol, each 4 s of off, both and off-again
#   DURATION=10 ROUNDS=12 bench/load.sh
#   SPLIT_CORES=1 bench/load.sh   # server on CPU 0, load generators on CPU 1 (taskset): the two
#                                 # profiles then get the same CPU, whatever the load generator costs
# Needs: wrk, h2load (Debian: wrk, nghttp2-client), curl. Without SPLIT_CORES, load and server
# share this machine's cores.
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION=${DURATION:-4}
PORT=18443
BODY=${BODY:-src/test/resources/reviews/enforce-pod/request.json}
JAR=target/image-pull-webhook.jar
SERVER_CPU=""; LOAD_CPU=""
if [ -n "${SPLIT_CORES:-}" ]; then SERVER_CPU="taskset -c 0"; LOAD_CPU="taskset -c 1"; fi
[ -f "$JAR" ] || ./mvnw -B -q package -DskipTests
work=$(mktemp -d)
pid=""
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT

wait_ready() {
  until curl -sf --cacert "$work/certs/ca.crt" "https://localhost:$PORT/readyz" >/dev/null 2>&1; do sleep 0.02; done
}
start_server() {
  $SERVER_CPU java ${JAVA_OPTS:-} -jar "$JAR" serve -c bench/bench-config.yaml --cert-dir "$work/certs" >"$work/server.log" 2>&1 &
  pid=$!
  wait_ready
}
stop_server() { kill "$pid"; wait "$pid" 2>/dev/null || true; pid=""; }

if [ -z "${SKIP_STARTUP:-}" ]; then
# Certificate files provided, as in a cluster (cert-manager, managed Secret): generated once here.
java -jar "$JAR" serve --check --port=0 --metrics-port=-1 --cert-dir "$work/provided" >/dev/null 2>&1
printf 'server: {port: %s, metricsPort: 9090, shutdownDelayMillis: 0, tls: {certFile: %s, keyFile: %s}}\n' \
  "$PORT" "$work/provided/tls.crt" "$work/provided/tls.key" >"$work/provided.yaml"
startup_runs() { # label, java options...
  local label=$1; shift
  printf '%s: ' "$label"
  for i in 1 2 3 4 5 6 7 8 9 10; do
    t0=$(date +%s%N)
    java "$@" -jar "$JAR" serve -c "$work/provided.yaml" >/dev/null 2>&1 &
    pid=$!
    until curl -sf --cacert "$work/provided/ca.crt" "https://localhost:$PORT/readyz" >/dev/null 2>&1; do sleep 0.01; done
    t1=$(date +%s%N); stop_server
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
fi

start_server
# Warm the JIT on both protocols and both profiles before anything is measured.
warm() {
  $LOAD_CPU h2load -c4 -m8 -D "${WARMUP:-10}" -d "$BODY" -H 'content-type: application/json' "https://localhost:$PORT/mutate/$1" >/dev/null 2>&1 || true
  BODY="$BODY" $LOAD_CPU wrk -t2 -c32 -d"${WARMUP:-10}s" -s bench/post.lua "https://localhost:$PORT/mutate/$1" >/dev/null 2>&1 || true
}
# One CPU compiles slowly: the rules' path is still being recompiled after 20 s of load, so each
# profile gets two passes (80 s in all) before measuring.
for pass in 1 2; do warm off; warm both; done

# Each run appends "protocol profile requests/s p50-ms p99-ms errors" to rates.txt.
ms() { # wrk latency (850.00us, 1.20ms, 2.01s) -> milliseconds
  awk -v v="$1" 'BEGIN { n = v + 0; if (v ~ /us$/) n /= 1000; else if (v ~ /[0-9]s$/ && v !~ /ms$/) n *= 1000; printf "%.2f", n }'
}
wrk_run() { # profile
  BODY="$BODY" $LOAD_CPU wrk -t2 -c32 -d"${DURATION}s" --latency -s bench/post.lua "https://localhost:$PORT/mutate/$1" >"$work/wrk.txt"
  local rps p50 p99 errors
  rps=$(awk '/Requests\/sec/ {print $2}' "$work/wrk.txt")
  p50=$(ms "$(awk '$1=="50%" {print $2}' "$work/wrk.txt")"); p99=$(ms "$(awk '$1=="99%" {print $2}' "$work/wrk.txt")")
  errors=$(awk '/Non-2xx/ {n += $NF} /Socket errors/ {n += 1} END {print n + 0}' "$work/wrk.txt")
  echo "http1 $1 $rps $p50 $p99 $errors" >>"$work/rates.txt"
}
h2_rps() { awk '/finished in/ { for (i = 1; i <= NF; i++) if ($i == "req/s,") print $(i-1) }' "$1"; }
# h2load: per-request log (start µs, status, duration µs) gives the percentiles.
h2_run() { # profile [rate per connection: the half-rate run]
  local rate="" rps p50 p99 failed
  [ -n "${2:-}" ] && rate="--rps=$2"
  rm -f "$work/h2.log"
  $LOAD_CPU h2load -c4 -m8 -D "$DURATION" $rate --log-file="$work/h2.log" -d "$BODY" -H 'content-type: application/json' \
    "https://localhost:$PORT/mutate/$1" >"$work/h2.txt"
  rps=$(h2_rps "$work/h2.txt")
  read -r p50 p99 < <(awk '{ print $3 }' "$work/h2.log" | sort -n | awk '
    { v[NR] = $1 } END { printf "%.2f %.2f\n", v[int(NR*0.5)]/1000, v[int(NR*0.99)]/1000 }')
  failed=$(awk '$2 != 200' "$work/h2.log" | wc -l)
  echo "${2:+half-}http2 $1 $rps $p50 $p99 $failed" >>"$work/rates.txt"
}

# Rounds rotate the order of the three profiles, so that neither runs first more often; on this
# shared machine the same profile moves by +-30% from one window to the next, so each round's
# ratio compares neighbours, and the median of those ratios is the figure. off-again is off under
# another name: its ratio to off shows how far two identical profiles drift apart in the run.
PROFILES=(off both off-again)
for protocol in http1 http2; do
  for round in $(seq "${ROUNDS:-8}"); do
    for i in 0 1 2; do
      profile=${PROFILES[$(( (round + i) % 3 ))]}
      if [ "$protocol" = http1 ]; then wrk_run "$profile"; else h2_run "$profile"; fi
    done
  done
done
max=$(awk '$1 == "http2" && $2 == "both" { print int($3) }' "$work/rates.txt" | sort -n | tail -1)
h2_run both $(( max / 2 / 4 ))

echo
echo "| load | profile | requests/s, median (min-max) of ${ROUNDS:-8} rounds of ${DURATION}s | p50, median | p99, median (max) | errors |"
echo "|---|---|---|---|---|---|"
med() { sort -n | awk '{ v[NR] = $1 } END { printf "%g", (v[int((NR + 1) / 2)] + v[int(NR / 2) + 1]) / 2 }'; }
label() { case $1 in http1) echo "HTTP/1.1 wrk 2 threads x 32 conns";; http2) echo "HTTP/2 h2load 4 conns x 8 streams";;
  *) echo "HTTP/2, half the maximum ($(( max / 2 )) req/s)";; esac; }
for protocol in http1 http2 half-http2; do
  for profile in off off-again both; do
    awk -v pr="$protocol" -v pf="$profile" '$1 == pr && $2 == pf' "$work/rates.txt" >"$work/sel.txt"
    [ -s "$work/sel.txt" ] || continue
    rps=$(awk '{print int($3)}' "$work/sel.txt" | med); lo=$(awk '{print int($3)}' "$work/sel.txt" | sort -n | head -1)
    hi=$(awk '{print int($3)}' "$work/sel.txt" | sort -n | tail -1)
    p50=$(awk '{print $4}' "$work/sel.txt" | med); p99=$(awk '{print $5}' "$work/sel.txt" | med)
    p99max=$(awk '{print $5}' "$work/sel.txt" | sort -n | tail -1); errors=$(awk '{n += $6} END {print n + 0}' "$work/sel.txt")
    echo "| $(label "$protocol") | $profile | $rps ($lo-$hi) | ${p50} ms | ${p99} ms ($p99max) | $errors |"
  done
done
echo
# Per round: both/off and off-again/off of that round's neighbouring runs; then their median and quartiles.
for protocol in http1 http2; do
  for profile in both off-again; do
    awk -v pr="$protocol" -v pf="$profile" '$1 == pr { n[$2]++; r[$2, n[$2]] = $3 }
      END { for (i = 1; i <= n["off"]; i++) print r[pf, i] / r["off", i] }' "$work/rates.txt" | sort -n |
      awk -v pr="$protocol" -v pf="$profile" '{ v[NR] = $1; s += $1 } END {
        printf "%s %s / off: median %.1f%% (quartiles %.1f-%.1f%%) of %d rounds\n", pr == "http1" ? "HTTP/1.1" : "HTTP/2",
          pf, 50 * (v[int((NR + 1) / 2)] + v[int(NR / 2) + 1]), 100 * v[int(NR / 4) + 1], 100 * v[int(3 * NR / 4)], NR }'
  done
done
stop_server
grep -i "error\|exception" "$work/server.log" | head -5 || true
