#!/usr/bin/env bash
# A one-node Kubernetes v1.20.2 cluster on this machine, for the end-to-end suite:
#
#   e2e/cluster.sh up      start everything (bounded; on failure it cleans up after itself)
#   e2e/cluster.sh down    stop everything and undo every host change (idempotent)
#   e2e/cluster.sh diag    what a person needs when something fails (kubelet, apiserver logs)
#
# What runs: etcd, kube-apiserver, kube-controller-manager, kube-scheduler, containerd + runc,
# kubelet, kube-proxy (iptables), and two `docker-registry`s (public for the cluster's own
# images, private with htpasswd for the threat-model tests). Binaries: e2e/build-kubernetes.sh
# (cache) and Debian's packages (e2e/install-deps.sh). Images: e2e/images.sh.
#
# The network: a bridge this script creates (ipwe2e0, 10.213.0.1/24) carries the pods (CNI
# bridge + host-local, no default route in pods, no masquerade), and is the node's address,
# the apiserver's advertised address and the registries' address. Services live in
# 10.213.1.0/24 (kube-proxy). A mangle rule drops anything arriving from the bridge for an
# address outside 10.213.0.0/16, so nothing from a pod leaves the machine.
#
# Everything the run writes is under $E2E_RUN (default /var/lib/image-pull-webhook-e2e), plus
# what the kubelet and CNI insist on writing to fixed paths (/var/log/pods, /var/lib/kubelet,
# /var/lib/cni, /run/containerd), removed by `down` when they did not exist before `up`.
# `down` also restores the sysctls the kubelet and kube-proxy change, the iptables rules as
# they were before `up`, unmounts what the kubelet and containerd mounted, and removes the
# cgroups under /ipw-e2e.
#
# `up` writes $E2E_RUN/env (shell syntax) for the tests: kubeconfig, registries, the private
# registry's credentials file (never printed), kubectl.
set -euo pipefail

VERSION=v1.20.2
CACHE=${E2E_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/image-pull-webhook/e2e}
KBIN=$CACHE/$VERSION/bin
RUN=${E2E_RUN:-/var/lib/image-pull-webhook-e2e}
BRIDGE=ipwe2e0
NODE_IP=10.213.0.1
POD_CIDR=10.213.0.0/24
SVC_CIDR=10.213.1.0/24
KUBE_SVC_IP=10.213.1.1
ALLOWED_NET=10.213.0.0/16
NODE_NAME=ipw-e2e-node
CGROUP_ROOT=ipw-e2e
ETCD_PORT=${E2E_ETCD_PORT:-23790}
APISERVER_PORT=${E2E_APISERVER_PORT:-16443}
KUBELET_PORT=${E2E_KUBELET_PORT:-20250}
REGISTRY_PORT=${E2E_REGISTRY_PORT:-25000}
PRIVATE_REGISTRY_PORT=${E2E_PRIVATE_REGISTRY_PORT:-25001}
# Host paths the kubelet, containerd and CNI use whatever they are told.
FIXED_PATHS=(/var/log/pods /var/log/containers /var/lib/kubelet /var/lib/cni /run/containerd /etc/cni /opt/cni)
SYSCTLS=(vm.overcommit_memory vm.panic_on_oom kernel.panic kernel.panic_on_oops kernel.keys.root_maxkeys
         kernel.keys.root_maxbytes net.ipv4.ip_forward net.ipv4.conf.all.route_localnet
         net.bridge.bridge-nf-call-iptables net.netfilter.nf_conntrack_max)

log() { echo "[cluster $(date +%H:%M:%S)] $*" >&2; }
die() { log "ERROR: $*"; exit 1; }

# Waits up to $1 seconds for the command after it to succeed.
wait_for() {
  local seconds=$1; shift
  local deadline=$(( $(date +%s) + seconds ))
  until "$@" >/dev/null 2>&1; do
    [ "$(date +%s)" -lt "$deadline" ] || return 1
    sleep 0.5
  done
}

start() {  # name command...: a background process in its own session, log and pid under $RUN
  local name=$1; shift
  setsid "$@" >"$RUN/logs/$name.log" 2>&1 < /dev/null &
  echo $! > "$RUN/pids/$name"
}

