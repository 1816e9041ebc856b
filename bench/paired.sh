#!/usr/bin/env bash
# The review path without HTTP, both rules / rules off, as the median of alternating pairs: steadier
# than two JMH runs on a shared machine. Usage: bench/paired.sh [review.json]   (ROUNDS=400 for more;
# JAVA_OPTS=-Dimage-pull-webhook.report-memo=off to build every change report)
set -euo pipefail
cd "$(dirname "$0")/.."
./mvnw -B -q test-compile dependency:build-classpath -Dmdep.outputFile=target/test-classpath.txt -Dmdep.includeScope=test
exec taskset -c 0 java ${JAVA_OPTS:-} -XX:ActiveProcessorCount=1 -Drounds="${ROUNDS:-200}" \
  -cp "target/test-classes:target/classes:$(cat target/test-classpath.txt)" io.github.imagepullwebhook.bench.PairedRatio "$@"
