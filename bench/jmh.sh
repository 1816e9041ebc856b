#!/usr/bin/env bash
# JMH benchmark of the review path without HTTP. Usage: bench/jmh.sh [JMH options]
set -euo pipefail
cd "$(dirname "$0")/.."
./mvnw -B -q test-compile dependency:build-classpath -Dmdep.outputFile=target/test-classpath.txt -Dmdep.includeScope=test
exec java -cp "target/test-classes:target/classes:$(cat target/test-classpath.txt)" org.openjdk.jmh.Main PolicyBenchmark "$@"