alive() { [ -f "$RUN/pids/$1" ] && kill -0 "$(cat "$RUN/pids/$1")" 2>/dev/null; }

kc() { "$KBIN/kubectl" --kubeconfig "$RUN/kubeconfig/admin" "$@"; }

# ---------------------------------------------------------------------------------------------
certificates() {
  local pki=$RUN/pki
  mkdir -p "$pki"
  openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=ipw-e2e-ca" \
    -keyout "$pki/ca.key" -out "$pki/ca.crt" 2>/dev/null
  cert() {  # name subject [san]
    local name=$1 subject=$2 san=${3:-}
    openssl req -newkey rsa:2048 -nodes -subj "$subject" -keyout "$pki/$name.key" -out "$pki/$name.csr" 2>/dev/null
    local ext=$pki/$name.ext
    if [ -n "$san" ]; then printf 'subjectAltName=%s\n' "$san" > "$ext"; else : > "$ext"; fi
    openssl x509 -req -in "$pki/$name.csr" -CA "$pki/ca.crt" -CAkey "$pki/ca.key" -CAcreateserial \
      -days 2 -extfile "$ext" -out "$pki/$name.crt" 2>/dev/null
  }
  cert apiserver "/CN=kube-apiserver" \
    "IP:$NODE_IP,IP:127.0.0.1,IP:$KUBE_SVC_IP,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,DNS:kubernetes.default.svc.cluster.local,DNS:localhost"
  cert apiserver-kubelet-client "/O=system:masters/CN=kube-apiserver-kubelet-client"
  openssl genrsa -out "$pki/sa.key" 2048 2>/dev/null
  openssl rsa -in "$pki/sa.key" -pubout -out "$pki/sa.pub" 2>/dev/null
  chmod 600 "$pki"/*.key
}

# Static tokens, one per component; written only to files under $RUN (mode 600).
tokens() {
  local file=$RUN/pki/tokens.csv
  : > "$file"; chmod 600 "$file"
  mkdir -p "$RUN/kubeconfig"
  while read -r name user groups; do
    local token
    token=$(openssl rand -hex 16)
    echo "$token,$user,$user,\"$groups\"" >> "$file"
    "$KBIN/kubectl" config --kubeconfig "$RUN/kubeconfig/$name" set-cluster e2e \
      --server "https://$NODE_IP:$APISERVER_PORT" --certificate-authority "$RUN/pki/ca.crt" --embed-certs >/dev/null
    "$KBIN/kubectl" config --kubeconfig "$RUN/kubeconfig/$name" set-credentials "$name" --token "$token" >/dev/null
    "$KBIN/kubectl" config --kubeconfig "$RUN/kubeconfig/$name" set-context e2e --cluster e2e --user "$name" >/dev/null
    "$KBIN/kubectl" config --kubeconfig "$RUN/kubeconfig/$name" use-context e2e >/dev/null
    chmod 600 "$RUN/kubeconfig/$name"
  done <<EOF
admin kubernetes-admin system:masters
kubelet system:node:$NODE_NAME system:nodes
controller-manager system:kube-controller-manager system:authenticated
scheduler system:kube-scheduler system:authenticated
proxy system:kube-proxy system:authenticated
EOF
}

network() {
  ip link add "$BRIDGE" type bridge
  ip addr add "$NODE_IP/24" dev "$BRIDGE"
  ip link set "$BRIDGE" up
  sysctl -qw "net.ipv6.conf.$BRIDGE.disable_ipv6=1" || true
  # Nothing that comes in over the bridge goes anywhere but the run's own addresses.
  iptables -t mangle -I PREROUTING -i "$BRIDGE" ! -d "$ALLOWED_NET" -m comment --comment ipw-e2e -j DROP
  mkdir -p "$RUN/cni/net.d" "$RUN/cni/ipam"
  cat > "$RUN/cni/net.d/10-ipw-e2e.conflist" <<EOF
{
  "cniVersion": "0.4.0",
  "name": "ipw-e2e",
  "plugins": [{
    "type": "bridge", "bridge": "$BRIDGE", "isGateway": true, "isDefaultGateway": false,
    "ipMasq": false, "hairpinMode": true,
    "ipam": {
      "type": "host-local", "dataDir": "$RUN/cni/ipam",
      "ranges": [[{"subnet": "$POD_CIDR", "gateway": "$NODE_IP", "rangeStart": "10.213.0.10"}]],
      "routes": [{"dst": "$SVC_CIDR"}]
    }
  }]
}
EOF
}

registries() {
  mkdir -p "$RUN/registry/public" "$RUN/registry/private"
  local user=tenant-a password
  password=$(openssl rand -hex 12)
  htpasswd -Bbn "$user" "$password" > "$RUN/registry/htpasswd" 2>/dev/null
  # The private registry's pull credentials, as a docker config.json (for Secrets and skopeo).
  local auth
  auth=$(printf '%s:%s' "$user" "$password" | base64 -w0)
  printf '{"auths":{"%s:%s":{"auth":"%s"}}}\n' "$NODE_IP" "$PRIVATE_REGISTRY_PORT" "$auth" > "$RUN/registry/private-auth.json"
  chmod 600 "$RUN/registry/private-auth.json" "$RUN/registry/htpasswd"
  cat > "$RUN/registry/public.yml" <<EOF
version: 0.1
log: {level: warn, accesslog: {disabled: true}}
storage: {filesystem: {rootdirectory: $RUN/registry/public}, delete: {enabled: true}}
http: {addr: "$NODE_IP:$REGISTRY_PORT"}
EOF
  cat > "$RUN/registry/private.yml" <<EOF
version: 0.1
log: {level: warn, accesslog: {disabled: true}}
storage: {filesystem: {rootdirectory: $RUN/registry/private}, delete: {enabled: true}}
http: {addr: "$NODE_IP:$PRIVATE_REGISTRY_PORT"}
auth: {htpasswd: {realm: ipw-e2e, path: $RUN/registry/htpasswd}}
EOF
  start registry docker-registry serve "$RUN/registry/public.yml"
  start registry-private docker-registry serve "$RUN/registry/private.yml"
  wait_for 20 curl -sf "http://$NODE_IP:$REGISTRY_PORT/v2/" || die "registry did not start"
  wait_for 20 curl -s -o /dev/null "http://$NODE_IP:$PRIVATE_REGISTRY_PORT/v2/" || die "private registry did not start"
}

push_images() {
  bash "$(dirname "$0")/images.sh"
  for image in pause busybox; do
    skopeo copy -q --dest-tls-verify=false "oci:$CACHE/images/$image:e2e" "docker://$NODE_IP:$REGISTRY_PORT/$image:e2e"
  done
  skopeo copy -q --dest-tls-verify=false "oci:$CACHE/images/jre17:e2e" "docker://$NODE_IP:$REGISTRY_PORT/jre17:e2e"
  # The private image: busybox under another name, reachable only with tenant A's credentials.
  skopeo copy -q --dest-tls-verify=false --dest-authfile "$RUN/registry/private-auth.json" \
    "oci:$CACHE/images/busybox:e2e" "docker://$NODE_IP:$PRIVATE_REGISTRY_PORT/tenant-a/private:1.0"
}

etcd_start() {
  start etcd etcd --name e2e --data-dir "$RUN/etcd" \
    --listen-client-urls "http://127.0.0.1:$ETCD_PORT" --advertise-client-urls "http://127.0.0.1:$ETCD_PORT" \
    --listen-peer-urls "http://127.0.0.1:$((ETCD_PORT + 10))" --initial-advertise-peer-urls "http://127.0.0.1:$((ETCD_PORT + 10))" \
    --initial-cluster "e2e=http://127.0.0.1:$((ETCD_PORT + 10))" --unsafe-no-fsync --quota-backend-bytes 1073741824 \
    --log-level warn
  wait_for 30 curl -sf "http://127.0.0.1:$ETCD_PORT/health" || die "etcd did not start"
}

apiserver_start() {
  local pki=$RUN/pki
  start kube-apiserver "$KBIN/kube-apiserver" \
    --etcd-servers "http://127.0.0.1:$ETCD_PORT" \
    --bind-address "$NODE_IP" --advertise-address "$NODE_IP" --secure-port "$APISERVER_PORT" --insecure-port 0 \
    --cert-dir "$RUN/apiserver" --tls-cert-file "$pki/apiserver.crt" --tls-private-key-file "$pki/apiserver.key" \
    --client-ca-file "$pki/ca.crt" --token-auth-file "$pki/tokens.csv" \
    --kubelet-client-certificate "$pki/apiserver-kubelet-client.crt" --kubelet-client-key "$pki/apiserver-kubelet-client.key" \
    --kubelet-preferred-address-types InternalIP \
    --service-cluster-ip-range "$SVC_CIDR" --service-node-port-range 30000-30099 \
    --service-account-key-file "$pki/sa.pub" --service-account-signing-key-file "$pki/sa.key" \
    --service-account-issuer https://kubernetes.default.svc.cluster.local \
    --authorization-mode Node,RBAC --enable-admission-plugins NodeRestriction \
    --allow-privileged=true --feature-gates EphemeralContainers=true \
    --event-ttl 1h --v 0
  wait_for 60 kc get --raw /readyz || { tail -20 "$RUN/logs/kube-apiserver.log" >&2; die "apiserver not ready"; }
}

controllers_start() {
  start kube-controller-manager "$KBIN/kube-controller-manager" \
    --kubeconfig "$RUN/kubeconfig/controller-manager" --bind-address 127.0.0.1 --port 0 --secure-port 0 \
    --leader-elect=false --service-account-private-key-file "$RUN/pki/sa.key" --root-ca-file "$RUN/pki/ca.crt" \
    --use-service-account-credentials=true --cert-dir "$RUN/controller-manager" \
    --flex-volume-plugin-dir "$RUN/controller-manager/flex" --controllers '*,-nodeipam,-csrsigning,-bootstrapsigner,-tokencleaner' \
    --feature-gates EphemeralContainers=true --v 1
  start kube-scheduler "$KBIN/kube-scheduler" \
    --kubeconfig "$RUN/kubeconfig/scheduler" --bind-address 127.0.0.1 --port 0 --secure-port 0 \
    --leader-elect=false --feature-gates EphemeralContainers=true --v 1
}

containerd_start() {
  local c=$RUN/containerd
  mkdir -p "$c/certs.d/$NODE_IP:$REGISTRY_PORT" "$c/certs.d/$NODE_IP:$PRIVATE_REGISTRY_PORT" "$RUN/runc"
  for port in "$REGISTRY_PORT" "$PRIVATE_REGISTRY_PORT"; do
    cat > "$c/certs.d/$NODE_IP:$port/hosts.toml" <<EOF
server = "http://$NODE_IP:$port"
[host."http://$NODE_IP:$port"]
  capabilities = ["pull", "resolve"]
EOF
  done
  cat > "$c/config.toml" <<EOF
version = 2
root = "$c/root"
state = "$c/state"
disabled_plugins = ["io.containerd.snapshotter.v1.aufs", "io.containerd.snapshotter.v1.btrfs",
  "io.containerd.snapshotter.v1.zfs", "io.containerd.snapshotter.v1.devmapper", "io.containerd.tracing.processor.v1.otlp"]
[grpc]
  address = "$c/containerd.sock"
[ttrpc]
  address = "$c/containerd.sock.ttrpc"
[debug]
  address = ""
[metrics]
  address = ""
[plugins."io.containerd.internal.v1.opt"]
  path = "$c/opt"
[plugins."io.containerd.grpc.v1.cri"]
  sandbox_image = "$NODE_IP:$REGISTRY_PORT/pause:e2e"
  # runc cannot set the kubelet's negative oom_score_adj here (no CAP_SYS_RESOURCE).
  restrict_oom_score_adj = true
  stream_server_address = "127.0.0.1"
  stream_server_port = "0"
  [plugins."io.containerd.grpc.v1.cri".containerd]
    snapshotter = "overlayfs"
    default_runtime_name = "runc"
    [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
      runtime_type = "io.containerd.runc.v2"
      [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
        Root = "$RUN/runc"
        SystemdCgroup = false
  [plugins."io.containerd.grpc.v1.cri".cni]
    bin_dir = "/usr/lib/cni"
    conf_dir = "$RUN/cni/net.d"
  [plugins."io.containerd.grpc.v1.cri".registry]
    config_path = "$c/certs.d"
EOF
  start containerd containerd --config "$c/config.toml" --log-level warn
  wait_for 30 test -S "$c/containerd.sock" || die "containerd did not start"
}

kubelet_start() {
  local k=$RUN/kubelet
  mkdir -p "$k/pki"
  # DNS, should a pod try it, stays on the bridge: nothing answers there.
  echo "nameserver $NODE_IP" > "$RUN/resolv.conf"
  for ctrl in /sys/fs/cgroup/*/; do
    [ -d "$ctrl" ] && [ "$(basename "$ctrl")" != unified ] && mkdir -p "$ctrl$CGROUP_ROOT"
  done
  cat > "$k/config.yaml" <<EOF
apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
address: $NODE_IP
port: $KUBELET_PORT
readOnlyPort: 0
healthzPort: 0
authentication:
  anonymous: {enabled: false}
  webhook: {enabled: false}
  x509: {clientCAFile: $RUN/pki/ca.crt}
authorization: {mode: AlwaysAllow}
cgroupDriver: cgroupfs
cgroupRoot: /$CGROUP_ROOT
cgroupsPerQOS: true
failSwapOn: false
makeIPTablesUtilChains: false
clusterDomain: cluster.local
clusterDNS: [$NODE_IP]
resolvConf: $RUN/resolv.conf
serializeImagePulls: false
imageGCHighThresholdPercent: 100
imageGCLowThresholdPercent: 99
evictionHard: {memory.available: 100Mi, nodefs.available: 1%, imagefs.available: 1%, nodefs.inodesFree: 1%}
volumePluginDir: $k/volume-plugins
featureGates: {EphemeralContainers: true}
rotateCertificates: false
syncFrequency: 10s
fileCheckFrequency: 0s
EOF
  start kubelet "$KBIN/kubelet" --config "$k/config.yaml" --kubeconfig "$RUN/kubeconfig/kubelet" \
    --container-runtime remote --container-runtime-endpoint "unix://$RUN/containerd/containerd.sock" \
    --root-dir "$k/root" --cert-dir "$k/pki" --hostname-override "$NODE_NAME" --node-ip "$NODE_IP" \
    --pod-infra-container-image "$NODE_IP:$REGISTRY_PORT/pause:e2e" --v 1
}

