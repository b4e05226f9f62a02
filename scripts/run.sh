#!/bin/sh
# make run: index corpus/ into var/gongwen.db (incrementally), then serve it.
set -eu
PORT=${1:-8080}
mkdir -p var
bin/gongwen-indexer -d var/gongwen.db corpus || [ $? -eq 1 ]
echo "Gongwen is serving corpus/ on http://127.0.0.1:$PORT/  (Ctrl-C stops it)"
exec bin/gongwen-searchd -d var/gongwen.db -l "127.0.0.1:$PORT"
