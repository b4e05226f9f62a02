#!/bin/bash
# Builds each libFuzzer target (clang, ASan + UBSan) against lib/ and runs it for
# FUZZ_SECONDS from its seed corpus tests/fuzz/<name>/ (kept in the tree). A crash fails
# the run; the crashing input is saved under $BUILD/ — add it to tests/fuzz/<name>/ and
# to a regression test.   Usage: scripts/fuzz.sh tests/fuzz/fuzz_x.c ...
set -euo pipefail
BUILD=${BUILD:-build-fuzz}
FUZZ_SECONDS=${FUZZ_SECONDS:-20}
PKGS="libmicrohttpd opencc uchardet libutf8proc friso jansson inih libxml-2.0 liblz4"
CF="-g -O1 -fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=all -D_GNU_SOURCE -Ilib -I$BUILD/gen $(pkg-config --cflags $PKGS)"
mkdir -p "$BUILD/lib"
# Generated sources (lib/gen.mk), made by the same rules as the normal build.
make --no-print-directory -s BUILD="$BUILD" "$BUILD/gen/gw_t2s_table.h" "$BUILD/gen/gw_t2s_phrases.h"
objs=()
for src in lib/*.c; do
    o="$BUILD/lib/$(basename "${src%.c}").o"
    [ "$o" -nt "$src" ] && [ "$o" -nt "$BUILD/gen/gw_t2s_table.h" ] && [ "$o" -nt "$BUILD/gen/gw_t2s_phrases.h" ] || clang -std=c11 $CF -c "$src" -o "$o"
    objs+=("$o")
done
for src in lib/*.cc; do
    o="$BUILD/lib/$(basename "${src%.cc}").o"
    [ "$o" -nt "$src" ] || clang++ -std=c++17 $CF $(xapian-config --cxxflags) -c "$src" -o "$o"
    objs+=("$o")
done
passed=0; failed=0
for target in "$@"; do
    name=$(basename "${target%.c}")
    exe="$BUILD/$name"
    # Linked by clang++: UBSan's C++ checks (vptr) in gw_xapian.o need its C++ runtime.
    clang -std=c11 $CF -c "$target" -o "$exe.o"
    clang++ $CF -fsanitize=fuzzer "$exe.o" "${objs[@]}" -o "$exe" \
        $(pkg-config --libs $PKGS) $(xapian-config --libs) -lpthread -lm
    seeds="tests/fuzz/$name"
    work="$BUILD/$name-corpus"; mkdir -p "$work"
    echo "fuzzing $name for ${FUZZ_SECONDS}s"
    if "$exe" -max_total_time="$FUZZ_SECONDS" -max_len=65536 -rss_limit_mb=2048 \
        -artifact_prefix="$BUILD/$name-" "$work" $( [ -d "$seeds" ] && echo "$seeds" ) \
        >"$BUILD/$name.log" 2>&1; then
        passed=$((passed + 1)); echo "ok   $name: $(grep -E '^#[0-9]+.*(DONE|pulse)' "$BUILD/$name.log" | tail -n 1)"
    else
        failed=$((failed + 1)); echo "FAIL $name"; tail -n 40 "$BUILD/$name.log"
    fi
done
echo "fuzz: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
