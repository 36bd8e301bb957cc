#!/usr/bin/env bash
# Installs the system packages contractgen needs, when run as root; otherwise prints the exact command.
#   scripts/setup-system.sh runtime   pango + harfbuzz subsetter (fast PDF font subsetting) + Chinese fonts
#   scripts/setup-system.sh test      runtime + poppler-utils (pdftotext, pdffonts) + LibreOffice (headless)
#                                     + PostgreSQL (the register tests start a throwaway cluster) + Chromium (browser tests)
set -euo pipefail
level=${1:-runtime}
packages=(libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b libharfbuzz-subset0 fontconfig fonts-noto-cjk fonts-dejavu-core)
if [[ $level == test ]]; then
  packages+=(poppler-utils libreoffice-writer-nogui postgresql chromium)
fi
if ! python3 -c 'import ensurepip, venv' >/dev/null 2>&1; then
  packages+=(python3-venv)
fi
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
((${#missing[@]} == 0)) && exit 0
cmd="apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends ${missing[*]}"
if [[ $(id -u) == 0 ]]; then
  echo "installing system packages: ${missing[*]}"
  apt-get update -q >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null
else
  echo "contractgen needs these system packages: ${missing[*]}" >&2
  echo "run as root:  sudo sh -c '$cmd'" >&2
  exit 1
fi
