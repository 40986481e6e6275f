#!/usr/bin/env bash
# usage: sign.sh KEY_HEX SALT_HEX PATH   → prints /<signature>PATH
set -euo pipefail
key=$1 salt=$2 path=$3
signature=$(
  { printf '%b' "$(sed 's/../\\x&/g' <<< "$salt")"; printf '%s' "$path"; } |
    openssl dgst -sha256 -mac HMAC -macopt "hexkey:$key" -binary |
    base64 -w0 | tr '+/' '-_' | tr -d '='
)
printf '/%s%s\n' "$signature" "$path"
