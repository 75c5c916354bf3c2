#!/bin/bash
# Issue 16: `make test` twice in a row on a fresh clone while two `yes` keep both CPUs busy.
set -u
D=/tmp/fresh-$(date +%s); git clone -q "${1:-$(git rev-parse --show-toplevel)}" $D && cd $D || exit 1
git log --oneline -1
yes > /dev/null & Y1=$!
yes > /dev/null & Y2=$!
start=$(date +%s)
echo "start $(date -u +%T), load $(cut -d' ' -f1-3 /proc/loadavg)"
for i in 1 2; do
  s=$(date +%s)
  make test > $D.run$i.log 2>&1; rc=$?
  echo "make test run $i: exit $rc, $(( $(date +%s) - s )) s; $(tail -1 $D.run$i.log); load $(cut -d' ' -f1-3 /proc/loadavg)"
done
echo "total $(( $(date +%s) - start )) s (limit 2400)"
kill $Y1 $Y2