proxy_start() {
  cat > "$RUN/kube-proxy.yaml" <<EOF
apiVersion: kubeproxy.config.k8s.io/v1alpha1
kind: KubeProxyConfiguration
clientConnection: {kubeconfig: $RUN/kubeconfig/proxy}
mode: iptables
clusterCIDR: $POD_CIDR
hostnameOverride: $NODE_NAME
bindAddress: 127.0.0.1
healthzBindAddress: 127.0.0.1:$((KUBELET_PORT + 6))
metricsBindAddress: 127.0.0.1:$((KUBELET_PORT + 9))
nodePortAddresses: ["$NODE_IP/32"]
# Leave the host's conntrack settings as they are.
conntrack: {maxPerCore: 0, min: 0, tcpEstablishedTimeout: 0s, tcpCloseWaitTimeout: 0s}
iptables: {syncPeriod: 30s, minSyncPeriod: 0s}
EOF
  start kube-proxy "$KBIN/kube-proxy" --config "$RUN/kube-proxy.yaml" --v 1
}

default_token() {
  kc -n default get secret --field-selector type=kubernetes.io/service-account-token -o name | grep -q .
}

node_ready() {  # Ready, and the node lifecycle controller has lifted the not-ready taint
  [ "$(kc get node "$NODE_NAME" -o jsonpath='{.status.conditions[?(@.type=="Ready")].status}')" = True ] &&
    ! kc get node "$NODE_NAME" -o jsonpath='{.spec.taints}' | grep -q not-ready
}

