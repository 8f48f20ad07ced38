#!/usr/bin/env bash
# Regenerates mesh/protocol/messages.{js,d.ts} from messages.proto: protons emits TypeScript with
# namespaces (not erasable, so Node cannot strip it); tsc turns that into committed JS + declarations.
set -euo pipefail
cd "$(dirname "$0")/.."
tmp=$(mktemp -d -p mesh/protocol .gen-XXXX)
trap 'rm -rf "$tmp"' EXIT
cp mesh/protocol/messages.proto "$tmp/"
node_modules/.bin/protons "$tmp/messages.proto"
node_modules/.bin/tsc "$tmp/messages.ts" --declaration --target ES2022 --module NodeNext --moduleResolution NodeNext \
  --skipLibCheck --outDir mesh/protocol
sed -i "s/Uint8Array<ArrayBuffer>/Uint8Array/g" mesh/protocol/messages.d.ts
echo "generated mesh/protocol/messages.js and messages.d.ts"
