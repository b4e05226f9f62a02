#!/bin/sh
# Installs the Debian packages Gongwen needs that are missing. Idempotent and quick when
# nothing is missing. Usage: scripts/deps.sh build|test|bench
set -eu
what=${1:-build}

BUILD_PKGS="build-essential pkg-config libxapian-dev xapian-tools libmicrohttpd-dev \
libopencc-dev opencc libuchardet-dev libutf8proc-dev libfriso-dev friso-dict \
libjansson-dev libinih-dev libxml2-dev liblz4-dev"
# The integration tests' oracle (tests/integration/oracle.py) runs python3 and the opencc
# command itself: listed here too, whatever the build comes to need.
# The real-text test (tests/integration/test_realtext.py) reads three small packages of
# Chinese documentation (1.5 MB); the benchmark reads those and LibreOffice's help.
TEST_PKGS="check libsubunit-dev curl python3 opencc chromium chromium-driver fonts-wqy-microhei clang \
maint-guide-zh-cn maint-guide-zh-tw debian-faq-zh-cn"
BENCH_PKGS="sphinxsearch groonga-bin sqlite3 xapian-omega wrk time \
libreoffice-help-zh-cn libreoffice-help-zh-tw"

pkgs=$BUILD_PKGS
case "$what" in
    build) ;;
    test) pkgs="$pkgs $TEST_PKGS" ;;
    bench) pkgs="$pkgs $TEST_PKGS $BENCH_PKGS" ;;
    *) echo "usage: $0 build|test|bench" >&2; exit 2 ;;
esac

missing=""
for p in $pkgs; do
    case " $missing " in *" $p "*) continue ;; esac
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
        missing="$missing $p"
    fi
done
[ -z "$missing" ] && exit 0

echo "gongwen: installing missing Debian packages:$missing"
if [ "$(id -u)" -eq 0 ]; then
    SUDO=""
elif command -v sudo >/dev/null 2>&1; then
    SUDO="sudo"
else
    echo "gongwen: not root and no sudo; run as root:" >&2
    echo "  apt-get update && apt-get install -y$missing" >&2
    exit 1
fi
# Package lists are empty on a fresh image: update once.
if [ -z "$(ls -A /var/lib/apt/lists 2>/dev/null | grep -v -e lock -e partial)" ]; then
    $SUDO apt-get update -q
fi
if ! DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends $missing; then
    # Stale lists (a package moved): refresh once and retry.
    $SUDO apt-get update -q
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends $missing
fi
