#!/usr/bin/env python3
"""Record Exim 4.96's answers for cases.txt into exim_golden.jsonl.

Run as root on a machine with Debian's exim4 (it runs exim in a network
namespace with only loopback):  python3 record.py [exim.conf]

cases.txt lines are "op<TAB>input"; op is one of
  extract    ${address:} ${local_part:} ${domain:} and the -bt syntax error
  addresses  ${addresses:}
  quote      ${quote_local_part:}
The JSON strings hold bytes as code points 0-255 (latin-1).
Inputs may use \\t \\n \\r \\xHH and \\\\ escapes. Lines starting with # are comments.
"""
import base64, json, os, re, subprocess, sys

HERE = os.path.dirname(os.path.abspath(__file__))
CONF = sys.argv[1] if len(sys.argv) > 1 else "/tmp/eximref/min.conf"


def exim(*args):
    # Strings hold bytes as latin-1 code points; pass the bytes unchanged.
    args = [a.encode("latin-1") for a in args]
    cmd = [b"unshare", b"-n", b"sh", b"-c", b'ip link set lo up; exec exim -C "$0" "$@"', CONF.encode(), *args]
    return subprocess.run(cmd, capture_output=True, check=False).stdout


def expand_all(exprs):
    """Expand each expression (wrapped in str2b64) in one exim run."""
    out = exim("-be", *["${str2b64:%s}" % e for e in exprs]).decode().split("\n")
    return [base64.b64decode(x).decode("latin-1") for x in out[: len(exprs)]]


def protect(s):
    if "\\N" in s:
        raise SystemExit("input may not contain \\N: %r" % s)
    return "\\N" + s + "\\N"


def syntax_error(s):
    """The -bt syntax error for s, "" when it parsed, None when -bt said
    nothing (an empty argument)."""
    out = exim("-bt", s).decode("latin-1")
    if out.startswith("syntax error: "):
        return out[len("syntax error: "):].rstrip("\n")
    return "" if out else None


def expand_alone(expr):
    """Expand in a fresh exim: ${addresses:} keeps group state in globals
    that leak from one expansion to the next within a process. Returns
    (result, error)."""
    out = exim("-be", "${str2b64:%s}" % expr).decode("latin-1").rstrip("\n")
    if out.startswith("Failed: "):
        return "", out[len("Failed: "):]
    return base64.b64decode(out).decode("latin-1"), ""


def unescape(s):
    """Only \\t \\n \\r \\xHH and \\\\ are escapes; other backslashes stay."""
    table = {"t": "\t", "n": "\n", "r": "\r", "\\": "\\"}
    def one(m):
        e = m.group(1)
        return chr(int(e[1:], 16)) if e[0] == "x" else table[e]
    return re.sub(r"\\(x[0-9a-fA-F]{2}|[tnr\\])", one, s)


def random_cases(n, seed=4096):
    """Seeded random mailboxes built from the bytes that matter to the
    parser, for the differential part of the goldens."""
    import random
    rnd = random.Random(seed)
    pieces = ["a", "b", "xy", "@", "<", ">", "(", ")", '"', "\\", ".", ",", ":", ";",
              " ", "[", "]", "1.2", "-", "Name", "\xc3\xbc", "\t", "@r:", "IPv6:"]
    out = []
    for _ in range(n):
        s = "".join(rnd.choice(pieces) for _ in range(rnd.randint(1, 10)))
        if "\\N" not in s:
            out.append(("extract" if rnd.random() < 0.7 else "addresses", s))
    return out


def main():
    cases = []
    with open(os.path.join(HERE, "cases.txt"), encoding="latin-1") as f:
        for line in f:
            line = line.rstrip("\n")
            if not line or line.startswith("#"):
                continue
            op, _, text = line.partition("\t")
            cases.append((op, unescape(text)))
    cases += random_cases(int(os.environ.get("RANDOM_CASES", "400")))
    exprs = []
    for op, s in cases:
        if op == "extract":
            exprs += ["${address:%s}" % protect(s), "${local_part:%s}" % protect(s), "${domain:%s}" % protect(s)]
        elif op == "addresses":
            pass
        elif op == "quote":
            exprs.append("${quote_local_part:%s}" % protect(s))
        else:
            raise SystemExit("unknown op " + op)
    results = iter(expand_all(exprs))
    with open(os.path.join(HERE, "exim_golden.jsonl"), "w", encoding="utf-8") as out:
        for op, s in cases:
            rec = {"op": op, "in": s}
            if op == "extract":
                rec["address"], rec["local_part"], rec["domain"] = next(results), next(results), next(results)
                # -bt splits its argument at top-level commas; only ask it
                # about single addresses.
                if "," not in s:
                    rec["error"] = syntax_error(s)
            elif op == "addresses":
                rec["out"], rec["error"] = expand_alone("${addresses:%s}" % protect(s))
            else:
                rec["out"] = next(results)
            out.write(json.dumps(rec, ensure_ascii=False) + "\n")


main()
