#!/bin/bash
# make-oci.sh BUSYBOX_STATIC_DEB OUT.tar REF [PAGE]
# boot-test --system's container image, made without a registry or a container engine: an OCI
# image archive (podman load -i) holding one layer FROM scratch: arm64 busybox-static, the applet
# links the containers scenario uses and /www/index.html (PAGE, so that versions of an
# application differ). Reproducible (fixed owners and times).
set -eu
deb=$1 out=$2 ref=$3 page=${4:-hello from the web service}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/x" "$tmp/rootfs/bin" "$tmp/rootfs/www" "$tmp/layout/blobs/sha256"
dpkg-deb -x "$deb" "$tmp/x"
cp "$tmp/x/bin/busybox" "$tmp/rootfs/bin/busybox"
for a in sh wget httpd sleep echo cat nslookup hostname; do
    ln -s busybox "$tmp/rootfs/bin/$a"
done
echo "$page" > "$tmp/rootfs/www/index.html"
tar --sort=name --owner=0 --group=0 --numeric-owner --mtime=@0 -C "$tmp/rootfs" -cf "$tmp/layer.tar" bin www
diff_id=$(sha256sum "$tmp/layer.tar" | cut -d' ' -f1)
gzip -9n < "$tmp/layer.tar" > "$tmp/layer.tar.gz"
blob() { # blob FILE: moves FILE into the layout, prints "digest size"
    local d s
    d=$(sha256sum "$1" | cut -d' ' -f1)
    s=$(stat -c %s "$1")
    mv "$1" "$tmp/layout/blobs/sha256/$d"
    echo "$d $s"
}
read -r layer_d layer_s <<< "$(blob "$tmp/layer.tar.gz")"
printf '{"architecture":"arm64","os":"linux","config":{"Env":["PATH=/bin"],"Cmd":["/bin/sh"]},"rootfs":{"type":"layers","diff_ids":["sha256:%s"]}}' \
    "$diff_id" > "$tmp/config.json"
read -r config_d config_s <<< "$(blob "$tmp/config.json")"
printf '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"sha256:%s","size":%s},"layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar+gzip","digest":"sha256:%s","size":%s}]}' \
    "$config_d" "$config_s" "$layer_d" "$layer_s" > "$tmp/manifest.json"
read -r manifest_d manifest_s <<< "$(blob "$tmp/manifest.json")"
printf '{"schemaVersion":2,"manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:%s","size":%s,"annotations":{"org.opencontainers.image.ref.name":"%s"}}]}' \
    "$manifest_d" "$manifest_s" "$ref" > "$tmp/layout/index.json"
printf '{"imageLayoutVersion":"1.0.0"}' > "$tmp/layout/oci-layout"
tar --sort=name --owner=0 --group=0 --numeric-owner --mtime=@0 -C "$tmp/layout" -cf "$out" oci-layout index.json blobs
