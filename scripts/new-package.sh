#!/usr/bin/env bash
# Scaffold a library package: scripts/new-package.sh <dir-name> "<description>"
# Writes package.json, tsconfig.json, tsconfig.build.json, vitest.config.ts, src/index.ts, README.md.
set -euo pipefail
name="$1"; desc="$2"
dir="packages/$name"
mkdir -p "$dir/src"
cat > "$dir/package.json" <<JSON
{
  "name": "@rnnkit/$name",
  "version": "0.1.0",
  "description": "$desc",
  "license": "MIT",
  "type": "module",
  "sideEffects": false,
  "exports": {
    ".": {
      "types": "./dist/index.d.ts",
      "import": "./dist/index.js"
    },
    "./package.json": "./package.json"
  },
  "types": "./dist/index.d.ts",
  "files": ["dist"],
  "engines": { "node": ">=20.11" },
  "repository": { "type": "git", "url": "git+https://github.com/rnnkit/rnnkit.git", "directory": "packages/$name" },
  "scripts": {
    "build": "tsc -p tsconfig.build.json",
    "typecheck": "tsc --noEmit",
    "lint": "biome check .",
    "test": "vitest run"
  }
}
JSON
cat > "$dir/tsconfig.json" <<JSON
{
  "extends": "../../tsconfig.base.json",
  "compilerOptions": { "noEmit": true },
  "include": ["src", "test", "vitest.config.ts"]
}
JSON
cat > "$dir/tsconfig.build.json" <<JSON
{
  "extends": "../../tsconfig.base.json",
  "compilerOptions": { "rootDir": "src", "outDir": "dist", "noEmit": false },
  "include": ["src"],
  "exclude": ["src/**/*.test.ts", "src/**/test-*.ts"]
}
JSON
# the shared test settings (vitest.shared.ts at the root)
echo "export { default } from '../../vitest.shared.js';" > "$dir/vitest.config.ts"
[ -f "$dir/src/index.ts" ] || echo "export {};" > "$dir/src/index.ts"
