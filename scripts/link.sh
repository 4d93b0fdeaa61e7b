#!/usr/bin/env bash
# Puts `bosun` on PATH, pointing at this checkout.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
ln -sfn "$here/bin/bosun" /usr/local/bin/bosun
