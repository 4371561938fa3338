#!/usr/bin/env bash
# The packed-install test: packs the tarballs (node scripts/pack.mjs), installs them with plain npm
# in empty folders outside the repository, and walks both paths a user takes there:
#   author  jobforge init . --yes · create · validate --strict · test · keys generate ·
#           registry build · registry serve · enqueue + worker --drain on the embedded database ·
#           tsc --noEmit --strict of a consumer file importing @jobforge/sdk
#   host    @jobforge/sdk + @jobforge/runtime + @jobforge/registry only: a plain .mjs script
#           resolves acme over HTTP with @jobforge/registry/client, runs it, verifies the evidence
# and the bad input a user meets (init into a non-empty folder, create of an existing id, an entry
# importing a package nobody installed, an older Node.js). Prints the host's node_modules size. The
# last line is "packed-install: passed (Node vX)" or "packed-install: FAILED (Node vX): <step>".
set -uo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/jobforge-packed-XXXXXX")
node_version=$(node --version)
server_pid=""
step="start"

finish() {
  local status=$?
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null
  rm -rf "$work"
  if [ "$status" -eq 0 ]; then echo "packed-install: passed (Node $node_version)"
  else echo "packed-install: FAILED (Node $node_version): $step"; fi
  exit "$status"
}
trap finish EXIT
set -e
run() { step="$*"; echo "\$ $*"; "$@"; }
expect_fail() { # $1 = exit code, $2 = text the output must contain, rest = command
  local want=$1 text=$2; shift 2
  step="$* (must fail with $want)"; echo "\$ $*   # must fail"
  local out code=0
  out=$("$@" 2>&1) || code=$?
  echo "$out" | sed 's/^/  /'
  [ "$code" -eq "$want" ] || { echo "exit $code, expected $want"; return 1; }
  grep -qF -- "$text" <<<"$out" || { echo "output lacks: $text"; return 1; }
}
export npm_config_audit=false npm_config_fund=false npm_config_update_notifier=false

run node "$root/scripts/pack.mjs" --out "$work/packs"
tgz() { ls "$work"/packs/jobforge-"$1"-*.tgz; }
all=("$(tgz sdk)" "$(tgz registry)" "$(tgz runtime)" "$(tgz queue)" "$(tgz toolkit)" "$(tgz governance)" "$(tgz server)" "$(tgz cli)")

# ── Author: the CLI from the tarballs, in a connectors repository made by `jobforge init`. ──
mkdir -p "$work/tools" "$work/author"
run npm install --silent --prefix "$work/tools" "${all[@]}"
cd "$work/author"
run "$work/tools/node_modules/.bin/jobforge" init . --yes
run npm install --silent "${all[@]}"
jf() { run npx --no-install jobforge "$@"; }
jf --version
jf create acme --yes
jf validate connectors/acme --strict
jf test connectors/acme
jf keys generate --out keys
jf registry build --key keys/private.pem --out registry-index

expect_fail 2 INIT_NOT_EMPTY npx --no-install jobforge init . --yes
expect_fail 2 CONNECTOR_EXISTS npx --no-install jobforge create acme --yes
jf create needs-pkg --yes
sed -i "1i import leftPad from 'left-pad-never-installed';\nvoid leftPad;" connectors/needs-pkg/src/index.ts
expect_fail 2 'npm install left-pad-never-installed' npx --no-install jobforge test connectors/needs-pkg
rm -rf connectors/needs-pkg
# The engines check of the installed bin, with process.versions.node reporting 20.18.3 (a preload:
# no other Node is downloaded here); cli/test/engines.test.ts says what this covers.
expect_fail 2 '[NODE_UNSUPPORTED]' node --import "$root/cli/test/fixtures/older-node.mjs" \
  node_modules/.bin/jobforge validate connectors/acme

# A consumer TypeScript file, checked against the packed declarations.
cat > consumer.ts <<'TS'
import { defineConnector, verifyRunResult } from '@jobforge/sdk';

