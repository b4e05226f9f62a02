#!/bin/sh
# make bench calls this: bench/run.sh N [options of bench/bench.py]. See bench/README.md.
# Installs the peer engines first (Debian packages, idempotent); a peer that cannot be
# installed is reported as not measured and the run goes on without it.
set -eu
cd "$(dirname "$0")/.."
if ! scripts/deps.sh bench; then
    echo "bench: could not install every peer package (see above); going on with what is installed" >&2
fi
exec python3 bench/bench.py "$@"
