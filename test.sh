#!/usr/bin/env bash
# Runs the whole test suite (unit + integration on a real Kafka broker and PostgreSQL that the
# tests start themselves). Extra arguments go to Maven, e.g. ./test.sh -Dwebmon.long=true
set -euo pipefail
cd "$(dirname "$0")"
source ./bin/find-jdk.sh
exec ./mvnw -B -ntp verify "$@"