export const hello = defineConnector<{ name: string }, { greeting: string }>(async ({ input }) => ({
  ok: true,
  data: { greeting: `hello ${input.payload.name}` },
}));
export const checked: boolean = verifyRunResult({}, []).ok;
TS
run npx --no-install tsc --noEmit --strict --module nodenext --moduleResolution nodenext \
  --target es2022 --types node --skipLibCheck false consumer.ts

# The queue on the embedded database: a connector job, run to its end by a draining worker (the
# scaffold's connector needs a base_url the job does not give, so it ends dead: processed either way).
jf enqueue connector.run --payload '{"connector":"acme","input":{"message":"hi"}}' --key packed-1
jf worker --drain --connectors connectors --key keys/private.pem
step="jobs list shows the job finished"
npx --no-install jobforge jobs list --json | node -e '
  const value = JSON.parse(require("fs").readFileSync(0, "utf8"));
  const jobs = Array.isArray(value) ? value : (value.jobs ?? []);
  const done = jobs.filter((j) => ["succeeded", "failed", "dead"].includes(j.status));
  console.log(`jobs: ${jobs.map((j) => j.status).join(", ")}`);
  process.exit(jobs.length > 0 && done.length === jobs.length ? 0 : 1);'

# Serve the registry over HTTP on a free port; the URL is the first line printed.
step="registry serve"
npx --no-install jobforge registry serve --dir registry-index --port 0 >"$work/serve.log" 2>&1 &
server_pid=$!
for _ in $(seq 1 100); do grep -qo 'http://127.0.0.1:[0-9]*/' "$work/serve.log" && break; sleep 0.1; done
url=$(grep -o 'http://127.0.0.1:[0-9]*/' "$work/serve.log" | head -1)
[ -n "$url" ] || { cat "$work/serve.log"; false; }
echo "registry served at $url"

# ── Host: only sdk, runtime and registry; plain JavaScript. ──
mkdir -p "$work/host" && cd "$work/host"
echo '{ "name": "host", "private": true, "type": "module" }' >package.json
run npm install --silent "$(tgz sdk)" "$(tgz runtime)" "$(tgz registry)"
for heavy in ajv handlebars fast-glob es-module-lexer @jobforge/toolkit; do
  step="the host installs no $heavy"
  [ ! -e "node_modules/$heavy" ] || { echo "node_modules/$heavy is installed"; false; }
done
size_kb=$(du -sk node_modules | cut -f1)
echo "lean host node_modules: $((size_kb / 1024)) MB (${size_kb} KB; goal <= 40 MB)"
step="host node_modules <= 40 MB"
[ "$size_kb" -le $((40 * 1024)) ]
cat > host.mjs <<'JS'
import { readFileSync } from 'node:fs';
import { createRegistryClient } from '@jobforge/registry/client';
import { createRuntime } from '@jobforge/runtime';
import { generateSigningKeyPair, verifyRunResult } from '@jobforge/sdk';

const [registry, trustedKey] = process.argv.slice(2);
const client = createRegistryClient({ registry, trustedKeys: [readFileSync(trustedKey, 'utf8')] });
const host = generateSigningKeyPair();
const runtime = await createRuntime({ signingKey: host.privateKeyPem });
try {
  const ref = await client.fetchConnector('acme@^0.1');
  const result = await runtime.run(ref, { payload: { message: 'hi' } }, { tenant_id: 'host-test' });
  const checked = verifyRunResult(result, [host.publicKeyPem]);
  if (!checked.ok) throw new Error(`evidence did not verify: ${checked.reason} ${checked.message}`);
  const { connector, status } = checked.statement.predicate;
  console.log(`ran ${connector.id}@${connector.version} (${status}); evidence verified`);
} finally {
  await runtime.close();
}
JS
run node host.mjs "$url" "$work/author/keys/public.pem"
step="done"
