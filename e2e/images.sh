#!/usr/bin/env bash
# Makes the images the end-to-end cluster runs, without internet, from Debian packages, as OCI
# layouts cached outside the checkout (built once; delete the directory to rebuild):
#
#   ${E2E_CACHE:-~/.cache/image-pull-webhook/e2e}/images/<name>  (OCI layout, tag "e2e")
#
#   pause    the pod sandbox: busybox-static's sh waiting until it is signalled
#   busybox  busybox-static with its applets, for test pods
#   jre17    Debian's openjdk-17-jre-headless and the libraries it links, with the user 65532
#            ("nonroot") of the distroless base: the base Jib builds the webhook's image on
#
# Needs umoci and busybox-static (e2e/install-deps.sh).
set -euo pipefail

CACHE=${E2E_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/image-pull-webhook/e2e}
IMAGES=$CACHE/images
mkdir -p "$IMAGES"
tmp=$(mktemp -d /tmp/ipw-e2e-images.XXXXXX)
trap 'rm -rf "$tmp"' EXIT

# A layout from a root filesystem directory, with the image config given as umoci options.
make_image() {
  local name=$1 rootfs=$2; shift 2
  local layout=$tmp/$name-layout
  umoci init --layout "$layout"
  umoci new --image "$layout:e2e"
  umoci unpack --image "$layout:e2e" "$tmp/$name-bundle" >/dev/null
  cp -a "$rootfs"/. "$tmp/$name-bundle/rootfs/"
  umoci repack --image "$layout:e2e" "$tmp/$name-bundle"
  umoci config --image "$layout:e2e" --os linux --architecture amd64 \
    --config.env PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin "$@"
  umoci gc --layout "$layout"
  rm -rf "$IMAGES/$name"
  mv "$layout" "$IMAGES/$name"
  echo "image $name: $(du -sh "$IMAGES/$name" | cut -f1) in $IMAGES/$name"
}

busybox_rootfs() {
  local root=$1
  mkdir -p "$root/bin" "$root/tmp" "$root/etc"
  cp /bin/busybox "$root/bin/busybox"
  for applet in $(/bin/busybox --list); do
    [ "$applet" = busybox ] || ln -sf busybox "$root/bin/$applet"
  done
  chmod 1777 "$root/tmp"
  printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n' > "$root/etc/passwd"
  printf 'root:x:0:\nnobody:x:65534:\n' > "$root/etc/group"
}

if [ ! -f "$IMAGES/pause/index.json" ]; then
  root=$tmp/pause-root
  mkdir -p "$root/bin"
  cp /bin/busybox "$root/bin/busybox"
  # PID 1 ignores signals it has no handler for: trap them, and wait for a sleep that never ends.
  make_image pause "$root" --config.user 65535:65535 \
    --config.entrypoint /bin/busybox --config.entrypoint sh --config.entrypoint -c \
    --config.entrypoint "trap 'exit 0' TERM INT; sleep 2147483647 & wait"
fi

if [ ! -f "$IMAGES/busybox/index.json" ]; then
  busybox_rootfs "$tmp/busybox-root"
  make_image busybox "$tmp/busybox-root" --config.cmd sh
fi

if [ ! -f "$IMAGES/jre17/index.json" ]; then
  root=$tmp/jre-root
  jvm=$(readlink -f /usr/lib/jvm/java-17-openjdk-amd64)
  [ -x "$jvm/bin/java" ] || { echo "openjdk-17-jre-headless is missing" >&2; exit 1; }
  # The JRE as Debian installed it (with its CDS archive), the /etc files its symlinks point to,
  # and every shared library its programs and libraries load.
  mkdir -p "$root/usr/lib/jvm" "$root/usr/lib64" "$root/etc/ssl/certs/java" "$root/usr/bin" "$root/usr/sbin" \
    "$root/tmp" "$root/home/nonroot"
  # Debian 12 merges /usr: /lib, /lib64, /bin and /sbin are links into it, as in the image.
  for d in lib lib64 bin sbin; do ln -s "usr/$d" "$root/$d"; done
  cp -a "$jvm" "$root/usr/lib/jvm/"
  ln -s "$(basename "$jvm")" "$root/usr/lib/jvm/java-17-openjdk-amd64" 2>/dev/null || true
  cp -a /etc/java-17-openjdk "$root/etc/"
  [ -f /etc/ssl/certs/java/cacerts ] && cp -L /etc/ssl/certs/java/cacerts "$root/etc/ssl/certs/java/cacerts"
  ln -s /usr/lib/jvm/java-17-openjdk-amd64/bin/java "$root/usr/bin/java"
  libs=$(find "$jvm" -type f \( -name '*.so' -o -perm -u+x \) -exec ldd {} \; 2>/dev/null \
           | awk '/=> \//{print $3} /^\t\/lib64/{print $1}' | sort -u)
  for lib in $libs /lib64/ld-linux-x86-64.so.2; do
    for p in "$lib" "$(readlink -f "$lib")"; do
      mkdir -p "$root$(dirname "$p")"
      cp -a "$p" "$root$p"
    done
  done
  chmod 1777 "$root/tmp"
  printf 'root:x:0:0:root:/root:/sbin/nologin\nnobody:x:65534:65534:nobody:/nonexistent:/sbin/nologin\nnonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin\n' > "$root/etc/passwd"
  printf 'root:x:0:\nnobody:x:65534:\nnonroot:x:65532:\n' > "$root/etc/group"
  chown 65532:65532 "$root/home/nonroot"
  make_image jre17 "$root" --config.user 65532:65532 \
    --config.env JAVA_HOME=/usr/lib/jvm/java-17-openjdk-amd64 --config.workingdir /home/nonroot
fi
