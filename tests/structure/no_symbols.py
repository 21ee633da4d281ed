#!/usr/bin/env python3
"""no_symbols.py BINARY (--forbidden REGEX | --required REGEX)

Fails when the demangled symbols of BINARY (nm -C) match the forbidden pattern, or none matches
the required one (the second keeps the first honest: the same search finds the classes where they
are linked). Reads nm's output as a stream: a sanitizer build's symbol table runs to hundreds of
megabytes, which CMake's regex engine took two minutes over.
"""
import re
import subprocess
import sys


def main() -> int:
    if len(sys.argv) != 4 or sys.argv[2] not in ("--forbidden", "--required"):
        print(__doc__.strip().splitlines()[0], file=sys.stderr)
        return 2
    binary, mode, pattern = sys.argv[1], sys.argv[2], re.compile(sys.argv[3])
    with subprocess.Popen(["nm", "-C", binary], stdout=subprocess.PIPE, text=True,
                          errors="replace") as nm:
        hit = next((line.rstrip("\n") for line in nm.stdout if pattern.search(line)), None)
        nm.stdout.close()
        status = nm.wait()
    if hit is None and status != 0:
        print(f"nm -C {binary} failed ({status})", file=sys.stderr)
        return 1
    if mode == "--forbidden" and hit is not None:
        print(f"{binary} links code it must not: {hit}", file=sys.stderr)
        return 1
    if mode == "--required" and hit is None:
        print(f"{binary} has no symbol matching {pattern.pattern}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
