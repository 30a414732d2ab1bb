#!/usr/bin/env bash
# Makes a build of the staff SPA (dist/web) ready for one environment, after the build and before
# the upload, so the same build runs everywhere (docs/deploy.md):
#   - config.json: the API base URL and the staff product's APIM subscription key, read by the app at start;
#   - staticwebapp.config.json: the CSP's connect-src opened to the API's origin, and, given the uploads
#     storage account's blob endpoint, connect-src (the owner's upload PUT) and img-src (the pictures on
#     the host stand and the join page) opened to that origin too; nothing else.
# Usage: scripts/write-web-config.sh <dist/web> <api base URL> [subscription key] [uploads blob endpoint]
set -euo pipefail
dir="${1:?usage: write-web-config.sh <dist/web> <api base URL> [subscription key]}"
api="${2:?the API base URL, e.g. https://apim-waitlist.azure-api.net/api}"
key="${3:-}"
blob="${4:-}"

case "$api" in
  https://*) ;;
  *) echo "write-web-config.sh: the API base URL must be https:// (got $api)" >&2; exit 1 ;;
esac
origin=$(printf '%s' "$api" | sed -E 's#^(https://[^/]+).*#\1#')
blob_origin=""
if [ -n "$blob" ]; then
  case "$blob" in
    https://*) blob_origin=$(printf '%s' "$blob" | sed -E 's#^(https://[^/]+).*#\1#') ;;
    *) echo "write-web-config.sh: the uploads blob endpoint must be https:// (got $blob)" >&2; exit 1 ;;
  esac
fi
swa="$dir/staticwebapp.config.json"
[ -f "$swa" ] || { echo "write-web-config.sh: $swa is missing; run npm run build first" >&2; exit 1; }

jq -n --arg api "${api%/}" --arg key "$key" \
  'if $key == "" then { apiBaseUrl: $api } else { apiBaseUrl: $api, subscriptionKey: $key } end' > "$dir/config.json"

tmp=$(mktemp)
jq --arg origin "$origin" --arg blob "$blob_origin" '
  def also($extra): if $extra == "" then "" else " " + $extra end;
  .globalHeaders["Content-Security-Policy"] |= (
    split("; ") | map(
      if startswith("connect-src ") then "connect-src '"'"'self'"'"' " + $origin + also($blob)
      elif startswith("img-src ") then . + also($blob)
      else . end
    ) | join("; ")
  )' "$swa" > "$tmp"
mv "$tmp" "$swa"
echo "config.json and the CSP now point at $origin${blob_origin:+ (pictures: $blob_origin)}"
