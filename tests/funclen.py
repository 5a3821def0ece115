#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# funclen.py LIMIT FILE...: lists the C functions longer than LIMIT lines,
# counted from the signature's first line to the closing brace, as
# "FILE:LINE: NAME N lines", and exits 1 if there is any (0 if none, 2 on
# bad arguments or an unreadable file).  The project's style (.clang-format)
# opens a function body with "{" alone at column 0 and closes it with "}"
# at column 0 (a comment may follow it); the signature is the run of lines
# above the "{" back to the first one at column 0.  Struct, enum and union bodies and
# initialisers are not functions.  Used by tests/funclen.sh.
import re
import sys


# the closing brace, perhaps with trailing blanks or a comment after it
CLOSE = re.compile(r'}\s*(/[*/].*)?$')


def long_functions(path, limit):
    """(line, name, length) of each function in path longer than limit."""
    with open(path, errors='replace') as f:
        lines = f.read().split('\n')
    found = []
    for i, l in enumerate(lines):
        if l.rstrip() != '{':
            continue
        s = i - 1
        while s > 0 and lines[s] and lines[s][0] in ' \t':
            s -= 1
        sig = ' '.join(x.strip() for x in lines[s:i])
        if '(' not in sig or (sig.startswith(('struct', 'enum', 'union', 'static const', 'const'))
                              and '(' not in sig.split('=')[0]):
            continue
        j = i + 1
        while j < len(lines) and not CLOSE.match(lines[j]):
            j += 1
        n = j - s + 1
        if n > limit:
            m = re.search(r'([A-Za-z_][A-Za-z0-9_]*)\s*\(', sig)
            found.append((s + 1, m.group(1) if m else sig[:40], n))
    return found


def main(argv):
    if len(argv) < 2 or not argv[1].isdigit():
        print('usage: funclen.py LIMIT FILE...', file=sys.stderr)
        return 2
    limit, bad = int(argv[1]), 0
    for p in argv[2:]:
        try:
            found = long_functions(p, limit)
        except OSError as e:
            print(f'funclen.py: {p}: {e.strerror}', file=sys.stderr)
            return 2
        for line, name, n in found:
            print(f'{p}:{line}: {name} {n} lines')
            bad += 1
    return 1 if bad else 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
