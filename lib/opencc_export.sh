#!/bin/sh
# Exports one of OpenCC's dictionaries as text ("key<TAB>candidate candidate..." per line)
# with OpenCC's own `opencc_dict`, for the table generators (gen_t2s.sh,
# gen_t2s_phrases.sh).
#   Usage: lib/opencc_export.sh NAME.ocd2 OUT.txt [PATH/NAME.ocd2]
# Without a path, NAME.ocd2 is looked for where Debian's package opencc installs it.
set -eu
name=$1
out=$2
dict=${3:-}
if [ -z "$dict" ]; then
    for d in /usr/share/opencc /usr/local/share/opencc; do
        [ -f "$d/$name" ] && dict="$d/$name" && break
    done
fi
[ -n "$dict" ] && [ -f "$dict" ] || { echo "opencc_export.sh: $name not found (Debian package opencc)" >&2; exit 1; }
command -v opencc_dict >/dev/null || { echo "opencc_export.sh: opencc_dict not found (Debian package opencc)" >&2; exit 1; }
opencc_dict -i "$dict" -o "$out" -f ocd2 -t text
