#!/usr/bin/env bash
# Builds localhost/moducop-builder:debian-12, a local stand-in for
# crops/poky:debian-12 (no image registry is reachable on CI).
#
#   .ci/builder-image.sh [CACHE_DIR]      (default /var/cache/moducop-builder)
#
# 1. base: debootstrap --variant=minbase bookworm, cached as a tarball in
#    CACHE_DIR and imported as localhost/moducop-base:bookworm-minbase;
# 2. builder: .ci/builder/Containerfile on top of it.
# Idempotent: the build is skipped when the image exists and its label
# moducop.builder.hash equals the hash of the build context (Containerfile +
# entrypoint). Needs root and podman (run .ci/podman-setup.sh first).
# Env: DEBIAN_MIRROR (default http://deb.debian.org/debian), FORCE_REBUILD=1.
set -euo pipefail

CACHE_DIR=${1:-/var/cache/moducop-builder}
MIRROR=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
SUITE=bookworm
BASE_IMAGE=localhost/moducop-base:bookworm-minbase
IMAGE=localhost/moducop-builder:debian-12
HASH_LABEL=moducop.builder.hash
SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
CONTEXT_DIR=${SCRIPT_DIR}/builder
CONTEXT_FILES=(Containerfile builder-entry.py)
BASE_TARBALL=${CACHE_DIR}/${SUITE}-minbase-rootfs.tar

log() { printf '[builder-image] %s\n' "$*" >&2; }

if [[ ${EUID} -ne 0 ]]; then
    log "must run as root"
    exit 1
fi
for tool in podman debootstrap sha256sum flock; do
    command -v "${tool}" >/dev/null || { log "missing ${tool}; run .ci/podman-setup.sh"; exit 1; }
done

mkdir -p "${CACHE_DIR}"
# Serialise concurrent runs (two CI jobs, or a test and a developer).
exec 9>"${CACHE_DIR}/.lock"
flock 9

# Hash of everything the build consumes, in a fixed order.
context_hash=$(cd "${CONTEXT_DIR}" && sha256sum "${CONTEXT_FILES[@]}" | sha256sum | cut -c1-64)

current_hash=""
if podman image exists "${IMAGE}"; then
    current_hash=$(podman image inspect --format "{{index .Labels \"${HASH_LABEL}\"}}" "${IMAGE}")
fi
if [[ ${current_hash} == "${context_hash}" && ${FORCE_REBUILD:-0} != 1 ]]; then
    log "${IMAGE} is up to date (${HASH_LABEL}=${context_hash:0:12})"
    exit 0
fi

# --- base image --------------------------------------------------------------
if ! podman image exists "${BASE_IMAGE}"; then
    if [[ ! -s ${BASE_TARBALL} ]]; then
        rootfs=$(mktemp -d "${CACHE_DIR}/rootfs.XXXXXX")
        # Leave no half-built rootfs behind, whatever happens.
        trap 'rm -rf "${rootfs}" "${BASE_TARBALL}.tmp"' EXIT
        log "debootstrap --variant=minbase ${SUITE} from ${MIRROR} (takes 35-100 s)"
        SECONDS=0
        debootstrap --variant=minbase "${SUITE}" "${rootfs}" "${MIRROR}" >&2
        # Downloaded .debs and package lists are dead weight in the image.
        rm -rf "${rootfs}"/var/cache/apt/archives/*.deb "${rootfs}"/var/lib/apt/lists/*
        tar --numeric-owner -C "${rootfs}" -cf "${BASE_TARBALL}.tmp" .
        mv "${BASE_TARBALL}.tmp" "${BASE_TARBALL}"
        rm -rf "${rootfs}"
        trap - EXIT
        log "base rootfs cached in ${BASE_TARBALL} (${SECONDS} s)"
    else
        log "using cached base rootfs ${BASE_TARBALL}"
    fi
    # Without a CMD the image trips Testcontainers' own checks.
    podman import --change 'CMD ["/bin/bash"]' "${BASE_TARBALL}" "${BASE_IMAGE}" >/dev/null
    log "imported ${BASE_IMAGE}"
fi

# --- builder image -----------------------------------------------------------
log "building ${IMAGE} (context hash ${context_hash:0:12}, was '${current_hash:0:12}')"
SECONDS=0
podman build \
    --build-arg "BASE_IMAGE=${BASE_IMAGE}" \
    --label "${HASH_LABEL}=${context_hash}" \
    --tag "${IMAGE}" \
    --file "${CONTEXT_DIR}/Containerfile" \
    "${CONTEXT_DIR}" >&2
log "built ${IMAGE} in ${SECONDS} s"
# The previous build of the tag is now dangling; drop it (ignore if in use).
podman image prune --force --filter "label=${HASH_LABEL}" >/dev/null 2>&1 || true
