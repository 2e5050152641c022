#!/bin/sh
# `gcloud emulators firestore start --host-port=HOST:PORT [--flag=value …]`, as the Cloud CLI image runs
# it: the emulator jar with java, in the foreground (exec: signals reach the JVM).
set -eu
if [ "${1:-} ${2:-} ${3:-}" != "emulators firestore start" ]; then
  echo "this image's gcloud only runs: gcloud emulators firestore start --host-port=HOST:PORT" >&2
  exit 2
fi
shift 3
host=0.0.0.0
port=8080
# The loop walks the arguments as given while "$@" is rebuilt without --host-port.
for arg do
  shift
  case "$arg" in
    --host-port=*) hostport="${arg#--host-port=}"; host="${hostport%:*}"; port="${hostport##*:}" ;;
    *) set -- "$@" "$arg" ;;
  esac
done
exec java -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -cp /opt/cloud-firestore-emulator/cloud-firestore-emulator.jar \
  com.google.cloud.datastore.emulator.firestore.CloudFirestore start --host="$host" --port="$port" "$@"
