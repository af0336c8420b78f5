#!/usr/bin/env bash
# Makes sure Debian's Chromium is installed for the browser runtime test
# (test/runtimes/browser.test.ts). Never downloads a browser of its own: it is the distro
# package or nothing.
#   - already installed (at $CHROMIUM or /usr/bin/chromium): prints its version, exits 0;
#   - missing and running as root with apt-get (a clean CI clone): apt-get install chromium;
#   - missing otherwise: says how to install it and exits 1.
set -euo pipefail

CHROMIUM="${CHROMIUM:-/usr/bin/chromium}"

version() { "$CHROMIUM" --version 2>/dev/null | head -n 1; }

if [ -x "$CHROMIUM" ] && v="$(version)" && [ -n "$v" ]; then
  echo "chromium: $v ($CHROMIUM)"
  exit 0
fi

if [ "$CHROMIUM" != /usr/bin/chromium ]; then
  echo "ensure-chromium: CHROMIUM=$CHROMIUM is not a working Chromium; fix the path or unset it." >&2
  exit 1
fi

if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "chromium: not installed; installing the Debian package (apt-get install chromium)…"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends chromium >/dev/null
  if v="$(version)" && [ -n "$v" ]; then
    echo "chromium: $v ($CHROMIUM)"
    exit 0
  fi
  echo "ensure-chromium: apt-get installed chromium, but $CHROMIUM --version does not answer." >&2
  exit 1
fi

cat >&2 <<MSG
ensure-chromium: Chromium is not installed at $CHROMIUM, and this is not a root shell with apt-get.
The browser test (test/runtimes/browser.test.ts) needs it. Install the distro package:
  Debian/Ubuntu:  sudo apt-get update && sudo apt-get install -y chromium
                  (Ubuntu's "chromium-browser" is a snap wrapper; point CHROMIUM=/snap/bin/chromium at it)
  elsewhere:      install Chromium or Chrome and run with CHROMIUM=/path/to/chrome
MSG
exit 1
