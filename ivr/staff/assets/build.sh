#!/usr/bin/env bash
# Rebuild the staff area's GOV.UK Frontend assets into ivr/staff/static/ (committed:
# the app and CI need no npm). Needs node and npm; run after changing staff.scss or
# the govuk-frontend version in package.json.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
static="$here/../static"
cd "$here"
npm ci --no-audit --no-fund --ignore-scripts
npx sass --no-source-map --style=compressed --load-path=node_modules staff.scss "$static/staff.css"
cp node_modules/govuk-frontend/dist/govuk/govuk-frontend.min.js "$static/govuk-frontend.min.js"
mkdir -p "$static/images"
cp node_modules/govuk-frontend/dist/govuk/assets/images/favicon.ico "$static/images/"
echo "built $(ls "$static")"
