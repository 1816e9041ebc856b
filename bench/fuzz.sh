#!/usr/bin/env bash
# Longer fuzzing than CI's: each fuzz test for DURATION (default 5m), one JVM each, printing the
# executions libFuzzer reports. Findings are written next to the seeds
# (src/test/resources/<package>/<Class>Inputs/<method>/) and then replay in every build.
#   bench/fuzz.sh              # 4 x 5 minutes
#   DURATION=30s bench/fuzz.sh
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION=${DURATION:-5m}
./mvnw -B -q test-compile
for id in review reference challenge dockerconfig; do
  log=target/fuzz-reports/$id.log
  mkdir -p target/fuzz-reports
  ./mvnw -B surefire:test@fuzz-$id -Dfuzz.duration="$DURATION" >"$log" 2>&1 || { echo "fuzz-$id FAILED: see $log"; exit 1; }
  runs=$(grep -o 'Done [0-9]* runs in [0-9]* second(s)' "$log" | tail -1)
  echo "fuzz-$id: ${runs:-no libFuzzer summary found}"
done
