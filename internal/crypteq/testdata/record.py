#!/usr/bin/env python3
"""Record Exim 4.96's crypteq answers into exim_golden.jsonl.

Hashes are made with Debian's libxcrypt (the library Debian's exim calls,
through ctypes); exim is then asked
${if crypteq{password}{encoded}{y}{n}} for the right and a wrong
password. Run as root where exim4 is installed:  python3 record.py [conf]
JSON strings carry bytes as code points 0-255 (latin-1).
"""
import base64, ctypes, ctypes.util, hashlib, json, os, subprocess, sys

LIBCRYPT = ctypes.CDLL(ctypes.util.find_library("crypt"))
LIBCRYPT.crypt.restype = ctypes.c_char_p
LIBCRYPT.crypt.argtypes = [ctypes.c_char_p, ctypes.c_char_p]

HERE = os.path.dirname(os.path.abspath(__file__))
CONF = sys.argv[1] if len(sys.argv) > 1 else "/tmp/eximref/min.conf"
PASSWORDS = ["pw", "", "password", "longpassword123", "\x80\xffhigh8bit", "a b c", "exactly8", "x" * 80]


def c(pw, setting):
    """crypt(3) from libxcrypt, on bytes."""
    out = LIBCRYPT.crypt(pw.encode("latin-1"), setting.encode("latin-1"))
    return out.decode("latin-1") if out is not None else ""


def exim_crypt16(pw, salt):
    """Exim's own crypt16(): two crypt() calls joined."""
    res = c(pw, salt)[:13]
    if len(pw) > 8:
        res += c(pw[8:], res[2:4])[2:13]
    return res


def pairs():
    settings = ["ab", "./", "zZ", "9.", "$1$abc", "$1$abcdefgh", "$1$", "$5$abc", "$5$rounds=1000$saltsalt",
                "$6$abc", "$6$rounds=1000$abc", "$6$rounds=5000$abc", "$6$0123456789abcdef",
                "$2b$04$abcdefghijklmnopqrstuu", "$2a$04$abcdefghijklmnopqrstuu", "$2y$04$abcdefghijklmnopqrstuu",
                "$y$j9T$abcdefgh", "_J9..abcd"]
    for s in settings:
        for pw in PASSWORDS:
            if s.startswith("$2") and len(pw) > 72:
                continue
            h = c(pw, s)
            yield pw, h
            yield pw, "{crypt}" + h
    for pw in PASSWORDS:
        for salt in ["ab", "Zz"]:
            yield pw, "{crypt16}" + exim_crypt16(pw, salt)
        raw = pw.encode("latin-1")
        md5, sha1 = hashlib.md5(raw).digest(), hashlib.sha1(raw).digest()
        yield pw, "{md5}" + base64.b64encode(md5).decode()
        yield pw, "{MD5}" + md5.hex()
        yield pw, "{md5}" + md5.hex().upper()
        yield pw, "{sha1}" + base64.b64encode(sha1).decode()
        yield pw, "{SHA1}" + sha1.hex().upper()
    # Odd stored values: too short, bad salts, refused rounds, wrong lengths.
    for enc in ["", "a", "*0", "a!xxxxxxxxxxx", "$6$rounds=10$abc$x", "$6$rounds=05000$abc$x", "{md5}abc",
                "{sha1}", "{crypt}", "{crypt}a", "{unknown}abc", "{}", "{md5", "ab\x80xxxxxxxxxx",
                "{md5}CY9rzUYh03PK3k6DJie09g==", "{md5}cy9rzuyh03pk3k6djie09g==", "{crypt16}ab",
                "$6$abc$", "$1$abc$"]:
        yield "test", enc


def protect(s):
    if "\\N" in s:
        raise SystemExit("no \\N allowed: %r" % s)
    return "\\N" + s + "\\N"


def main():
    cases = []
    for pw, enc in pairs():
        cases.append((pw, enc))
        if enc:
            cases.append((pw + "X", enc))
    exprs = ["${if crypteq{%s}{%s}{y}{n}}" % (protect(pw), protect(enc)) for pw, enc in cases]
    args = [a.encode("latin-1") for a in exprs]
    cmd = [b"unshare", b"-n", b"sh", b"-c", b'ip link set lo up; exec exim -C "$0" -be "$@"', CONF.encode(), *args]
    out = subprocess.run(cmd, capture_output=True, check=False).stdout.decode("latin-1").split("\n")
    with open(os.path.join(HERE, "exim_golden.jsonl"), "w", encoding="utf-8") as f:
        for (pw, enc), got in zip(cases, out):
            f.write(json.dumps({"password": pw, "encoded": enc, "exim": got}, ensure_ascii=False) + "\n")


main()
