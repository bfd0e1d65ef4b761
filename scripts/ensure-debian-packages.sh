#!/usr/bin/env bash
# Installs the named Debian packages when they are missing, so tests and tools that shell out to
# Debian binaries (fitsverify, fitscopy, ...) work on a fresh machine.
# Usage: scripts/ensure-debian-packages.sh <package>...
# Exit status: 0 when every package is installed afterwards; non-zero with a message otherwise.
set -euo pipefail

if [ "$#" -eq 0 ]; then
  echo "usage: $0 <debian-package>..." >&2
  exit 2
fi

missing_packages() {
  missing=()
  for pkg in "$@"; do
    # dpkg-query prints "install ok installed" only for fully installed packages.
    status="$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)"
    if [ "$status" != "install ok installed" ]; then
      missing+=("$pkg")
    fi
  done
}

missing_packages "$@"
if [ "${#missing[@]}" -eq 0 ]; then
  exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
  echo "ensure-debian-packages: missing Debian package(s): ${missing[*]}" >&2
  echo "ensure-debian-packages: not running as root; install them with:" >&2
  echo "  sudo apt-get update && sudo apt-get install -y ${missing[*]}" >&2
  exit 1
fi

if ! command -v apt-get >/dev/null 2>&1; then
  echo "ensure-debian-packages: apt-get not found; cannot install: ${missing[*]}" >&2
  exit 1
fi

# Test files run in parallel and may ask at the same time: one installs, the others wait for it
# (apt's own locks would make them fail instead of waiting), then find nothing left to do.
exec 9>/var/lock/vera-ensure-debian-packages.lock
if ! flock -w 900 9; then
  echo "ensure-debian-packages: timed out waiting for another install to finish" >&2
  exit 1
fi
missing_packages "$@"
if [ "${#missing[@]}" -eq 0 ]; then
  exit 0
fi

echo "ensure-debian-packages: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
apt_opts=(-o DPkg::Lock::Timeout=300)
apt-get "${apt_opts[@]}" update -qq
apt-get "${apt_opts[@]}" install -y -qq --no-install-recommends "${missing[@]}" >&2

missing_packages "$@"
if [ "${#missing[@]}" -ne 0 ]; then
  echo "ensure-debian-packages: still not installed after apt-get install: ${missing[*]}" >&2
  exit 1
fi
