#!/bin/sh
# Records Exim 4.96's "-d-all+expand+noutf8" trace for each line of
# debug_cases.txt into debug_trace.txt (the expansion part only). Run as
# root where exim4 is installed.
set -e
dir=$(cd ../../../testdata/expand && pwd)
spool=$(mktemp -d)
trap 'rm -rf "$spool"' EXIT
sed "s#SPOOL#$spool#g" engine.conf > "$spool/engine.conf"
while IFS= read -r line; do
  real=$(printf '%s' "$line" | sed "s#DIR/#$dir/#g")
  unshare -n sh -c 'ip link set lo up; env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin exim -C "$1" -d-all+expand+noutf8 -be "$2" 2>&1 >/dev/null' sh "$spool/engine.conf" "$real" |
    sed -n '/dropping to exim gid/,$p' | tail -n +2 | grep -v '^>>>>' | sed "s#$dir/#DIR/#g"
done < debug_cases.txt > debug_trace.txt
