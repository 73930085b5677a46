#!/bin/sh
# Records Exim 4.96's answers to random expansions (random_gen.py) into
# random_goldens.jsonl, one Exim run per string so that a crash of Exim
# loses only that case (crashed cases are dropped). Run as root where
# exim4 is installed: sh random_record.sh SEED COUNT
set -e
seed=${1:-7}; count=${2:-3000}
dir=$(cd ../../../testdata/expand && pwd)
spool=$(mktemp -d)
trap 'rm -rf "$spool"' EXIT
sed "s#SPOOL#$spool#g" engine.conf > "$spool/engine.conf"
python3 random_gen.py "$seed" "$count" | sed "s#DIR/#$dir/#g" > "$spool/in.txt"
unshare -n sh -c '
ip link set lo up
while IFS= read -r line; do
  out=$(env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root exim -C "$1" -be "$line" 2>/dev/null; echo "rc=$?")
  printf "%s" "$out" | python3 -c "import json,sys,base64
o=sys.stdin.buffer.read(); i=o.rfind(b\"rc=\")
if o[i+3:].strip() != b\"0\": sys.exit(0)
o=o[:i].replace(sys.argv[2].encode()+b\"/\", b\"DIR/\")
s=sys.argv[1].replace(sys.argv[2]+\"/\", \"DIR/\")
try: print(json.dumps({\"in\":s,\"out\":o.decode()}))
except UnicodeDecodeError: print(json.dumps({\"in\":s,\"out_b64\":base64.b64encode(o).decode()}))" "$line" "$2"
done < "$3"' sh "$spool/engine.conf" "$dir" "$spool/in.txt" > random_goldens.jsonl
