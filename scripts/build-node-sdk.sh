#!/usr/bin/env bash
# Build the generated Node.js SDK (sdk/nodejs) into sdk/nodejs/bin, a package programs can depend on
# ("@hwc/full-ecs-image": "file:<checkout>/sdk/nodejs/bin"), as Pulumi's own SDK builds do: tsc, then the
# package.json beside the compiled files with their entry points.
set -euo pipefail
sdk="$(cd "$(dirname "${BASH_SOURCE[0]}")/../sdk/nodejs" && pwd)"
cd "$sdk"
npm install --no-audit --no-fund --silent --no-package-lock
npx tsc -p .
node -e '
const fs = require("fs");
const pkg = JSON.parse(fs.readFileSync("package.json", "utf8"));
delete pkg.scripts; delete pkg.devDependencies;
pkg.main = "index.js"; pkg.types = "index.d.ts";
fs.writeFileSync("bin/package.json", JSON.stringify(pkg, null, 2) + "\n");
'
echo "$sdk/bin"
