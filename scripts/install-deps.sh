#!/usr/bin/env bash
# Installs the Debian packages (and npm packages for browser tests) that ektp needs, only those
# missing. Safe to run again: a second run with everything present does nothing and takes < 1 s.
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(
  build-essential cmake ninja-build pkg-config ccache
  libboost1.81-dev libboost-json1.81-dev
  libsqlite3-dev sqlite3 libpq-dev postgresql libssl-dev libsodium-dev
  libopencv-core-dev libopencv-imgproc-dev libopencv-imgcodecs-dev libopencv-objdetect-dev opencv-data
  libqrencode-dev libzxing-dev libcairo2-dev fonts-dejavu-core libcbor-dev zlib1g-dev
  libpcsclite-dev pcscd vsmartcard-vpcd opensc pcsc-tools
  libspdlog-dev libfmt-dev libcli11-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  softhsm2 libp11-dev libp11-kit-dev libfaiss-dev
  chromium wrk hyperfine curl ca-certificates openssl
)
command -v node >/dev/null 2>&1 || packages+=(nodejs)
command -v npm >/dev/null 2>&1 || packages+=(npm)

missing=()
for p in "${packages[@]}"; do
  status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
  [[ "$status" == "install ok installed" ]] || missing+=("$p")
done

if ((${#missing[@]})); then
  echo "install-deps: installing ${#missing[@]} Debian packages: ${missing[*]}"
  sudo_cmd=()
  [[ $(id -u) -eq 0 ]] || sudo_cmd=(sudo)
  "${sudo_cmd[@]}" apt-get update -q
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

# npm packages for the browser tests (playwright-core drives Debian's /usr/bin/chromium; it never
# downloads a browser).
if [[ -f web/package.json ]]; then
  # web/vendor/ holds what the pages load from npm packages (the QR decoder of /verifikasi),
  # copied there by the package's postinstall.
  if [[ ! -d web/node_modules || ! -d web/vendor || web/package.json -nt web/node_modules ||
        web/package-lock.json -nt web/node_modules ]]; then
    echo "install-deps: npm packages for web/"
    (cd web && npm ci --no-audit --no-fund --loglevel=error) || (cd web && npm install --no-audit --no-fund --loglevel=error)
    touch web/node_modules
  fi
fi
