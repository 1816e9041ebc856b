#!/usr/bin/env bash
# Renders deploy/ from charts/image-pull-webhook with its default values (helm runs in-process
# through helm-java; no helm binary needed). Run after changing the chart, then commit both.
set -euo pipefail
cd "$(dirname "$0")/.."
./mvnw -B -q test -Dtest=DeployManifestsTest -DupdateDeploy=true -Dsurefire.failIfNoSpecifiedTests=false
ls deploy/
