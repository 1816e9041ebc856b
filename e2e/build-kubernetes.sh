#!/usr/bin/env bash
# Builds Kubernetes v1.20.2 (kube-apiserver, kube-controller-manager, kube-scheduler,
# kube-proxy, kubelet, kubectl) from Debian 12's own `kubernetes` source package with Debian's
# Go 1.19, once, into a cache outside the checkout keyed by version:
#
#   ${E2E_CACHE:-~/.cache/image-pull-webhook/e2e}/v1.20.2/bin/
#
# A second run finds the binaries and returns at once. Needs e2e/install-deps.sh first
# (golang-1.19-go, golang-github-modern-go-reflect2-dev, dpkg-dev, deb-src enabled).
#
# What the plain tarball needs that upstream's Makefile would do from a git checkout:
#   1. GOPATH mode with the tree at $GOPATH/src/k8s.io/kubernetes (vendor/ is complete).
#   2. pkg/generated/openapi/zz_generated.openapi.go is not in the tarball: build openapi-gen
#      from vendor/ and run it over every package with a `+k8s:openapi-gen=` tag, except
#      code-generator and sample-apiserver, as build/root/Makefile.generated_files does.
#   3. The vendored github.com/modern-go/reflect2 1.0.1 breaks under Go >= 1.18: Debian's
#      1.0.2 (golang-github-modern-go-reflect2-dev) goes in its place.
#   4. No .git: the version is set with -X, or clients see an empty version.
set -euo pipefail

VERSION=v1.20.2
COMMIT=faecb196815e248d3ecfb03c680a4507229c2a56
BUILD_DATE=2021-01-13T13:20:00Z   # upstream's tag date, so rebuilds are identical
BINARIES=(kube-apiserver kube-controller-manager kube-scheduler kube-proxy kubelet kubectl)

CACHE=${E2E_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/image-pull-webhook/e2e}
OUT=$CACHE/$VERSION
BIN=$OUT/bin

have_all() {
  for b in "${BINARIES[@]}"; do [ -x "$BIN/$b" ] || return 1; done
  [ -f "$BIN/.complete" ]
}
if have_all; then
  echo "kubernetes $VERSION: cached in $BIN"
  exit 0
fi

GO=/usr/lib/go-1.19/bin/go
[ -x "$GO" ] || { echo "Debian's Go 1.19 is missing: run e2e/install-deps.sh" >&2; exit 1; }
REFLECT2=/usr/share/gocode/src/github.com/modern-go/reflect2
[ -d "$REFLECT2" ] || { echo "golang-github-modern-go-reflect2-dev is missing: run e2e/install-deps.sh" >&2; exit 1; }

start=$(date +%s)
work=$OUT/build
rm -rf "$work"
mkdir -p "$work/src" "$BIN"

# 1. Debian's source package (upstream v1.20.2 plus Debian's patches), unpacked by dpkg-source.
echo "kubernetes $VERSION: fetching Debian's source package"
(cd "$work/src" && apt-get source -qq kubernetes >/dev/null 2>&1) || {
  echo "apt-get source kubernetes failed: is deb-src enabled? (e2e/install-deps.sh)" >&2; exit 1; }
tree=$(find "$work/src" -maxdepth 1 -type d -name 'kubernetes-*' | head -1)
[ -f "$tree/cmd/kube-apiserver/apiserver.go" ] || { echo "unexpected source tree in $tree" >&2; exit 1; }
export GOPATH=$work/gopath
mkdir -p "$GOPATH/src/k8s.io"
mv "$tree" "$GOPATH/src/k8s.io/kubernetes"
rm -rf "$work/src"
K=$GOPATH/src/k8s.io/kubernetes

# 3. reflect2 that works with Go >= 1.18.
rm -rf "$K/vendor/github.com/modern-go/reflect2"
cp -r "$REFLECT2" "$K/vendor/github.com/modern-go/reflect2"

export GO111MODULE=off CGO_ENABLED=0 GOFLAGS=
export GOCACHE=$CACHE/go-build
mkdir -p "$GOCACHE"
cd "$K"

# 2. The OpenAPI definitions the apiserver serves.
echo "kubernetes $VERSION: generating pkg/generated/openapi"
"$GO" build -o "$work/openapi-gen" k8s.io/kubernetes/vendor/k8s.io/kube-openapi/cmd/openapi-gen
dirs=$(find pkg cmd plugin staging/src/k8s.io -name '*.go' -not -path '*/testdata/*' -print0 \
        | xargs -0 grep -l '^// *+k8s:' | xargs grep -l '+k8s:openapi-gen=' \
        | xargs -n1 dirname | sed 's|^staging/src/k8s.io/|vendor/k8s.io/|' \
        | grep -v -e '^vendor/k8s.io/code-generator/' -e '^vendor/k8s.io/sample-apiserver/' | LC_ALL=C sort -u)
inputs=$(for d in $dirs; do printf 'k8s.io/kubernetes/%s,' "$d"; done)
"$work/openapi-gen" --logtostderr -v 0 -i "${inputs%,}" -p k8s.io/kubernetes/pkg/generated/openapi \
  -O zz_generated.openapi -h vendor/k8s.io/code-generator/hack/boilerplate.go.txt \
  -r "$work/openapi-violations.report" >"$work/openapi-gen.log" 2>&1 \
  || { tail -20 "$work/openapi-gen.log" >&2; exit 1; }
echo "  $(echo "$dirs" | wc -l) packages"

# 4. The version every binary reports.
ldflags="-s -w"
for pkg in k8s.io/kubernetes/vendor/k8s.io/component-base/version k8s.io/kubernetes/vendor/k8s.io/client-go/pkg/version; do
  ldflags+=" -X $pkg.gitVersion=$VERSION -X $pkg.gitMajor=1 -X $pkg.gitMinor=20"
  ldflags+=" -X $pkg.gitCommit=$COMMIT -X $pkg.gitTreeState=clean -X $pkg.buildDate=$BUILD_DATE"
done

echo "kubernetes $VERSION: go build ${BINARIES[*]} (Go cache $GOCACHE)"
pkgs=()
for b in "${BINARIES[@]}"; do pkgs+=("k8s.io/kubernetes/cmd/$b"); done
nice -n 5 "$GO" build -o "$BIN/" -ldflags "$ldflags" "${pkgs[@]}"

"$BIN/kubectl" version --client --short 2>/dev/null | grep -q "$VERSION" \
  || { echo "built kubectl does not report $VERSION" >&2; exit 1; }
touch "$BIN/.complete"
# The binaries are what is kept; the source is fetched again in seconds if ever needed.
rm -rf "$work"
echo "kubernetes $VERSION: built in $(( $(date +%s) - start )) s into $BIN"
