#!/usr/bin/env bash
# JMH benchmark of the review path without HTTP (bench/PolicyBenchmark): decode, skip rules,
# policy, patch and encode of distinct AdmissionReviews (bench/ReviewBodies, 1,000 by default,
# each call on the next), for rules off (rulesOff), defaultPullPolicy + alwaysPull (bothRules)
# and the validating endpoint of that profile (validate). Prints µs per review.
#   bench/jmh.sh                      # all three
#   bench/jmh.sh -prof gc             # adds allocation per review: gc.alloc.rate.norm, B/op
#   bench/jmh.sh bothRules -p bodies=1   # one body, repeated
#   bench/jmh.sh -f 3 -wi 10 -i 10    # any other JMH options
#   bench/jmh.sh PinningBenchmark -prof gc   # pinning's warm path: pin against both (bench/PinningBenchmark)
set -euo pipefail
cd "$(dirname "$0")/.."
./mvnw -B -q test-compile dependency:build-classpath -Dmdep.outputFile=target/test-classpath.txt -Dmdep.includeScope=test
filter=PolicyBenchmark
if [ $# -gt 0 ] && [[ $1 != -* ]]; then
  case $1 in *Benchmark*) filter=$1 ;; *) filter="PolicyBenchmark.$1" ;; esac
  shift
fi
exec java -cp "target/test-classes:target/classes:$(cat target/test-classpath.txt)" org.openjdk.jmh.Main "$filter" "$@"
