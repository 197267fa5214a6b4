#!/usr/bin/env bash
# Formats the whole tree once and applies ESLint's fixes: Prettier (.prettierrc.json) over every
# TypeScript and JavaScript file, then `eslint --fix` (fixable rules only), then Prettier again so the
# result is Prettier's. Meant to run once, after the branches open at the time are merged (running it
# on a branch rewrites most files and conflicts with everyone's work). Prints what lint still finds;
# exits non-zero while errors remain for hand fixing.
set -uo pipefail
cd "$(dirname "$0")/.."

files='**/*.{ts,js,mjs,cjs}'
npx prettier --write --log-level warn "$files" || exit 1
npx eslint --fix . >/dev/null
npx prettier --write --log-level warn "$files" || exit 1
echo "Formatted. What lint still finds:"
npx eslint .
