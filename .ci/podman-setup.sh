#!/usr/bin/env bash
# Installs and configures rootful Podman as a Docker-API-compatible engine for
# Testcontainers, then starts its API service on /run/podman/podman.sock.
#
# Idempotent and fast (< 2 s) when everything is already in place.
# Must run as root. Progress goes to stderr; stdout carries only the
# environment to export, so callers can do:  eval "$(.ci/podman-setup.sh)"
#
# Facts behind each step: /work/shared/notes/containers-on-ci.md
set -euo pipefail

SOCK_PATH=/run/podman/podman.sock
SOCK_URL="unix://${SOCK_PATH}"
DROPIN=/etc/containers/containers.conf.d/50-ci.conf
SERVICE_LOG=/var/log/moducop-podman-service.log
PACKAGES=(podman runc iptables debootstrap curl)

log() { printf '[podman-setup] %s\n' "$*" >&2; }

if [[ ${EUID} -ne 0 ]]; then
    log "must run as root"
    exit 1
fi

# --- 1. packages -------------------------------------------------------------
missing=()
for pkg in "${PACKAGES[@]}"; do
    # dpkg-query is ~10 ms per package; only a fully installed package counts.
    status=$(dpkg-query -W -f='${db:Status-Status}' "${pkg}" 2>/dev/null || true)
    [[ ${status} == installed ]] || missing+=("${pkg}")
done
if ((${#missing[@]} > 0)); then
    log "installing: ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >&2 || echo "podman-setup: apt-get update reported errors; continuing" >&2
    apt-get install -y -qq "${missing[@]}" >&2
else
    log "packages already installed"
fi

# --- 2. containers.conf drop-in ----------------------------------------------
# Root lacks CAP_SYS_RESOURCE: podman's default rlimits exceed the hard limits,
# so pin them to what this shell may actually grant. crun fails on this host's
# hybrid cgroups, hence runc + cgroupfs; the journald events logger is absent.
nofile=$(ulimit -Hn)
[[ ${nofile} == unlimited ]] && nofile=1048576
nproc=$(ulimit -Hu)
if [[ ${nproc} == unlimited ]] || ((nproc > 4096)); then
    nproc=4096
fi
desired=$(cat <<CONF
# Written by .ci/podman-setup.sh (ModuCop CI). Do not edit by hand.
[containers]
default_ulimits = [
  "nofile=${nofile}:${nofile}",
  "nproc=${nproc}:${nproc}",
]

[engine]
runtime = "runc"
cgroup_manager = "cgroupfs"
events_logger = "file"
CONF
)
dropin_changed=false
if [[ ! -f ${DROPIN} ]] || [[ "$(cat "${DROPIN}")" != "${desired}" ]]; then
    mkdir -p "$(dirname "${DROPIN}")"
    printf '%s\n' "${desired}" >"${DROPIN}.tmp"
    mv "${DROPIN}.tmp" "${DROPIN}"
    dropin_changed=true
    log "wrote ${DROPIN}"
else
    log "${DROPIN} up to date"
fi

# --- 3. API service ----------------------------------------------------------
ping_ok() {
    curl -fsS --max-time 2 --unix-socket "${SOCK_PATH}" http://d/_ping >/dev/null 2>&1
}

if ping_ok && [[ ${dropin_changed} == true ]]; then
    log "WARNING: API service was already running with an older containers.conf;" \
        "restart it (kill the 'podman system service' process) to apply ${DROPIN}"
fi

if ! ping_ok; then
    mkdir -p "$(dirname "${SOCK_PATH}")"
    # A stale socket from a dead service would make the new one fail to bind.
    rm -f "${SOCK_PATH}"
    log "starting podman API service on ${SOCK_URL} (log: ${SERVICE_LOG})"
    # Never --log-level=debug: conmon then needs syslog and containers never
    # reach "exited".
    # From /: the service outlives this checkout, and conmon fails in a deleted working directory.
    (cd / && exec setsid nohup podman system service --log-level=info --time=0 "${SOCK_URL}") \
        </dev/null >>"${SERVICE_LOG}" 2>&1 &
    disown || true
    for _ in $(seq 1 300); do
        ping_ok && break
        sleep 0.1
    done
    if ! ping_ok; then
        log "podman API service did not answer on ${SOCK_PATH} within 30 s; last log lines:"
        tail -n 20 "${SERVICE_LOG}" >&2 || true
        exit 1
    fi
fi
log "podman API answering on ${SOCK_PATH}"

# --- 4. environment for Testcontainers ---------------------------------------
printf 'export DOCKER_HOST=%s\n' "${SOCK_URL}"
printf 'export TESTCONTAINERS_RYUK_DISABLED=true\n'
