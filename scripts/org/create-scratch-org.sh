#!/usr/bin/env bash
# Creates a scratch org with the leakwatch namespace, deploys force-app and assigns Leakwatch Admin to the
# default user. Needs a Dev Hub that owns the namespace: sf org login web --set-default-dev-hub --alias leakwatch-hub
set -euo pipefail
cd "$(dirname "$0")/../.."
alias="${1:-leakwatch-dev}"
export SF_DISABLE_TELEMETRY=true SF_AUTOUPDATE_DISABLE=true SF_SKIP_NEW_VERSION_CHECK=true

npx sf org create scratch --definition-file config/project-scratch-def.json --alias "$alias" --set-default --duration-days 7 --wait 15
npx sf project deploy start --source-dir force-app --target-org "$alias" --wait 30
npx sf org assign permset --name LeakwatchAdmin --target-org "$alias"
echo "Scratch org $alias is ready: npx sf org open --target-org $alias"
