#!/usr/bin/env bash
# Validates docker-compose.yml against the Compose schema without a Docker engine (`config -q` only
# reads and checks the file): with the Compose v2 plugin (`docker compose`) when there is one, else
# with Debian's docker-compose (v1.29, which knows depends_on conditions, profiles and init).
#
#   infra/validate-compose.sh [FILE]     validate (default: the repository's docker-compose.yml)
#   infra/validate-compose.sh --which    print the validator it would use; exit 1 when there is none
#
# Without a validator: exits 0 with "skipped" on a developer's machine, 1 under CI=true.
# Install one: apt-get install -y --no-install-recommends docker-compose
# (without --no-install-recommends apt also pulls in the docker.io engine).
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

validator=()
if docker compose version >/dev/null 2>&1; then
  validator=(docker compose)
elif command -v docker-compose >/dev/null 2>&1 && docker-compose version >/dev/null 2>&1; then
  validator=(docker-compose)
fi

if [[ ${1:-} == --which ]]; then
  ((${#validator[@]})) || exit 1
  echo "${validator[*]}"
  exit 0
fi

file=${1:-$repo/docker-compose.yml}

if ((${#validator[@]} == 0)); then
  hint='apt-get install -y --no-install-recommends docker-compose'
  if [[ ${CI:-} == true ]]; then
    echo "validate-compose: no Compose validator (neither 'docker compose' nor 'docker-compose'); install one: $hint" >&2
    exit 1
  fi
  echo "validate-compose: skipped: no validator ('docker compose' or 'docker-compose'; $hint)" >&2
  exit 0
fi

# --profile test: the tester service is checked too. Defaults of ${VAR:-x} apply when VAR is unset.
"${validator[@]}" -f "$file" --profile test config -q
echo "validate-compose: $file is valid (${validator[*]})"
