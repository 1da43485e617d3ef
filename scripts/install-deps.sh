#!/bin/sh
# Install every Debian package tidings needs to build, test, fuzz and benchmark.
# Used by the README's set-up commands and by .ci/run. Run as root (or via sudo).
set -eu
SUDO=""
if [ "$(id -u)" != 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
PKGS="build-essential cmake pkg-config clang libclang-rt-14-dev \
 libutf8proc-dev libsqlite3-dev sqlite3 zlib1g-dev libxml2-dev libpcre2-dev \
 libexttextcat-dev libexttextcat-data libmicrohttpd-dev iso-codes python3 bc gzip"
missing=""
for p in $PKGS; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
if [ -n "$missing" ]; then
    $SUDO apt-get update -qq
    $SUDO apt-get install -y -qq --no-install-recommends $missing
fi
