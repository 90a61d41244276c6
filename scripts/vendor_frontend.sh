#!/usr/bin/env bash
# Rebuild static/vendor from npm. Needs Node and npm; the result is committed so that
# `make run` needs neither.
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cd "$work"
npm init -y >/dev/null
npm install --no-audit --no-fund govuk-frontend@6.6.0 htmx.org@2.0.11 axe-core@4.14.1 sass >/dev/null
cat > pv.scss <<'SCSS'
// PlaceVoice is not a GOV.UK service: GOV.UK Transport is reserved for GOV.UK, so use Arial.
$govuk-font-family: arial, sans-serif;
$govuk-include-default-font-face: false;
$govuk-assets-path: "/static/vendor/govuk/assets/";
@import "node_modules/govuk-frontend/dist/govuk/index";
SCSS
npx sass --style=compressed --no-source-map --quiet-deps --silence-deprecation=import pv.scss pv.css
dest="$here/static/vendor"
mkdir -p "$dest/govuk/assets"
cp pv.css "$dest/govuk/govuk-frontend.min.css"
cp node_modules/govuk-frontend/dist/govuk/govuk-frontend.min.js "$dest/govuk/"
cp -r node_modules/govuk-frontend/dist/govuk/assets/images "$dest/govuk/assets/"
cp node_modules/htmx.org/dist/htmx.min.js "$dest/htmx.min.js"
cp node_modules/axe-core/axe.min.js "$here/tests/browser/axe.min.js"
echo "vendored into $dest"
