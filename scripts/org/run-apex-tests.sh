#!/usr/bin/env bash
# Runs every Apex test of the package in a scratch org with code coverage and fails below 90 % org-wide coverage.
set -euo pipefail
cd "$(dirname "$0")/../.."
alias="${1:-leakwatch-dev}"
out=".test-results/apex"
export SF_DISABLE_TELEMETRY=true SF_AUTOUPDATE_DISABLE=true SF_SKIP_NEW_VERSION_CHECK=true
mkdir -p "$out"

npx sf apex run test --target-org "$alias" --test-level RunLocalTests --code-coverage --result-format human \
  --output-dir "$out" --wait 30
node -e '
  const fs = require("node:fs");
  const dir = process.argv[1];
  const file = fs.readdirSync(dir).find((name) => /^test-result-.*\.json$/.test(name) && !name.includes("codecoverage"));
  const summary = JSON.parse(fs.readFileSync(`${dir}/${file}`, "utf8")).summary;
  const coverage = Number.parseFloat(String(summary.orgWideCoverage ?? summary.testRunCoverage ?? "0"));
  console.log(`outcome ${summary.outcome}, org-wide coverage ${coverage}%`);
  process.exit(summary.outcome === "Passed" && coverage >= 90 ? 0 : 1);
' "$out"