up() {
  [ "$(id -u)" = 0 ] || die "run as root"
  for b in kube-apiserver kube-controller-manager kube-scheduler kube-proxy kubelet kubectl; do
    [ -x "$KBIN/$b" ] || die "$KBIN/$b missing: run e2e/build-kubernetes.sh"
  done
  if [ -e "$RUN/state" ]; then
    log "a previous run left state in $RUN: cleaning it up first"
    down
  fi
  local began=$SECONDS
  mkdir -p "$RUN/logs" "$RUN/pids"
  # What `down` must put back.
  : > "$RUN/state"
  for p in "${FIXED_PATHS[@]}"; do [ -e "$p" ] || echo "created $p" >> "$RUN/state"; done
  for s in "${SYSCTLS[@]}"; do
    v=$(sysctl -n "$s" 2>/dev/null) && echo "sysctl $s=$v" >> "$RUN/state"
  done
  iptables-save > "$RUN/iptables.before"
  if [ -d /var/log/pods ]; then ls /var/log/pods > "$RUN/podlogs.before"; fi
  up_done=0
  trap '[ "$up_done" = 1 ] || { log "up failed: cleaning up"; diag >&2 || true; down; }' EXIT

  certificates
  tokens
  network
  registries
  push_images
  etcd_start
  apiserver_start
  controllers_start
  containerd_start
  kubelet_start
  proxy_start
  wait_for 90 node_ready || { tail -30 "$RUN/logs/kubelet.log" >&2; die "node not Ready"; }
  # The ServiceAccount admission plugin refuses pods until "default" and its token exist.
  wait_for 60 default_token || die "no ServiceAccount token in namespace default"
  # 1.21 labels every namespace with its name; 1.20 does not. The chart's selectors leave out
  # kube-system by that label, so give kube-system the label 1.21 would.
  kc label namespace kube-system kubernetes.io/metadata.name=kube-system --overwrite >/dev/null
  up_done=1

  cat > "$RUN/env" <<EOF
E2E_RUN=$RUN
E2E_KUBECONFIG=$RUN/kubeconfig/admin
E2E_KUBECTL=$KBIN/kubectl
E2E_KUBE_VERSION=$VERSION
E2E_NODE_NAME=$NODE_NAME
E2E_NODE_IP=$NODE_IP
E2E_REGISTRY=$NODE_IP:$REGISTRY_PORT
E2E_PRIVATE_REGISTRY=$NODE_IP:$PRIVATE_REGISTRY_PORT
E2E_PRIVATE_IMAGE=$NODE_IP:$PRIVATE_REGISTRY_PORT/tenant-a/private:1.0
E2E_PRIVATE_AUTH=$RUN/registry/private-auth.json
E2E_BUSYBOX=$NODE_IP:$REGISTRY_PORT/busybox:e2e
E2E_JRE_BASE=$NODE_IP:$REGISTRY_PORT/jre17:e2e
E2E_LOGS=$RUN/logs
EOF
  log "cluster up in $((SECONDS - began)) s: node $NODE_NAME Ready; env in $RUN/env"
}

