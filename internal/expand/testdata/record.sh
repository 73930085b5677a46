#!/bin/sh
# Records Exim 4.96's answers to engine_cases.txt into engine_goldens.jsonl.
# Run from this directory as root on a machine with exim4 installed; Exim
# runs in a network namespace with only loopback. The configuration is
# engine.conf (primary_hostname myhost.test.ex, nothing else of note).
set -e
spool=$(mktemp -d)
trap 'rm -rf "$spool"' EXIT
sed "s#SPOOL#$spool#g" engine.conf > "$spool/engine.conf"
# DIR stands for the golden support files (lists, lsearch files).
dir=$(cd ../../../testdata/expand && pwd)
sed "s#DIR/#$dir/#g" ../../../testdata/expand/exim.conf | grep -E '^(domainlist|hostlist|addresslist|localpartlist)' >> "$spool/engine.conf"
: > engine_goldens.jsonl
while IFS= read -r line; do
  real=$(printf '%s' "$line" | sed "s#DIR/#$dir/#g")
  out=$(unshare -n sh -c 'ip link set lo up; env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root exim -C "$1" -be "$2"; echo x' sh "$spool/engine.conf" "$real" 2>/dev/null | sed "s#$dir/#DIR/#g")
  out=${out%x}
  printf '%s' "$out" | python3 -c 'import json,sys,base64
o=sys.stdin.buffer.read()
try:
  print(json.dumps({"in":sys.argv[1],"out":o.decode("utf-8")}))
except UnicodeDecodeError:
  print(json.dumps({"in":sys.argv[1],"out_b64":base64.b64encode(o).decode()}))' "$line" >> engine_goldens.jsonl
done < engine_cases.txt
