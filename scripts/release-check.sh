#!/usr/bin/env bash
# `pnpm release`: builds, checks and packs every published package in one command, and proves the
# tarballs work where an adopter installs them. CI runs it too (.ci/run).
#   1. pnpm pack each package (its prepack script builds it with tsup first) into .artifacts/release
#   2. publint --strict and attw (ESM-only profile: see docs/support.md) on every tarball
#   3. scripts/consumer-smoke/run.sh: the tarballs installed into fresh ESM and CommonJS projects
set -euo pipefail
cd "$(dirname "$0")/.."
out=.artifacts/release
rm -rf "$out"
mkdir -p "$out"

echo "+ pnpm pack (build + pack) every package into $out"
pnpm -r --filter './packages/*' pack --pack-destination "$PWD/$out" >"$out/pack.log" 2>&1 || {
  cat "$out/pack.log"
  exit 1
}

for tarball in "$out"/*.tgz; do
  echo "+ publint --strict + attw $(basename "$tarball")"
  pnpm exec publint --strict "$tarball" >"$out/publint.log" 2>&1 || { cat "$out/publint.log"; exit 1; }
  # publint exits 0 on warnings; --strict turns them into errors, but check the text as well.
  if grep -qiE '^(error|warning)|errors?:|warnings?:' "$out/publint.log"; then cat "$out/publint.log"; exit 1; fi
  pnpm exec attw "$tarball" --profile esm-only --format ascii >"$out/attw.log" 2>&1 || { cat "$out/attw.log"; exit 1; }
done

bash scripts/consumer-smoke/run.sh "$out"
echo "release check: ok — tarballs in $out"
