#!/usr/bin/env bash
# Installs the PostgreSQL server binaries when neither PATH nor
# /usr/lib/postgresql/*/bin has them; the tests and `rapport dev` start their
# own cluster from them.
set -euo pipefail
if command -v initdb >/dev/null 2>&1 || ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
  exit 0
fi
echo "installing PostgreSQL server binaries (apt-get)" >&2
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
$sudo apt-get update
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y --no-install-recommends postgresql
