#!/bin/sh
# make run: index corpus/ into var/gongwen.db (incrementally), then serve it.
set -eu
PORT=${1:-8080}
mkdir -p var
# Exit 1 is "some files skipped"; exit 2 with "index layout" means var/gongwen.db was
# written by an older Gongwen (docs/index-format.md §3): this demo database is rebuilt.
rc=0
bin/gongwen-indexer -d var/gongwen.db corpus 2>var/index.err || rc=$?
cat var/index.err >&2
if [ "$rc" -eq 2 ] && grep -q 'index layout' var/index.err; then
    echo "var/gongwen.db was written by an older Gongwen: rebuilding it" >&2
    bin/gongwen-indexer -d var/gongwen.db --rebuild corpus || [ $? -eq 1 ]
elif [ "$rc" -ne 0 ] && [ "$rc" -ne 1 ]; then
    exit "$rc"
fi
echo "Gongwen is serving corpus/ on http://127.0.0.1:$PORT/  (Ctrl-C stops it)"
exec bin/gongwen-searchd -d var/gongwen.db -l "127.0.0.1:$PORT"
