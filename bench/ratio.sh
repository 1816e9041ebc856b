#!/usr/bin/env bash
# The throughput target's ratio (both rules against every rule off), measured so that this
# shared machine's noise cancels. Two servers of this jar share CPU 0, where the kernel gives each
# half of it, and are loaded at the same moment from CPU 1: server A with one profile, server B
# with the other; then the profiles swap servers. Each such pair of runs gives
#   sqrt((P on B / off on A) * (P on A / off on B))
# in which the machine's speed at that moment and any difference between the two processes (JIT
# luck) cancel. Prints each pair, then the median and quartiles.
#   bench/ratio.sh                  # HTTP/2 (h2load, 4 connections x 8 streams per server)
#   PROTO=http1 bench/ratio.sh      # HTTP/1.1 (wrk, 32 keep-alive connections per server)
#   P=off-again bench/ratio.sh      # the control: rules off against rules off
#   ROUNDS=8 DURATION=4 WARMUP=20 bench/ratio.sh
#   JAVA_OPTS=-Dimage-pull-webhook.report-memo=off bench/ratio.sh   # every change report built afresh
# Needs h2load (nghttp2-client) or wrk, curl, taskset.
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS=${ROUNDS:-8}; DURATION=${DURATION:-4}; WARMUP=${WARMUP:-20}; P=${P:-both}; PROTO=${PROTO:-http2}
BODY=${BODY:-src/test/resources/reviews/enforce-pod/request.json}
export BODY
. bench/lib.sh
for port in 18443 18444; do
  sed "s/port: 18443/port: $port/" bench/bench-config.yaml >"$work/config-$port.yaml"
  taskset -c 0 java ${JAVA_OPTS:-} -jar "$JAR" serve -c "$work/config-$port.yaml" --cert-dir "$work/certs-$port" >"$work/server-$port.log" 2>&1 &
  pids+=($!)
done
for port in 18443 18444; do
  until curl -sf --cacert "$work/certs-$port/ca.crt" "https://localhost:$port/readyz" >/dev/null 2>&1; do sleep 0.1; done
done
load() { # port profile seconds -> requests/s
  if [ "$PROTO" = http2 ]; then
    taskset -c 1 h2load -c4 -m8 -D "$3" -d "$BODY" -H 'content-type: application/json' "https://localhost:$1/mutate/$2" | rps
  else
    taskset -c 1 wrk -t1 -c32 -d"$3s" -s bench/post.lua "https://localhost:$1/mutate/$2" | awk '/Requests\/sec/ {print $2}'
  fi
}
at_once() { # seconds profile-on-A profile-on-B -> "rate-A rate-B"
  local a b
  load 18443 "$2" "$1" >"$work/a" & a=$!
  load 18444 "$3" "$1" >"$work/b" & b=$!
  wait "$a" "$b" # not a bare wait: the servers are children too
  echo "$(cat "$work/a") $(cat "$work/b")"
}
# Two JVMs compiling on one CPU warm slowly: 3 passes of WARMUP s each way before measuring.
for pass in 1 2 3; do at_once "$WARMUP" off "$P" >/dev/null; at_once "$WARMUP" "$P" off >/dev/null; done
for r in $(seq "$ROUNDS"); do
  read -r off_a p_b < <(at_once "$DURATION" off "$P")
  read -r p_a off_b < <(at_once "$DURATION" "$P" off)
  awk -v oa="$off_a" -v pb="$p_b" -v pa="$p_a" -v ob="$off_b" -v p="$P" 'BEGIN {
    printf "%s/off %.3f   A: off %d, %s %d   B: %s %d, off %d\n", p, sqrt((pb / oa) * (pa / ob)), oa, p, pa, p, pb, ob }'
done | tee "$work/pairs.txt"
awk '{ print $2 }' "$work/pairs.txt" | sort -n | awk -v p="$P" -v proto="$PROTO" '{ v[NR] = $1 } END {
  printf "%s %s/off: median %.3f (quartiles %.3f-%.3f) of %d pairs of %s-s runs\n", proto, p,
    (v[int((NR + 1) / 2)] + v[int(NR / 2) + 1]) / 2, v[int(NR / 4) + 1], v[int(3 * NR / 4)], NR, "'"$DURATION"'" }'
