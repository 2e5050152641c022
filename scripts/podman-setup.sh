#!/usr/bin/env bash
# Podman as the container engine of testbed's own CI (and of machines without Docker Engine):
# installs podman, runc and debootstrap, configures runc (crun needs cgroups v2 and setrlimit,
# refused on cgroups-v1 hosts) and serves the Docker Engine API on a socket, so that
# `DOCKER_HOST=unix://<socket>` works for the docker CLI and for testbed's docker provider.
# Idempotent: each step is skipped when already done. Prints the DOCKER_HOST value last.
# Usage: scripts/podman-setup.sh [socket-path]   (default /run/testbed-podman/docker.sock)
set -euo pipefail

socket="${1:-/run/testbed-podman/docker.sock}"
as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

missing=()
command -v podman >/dev/null 2>&1 || missing+=(podman)
command -v runc >/dev/null 2>&1 || missing+=(runc)
command -v debootstrap >/dev/null 2>&1 || missing+=(debootstrap)
if [ "${#missing[@]}" -gt 0 ]; then
  as_root apt-get update
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}"
fi

conf=/etc/containers/containers.conf
if ! grep -q '^runtime = "runc"' "$conf" 2>/dev/null; then
  as_root mkdir -p /etc/containers
  as_root tee -a "$conf" >/dev/null <<'CONF'
# testbed (scripts/podman-setup.sh): runc, as crun fails on cgroups v1; ulimits the host allows.
[containers]
default_ulimits = ["nofile=1024:1024", "nproc=4096:4096"]

[engine]
runtime = "runc"
CONF
fi

if ! DOCKER_HOST="unix://$socket" docker version >/dev/null 2>&1; then
  as_root mkdir -p "$(dirname "$socket")"
  as_root rm -f "$socket"
  as_root sh -c "nohup podman system service --time 0 unix://$socket >/var/log/testbed-podman-service.log 2>&1 &"
  for _ in $(seq 1 100); do
    [ -S "$socket" ] && DOCKER_HOST="unix://$socket" docker version >/dev/null 2>&1 && break
    sleep 0.1
  done
fi
DOCKER_HOST="unix://$socket" docker version --format 'engine: {{.Server.Version}} ({{.Server.Platform.Name}})' >&2
echo "unix://$socket"