# ---------------------------------------------------------------------------------------------
stop_process() {
  local name=$1 pid
  [ -f "$RUN/pids/$name" ] || return 0
  pid=$(cat "$RUN/pids/$name")
  if kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 40); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
    kill -KILL "$pid" 2>/dev/null || true
  fi
  rm -f "$RUN/pids/$name"
}

# The processes whose command line names this run's directory (containerd's shims, pod
# processes that outlived them), by pid.
run_processes() {
  local pid
  for pid in $(ls /proc | grep -E '^[0-9]+$'); do
    [ "$pid" = $$ ] && continue
    { tr '\0' ' ' < "/proc/$pid/cmdline"; } 2>/dev/null | grep -q -- "$RUN/" && echo "$pid"
  done
  return 0
}

down() {
  [ -d "$RUN" ] || return 0
  log "stopping the cluster"
  stop_process kube-proxy
  stop_process kubelet
  # Every container and sandbox still known to runc, then containerd and its shims.
  if [ -d "$RUN/runc" ]; then
    for ns in "$RUN"/runc/*/; do
      [ -d "$ns" ] || continue
      for id in $(runc --root "$ns" list -q 2>/dev/null); do
        runc --root "$ns" kill "$id" KILL 2>/dev/null || true
        runc --root "$ns" delete -f "$id" 2>/dev/null || true
      done
    done
  fi
  stop_process containerd
  for pid in $(run_processes); do kill -KILL "$pid" 2>/dev/null || true; done
  stop_process kube-scheduler
  stop_process kube-controller-manager
  stop_process kube-apiserver
  stop_process etcd
  stop_process registry
  stop_process registry-private

  # Mounts under the run directory and the fixed paths, deepest first.
  local tries
  for tries in 1 2 3; do
    local mounts
    mounts=$(awk '{print $2}' /proc/self/mounts | grep -E "^($RUN|/run/containerd|/var/lib/kubelet)/" | sort -r || true)
    [ -z "$mounts" ] && break
    for m in $mounts; do umount "$m" 2>/dev/null || umount -l "$m" 2>/dev/null || true; done
  done

  # cgroups the kubelet and runc made, deepest first.
  for ctrl in /sys/fs/cgroup/*/; do
    [ -d "$ctrl$CGROUP_ROOT" ] || continue
    find "$ctrl$CGROUP_ROOT" -depth -type d -exec rmdir {} \; 2>/dev/null || true
  done

  # The network and the host settings.
  ip link show "$BRIDGE" >/dev/null 2>&1 && ip link delete "$BRIDGE"
  for veth in $(ip -o link show type veth 2>/dev/null | awk -F': ' '{print $2}' | cut -d@ -f1); do
    ip -o link show "$veth" | grep -q "master $BRIDGE" && ip link delete "$veth" 2>/dev/null || true
  done
  iptables_clean
  if [ -f "$RUN/state" ]; then
    while read -r kind what; do
      case $kind in
        sysctl) sysctl -qw "$what" 2>/dev/null || log "could not restore $what" ;;
        created) rm -rf "$what" ;;
      esac
    done < "$RUN/state"
  fi
  # Logs of this run's pods, when /var/log/pods existed before the run.
  if [ -f "$RUN/podlogs.before" ] && [ -d /var/log/pods ]; then
    for d in /var/log/pods/*; do
      [ -e "$d" ] || continue
      grep -qxF "$(basename "$d")" "$RUN/podlogs.before" || rm -rf "$d"
    done
  fi
  rm -rf "$RUN"
  log "cluster down"
}

# Removes what kube-proxy, the kubelet and `up` added to iptables: jumps into KUBE-* chains,
# those chains, and the bridge's drop rule; then says whether anything differs from before `up`.
iptables_clean() {
  [ -x "$KBIN/kube-proxy" ] && "$KBIN/kube-proxy" --cleanup >/dev/null 2>&1 || true
  local t rule chain
  for t in filter nat mangle raw; do
    iptables -t "$t" -S >/dev/null 2>&1 || continue
    iptables -t "$t" -S | grep -E '^-A [A-Z]+ .*-j KUBE-' | grep -v '^-A KUBE-' | sed 's/^-A /-D /' |
      while read -r rule; do eval "iptables -t $t $rule" 2>/dev/null || true; done || true
    for chain in $(iptables -t "$t" -S | awk '/^-N KUBE-/{print $2}'); do iptables -t "$t" -F "$chain"; done
    for chain in $(iptables -t "$t" -S | awk '/^-N KUBE-/{print $2}'); do iptables -t "$t" -X "$chain" 2>/dev/null || true; done
  done
  while iptables -t mangle -D PREROUTING -i "$BRIDGE" ! -d "$ALLOWED_NET" -m comment --comment ipw-e2e -j DROP 2>/dev/null; do :; done
  if [ -f "$RUN/iptables.before" ]; then
    normalize() { grep -v -e '^#' -e '^:' | sed 's/ \[[0-9]*:[0-9]*\]//' | grep -v -e '^\*' -e '^COMMIT'; }
    if ! diff <(normalize < "$RUN/iptables.before") <(iptables-save | normalize) >/dev/null; then
      log "iptables rules differ from before the run:"
      diff <(normalize < "$RUN/iptables.before") <(iptables-save | normalize) >&2 || true
    fi
  fi
}

diag() {
  [ -d "$RUN/logs" ] || { echo "no cluster run in $RUN"; return 0; }
  for name in kubelet kube-apiserver containerd kube-controller-manager kube-scheduler kube-proxy; do
    echo "=== last lines of $name ($RUN/logs/$name.log)"
    tail -n "${DIAG_LINES:-25}" "$RUN/logs/$name.log" 2>/dev/null || true
  done
}

case ${1:-} in
  up) up ;;
  down) down ;;
  diag) diag ;;
  *) echo "usage: $0 up|down|diag" >&2; exit 2 ;;
esac
