#!/usr/bin/env bash
# Builds the images testbed's docker provider tests use where no image registry is reachable:
#   testbed-local/debian:bookworm   a minimal root file system made with debootstrap, imported
#   testbed-local/postgres:18       stand-in for the official postgres:18 (same interface)
#   testbed-local/redis:7           stand-in for the official redis:7
#   testbed-local/firestore-emulator  stand-in for google-cloud-cli:emulators, built only where this
#                                   machine has the Cloud Firestore emulator jar (the Google Cloud CLI's)
# Pass them as `image:` in testbed.config.ts (or TESTBED_POSTGRES_IMAGE / TESTBED_REDIS_IMAGE).
# Cached: an image is rebuilt only when its recipe (the files beside it) changed; --force rebuilds.
# Usage: scripts/build-container-images.sh [--force]   (needs podman; see scripts/podman-setup.sh)
set -euo pipefail
cd "$(dirname "$0")/container-images"

force="${1:-}"
mirror="${DEBIAN_MIRROR:-http://deb.debian.org/debian}"
as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

recipe_hash() { cat "$@" | sha256sum | cut -c1-16; }
built_from() { podman image inspect --format '{{ index .Labels "testbed.recipe" }}' "$1" 2>/dev/null || true; }
fresh() { [ "$force" != --force ] && [ "$(built_from "$1")" = "$2" ]; }

build_base() {
  local image=testbed-local/debian:bookworm hash
  hash="$(echo "bookworm minbase $mirror" | sha256sum | cut -c1-16)"
  if fresh "$image" "$hash"; then echo "$image: up to date"; return; fi
  local root
  root="$(mktemp -d)"
  as_root debootstrap --variant=minbase bookworm "$root" "$mirror" >/dev/null
  as_root tar -C "$root" -c . | podman import --quiet --change "LABEL testbed.recipe=$hash" \
    --change 'CMD ["/bin/bash"]' - "$image" >/dev/null
  as_root rm -rf "$root"
  echo "$image: built"
}

build_image() {
  local image="$1" containerfile="$2" hash
  shift 2
  hash="$(recipe_hash "$containerfile" "$@")-$(built_from testbed-local/debian:bookworm)"
  if fresh "$image" "$hash"; then echo "$image: up to date"; return; fi
  podman build --network host --label "testbed.recipe=$hash" -f "$containerfile" -t "$image" . >/dev/null
  echo "$image: built"
}

# The emulator is not in Debian's archive: the image takes the jar of this machine's Google Cloud CLI.
build_firestore() {
  local jar="${FIRESTORE_EMULATOR_JAR:-/usr/lib/google-cloud-sdk/platform/cloud-firestore-emulator/cloud-firestore-emulator.jar}"
  if [ ! -f "$jar" ]; then
    echo "testbed-local/firestore-emulator: skipped (no Cloud Firestore emulator jar at $jar)"
    return
  fi
  cp "$jar" cloud-firestore-emulator.jar
  trap 'rm -f cloud-firestore-emulator.jar' RETURN
  build_image testbed-local/firestore-emulator firestore.Containerfile firestore-gcloud.sh cloud-firestore-emulator.jar
}

build_base
build_image testbed-local/postgres:18 postgres.Containerfile postgres-entrypoint.sh
build_image testbed-local/redis:7 redis.Containerfile
build_firestore
