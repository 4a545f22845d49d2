#!/usr/bin/env bash
# Measures the standalone cold start: from launching `webmon standalone --demo` on an empty data
# directory to the first check result readable through the API. Prints one JSON line.
# Usage: bin/measure-cold-start.sh [runs]   (uses target/webmon.jar; build it first with ./mvnw -q package -DskipTests)
set -euo pipefail
cd "$(dirname "$0")/.."
source ./bin/find-jdk.sh
runs=${1:-1}
port=18080
jar=target/webmon.jar
[ -f "$jar" ] || { echo "no $jar: run ./mvnw -q package -DskipTests first" >&2; exit 1; }
for run in $(seq 1 "$runs"); do
  dir=$(mktemp -d /tmp/webmon-cold.XXXXXX)
  out="$dir.out"
  start=$(date +%s.%N)
  java -jar "$jar" standalone --demo --data-dir "$dir" --web-port "$port" >"$out" 2>&1 &
  pid=$!
  token=""
  first=""
  for _ in $(seq 1 1200); do   # at most 120 s
    if [ -z "$token" ]; then
      token=$(grep -o "Bearer [0-9a-f]*" "$out" | head -1 | cut -d' ' -f2 || true)
    fi
    if [ -n "$token" ] && curl -fsS -H "Authorization: Bearer $token" \
        "http://127.0.0.1:$port/api/v1/targets/demo-healthy/results?limit=1" 2>/dev/null | grep -q '"startedAt"'; then
      first=$(date +%s.%N)
      break
    fi
    kill -0 "$pid" 2>/dev/null || { echo "standalone exited:" >&2; cat "$out" >&2; exit 1; }
    sleep 0.1
  done
  kill -TERM "$pid"; wait "$pid" || true
  [ -n "$first" ] || { echo "no result within 120 s" >&2; cat "$out" >&2; exit 1; }
  ready=$(grep -o '^\[ *[0-9.]*s\] web listening' "$out" | grep -o '[0-9.]*' | head -1)
  stores=$(grep -o '^\[ *[0-9.]*s\] PostgreSQL' "$out" | grep -o '[0-9.]*' | head -1)
  broker=$(grep -o '^\[ *[0-9.]*s\] Kafka broker ready' "$out" | grep -o '[0-9.]*' | head -1)
  printf '{"bench":"cold-start","run":%d,"postgresReadySeconds":%s,"brokerReadySeconds":%s,"webListeningSeconds":%s,"firstStoredResultSeconds":%.1f,"loadAverage":"%s"}\n' \
    "$run" "${stores:-null}" "${broker:-null}" "${ready:-null}" "$(echo "$first - $start" | bc)" "$(cut -d' ' -f1-3 /proc/loadavg)"
  rm -rf "$dir" "$out"
done
