#!/usr/bin/env bash
# Installs what the end-to-end suite needs on a Debian 12 machine, as root: the node's
# runtime (containerd, runc, CNI plugins), etcd, the registry and image tools, and what builds
# Kubernetes v1.20.2 from Debian's own source package (Debian's Go 1.19, deb-src enabled).
# Safe to run again: installs only what is missing.
set -euo pipefail

packages=(
  golang-1.19-go golang-github-modern-go-reflect2-dev dpkg-dev   # build Kubernetes from source
  etcd-server containerd runc containernetworking-plugins         # control plane store, node runtime
  iptables iproute2 conntrack                                     # pod network, kube-proxy
  docker-registry apache2-utils skopeo umoci busybox-static       # images without internet
  openssl curl
)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done

# Source packages: add deb-src to the Types of Debian's own sources (deb822 or one-line format).
need_update=0
if [ -f /etc/apt/sources.list.d/debian.sources ]; then
  if ! grep -q '^Types:.*deb-src' /etc/apt/sources.list.d/debian.sources; then
    sed -i 's/^Types: deb$/Types: deb deb-src/' /etc/apt/sources.list.d/debian.sources
    need_update=1
  fi
elif [ -f /etc/apt/sources.list ] && ! grep -q '^deb-src' /etc/apt/sources.list; then
  sed -n 's/^deb /deb-src /p' /etc/apt/sources.list >> /etc/apt/sources.list
  need_update=1
fi

export DEBIAN_FRONTEND=noninteractive
if [ ${#missing[@]} -gt 0 ] || [ $need_update = 1 ]; then
  apt-get update -qq
fi
if [ ${#missing[@]} -gt 0 ]; then
  # No service starts on install (no init system; policy-rc.d), and the suite starts its own.
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
