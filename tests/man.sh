#!/bin/sh
# SPDX-License-Identifier: MIT
# The manual pages cannot drift from the program and its data:
#   - every command `cipherprobe --help` lists has a section and a SYNOPSIS
#     line in cipherprobe(1);
#   - every option a command's --help defines has a .TP item in that
#     command's section, and every option item there is in the --help text;
#   - every exit status a --help text names, and every one scanner/commands.h
#     defines, is in the EXIT STATUS table, and the table has no other;
#   - cipherprobe-profile(5) agrees with `profile show --json` (elements,
#     defaults, panos-recommended) and with ciphersuites/*.tsv (weakness
#     ranking, groups, client models, the example suites' flags);
#   - both pages render without warnings (groff -ww, man --warnings) and
#     no wider than 80 columns.
# TAP; the plan comes last.
: "${CIPHERPROBE:=./cipherprobe}"
: "${top_srcdir:=.}"
: "${PYTHON:=python3}"
export CIPHERPROBE top_srcdir
if ! command -v "$PYTHON" >/dev/null 2>&1; then
	echo "1..0 # SKIP $PYTHON not found"
	exit 0
fi
exec "$PYTHON" - "$@" <<'PY'
import os
import re
import shutil
import subprocess
import sys

CP = os.environ["CIPHERPROBE"]
SRC = os.environ["top_srcdir"]
PAGE1 = os.path.join(SRC, "man", "cipherprobe.1")
PAGE5 = os.path.join(SRC, "man", "cipherprobe-profile.5")
n = 0


def tap(ok, desc, diag=()):
    global n
    n += 1
    print(("ok %d - %s" if ok else "not ok %d - %s") % (n, desc))
    for d in diag if not ok else ():
        print("# " + str(d))


def skip(desc, why):
    global n
    n += 1
    print("ok %d - %s # SKIP %s" % (n, desc, why))


def run(args, env=None):
    e = dict(os.environ)
    e.update(env or {})
    p = subprocess.run(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=e)
    return p.returncode, p.stdout.decode("utf-8", "replace"), p.stderr.decode("utf-8", "replace")


def roff_text(line):
    """A source line as plain text: \\- is -, fonts and \\& are gone."""
    line = line.replace("\\-", "-").replace("\\&", "").replace("\\e", "\\")
    line = re.sub(r"\\f(\(..|\[[^]]*\]|.)", "", line)
    line = line.replace("\\(lq", '"').replace("\\(rq", '"').replace("\\~", " ")
    return line


def read(path):
    with open(path, encoding="utf-8") as f:
        return f.read().split("\n")


def sections(lines, macro):
    """{title: [lines]} for .SH or .SS headings (a .SH ends an .SS too)."""
    out, cur = {}, None
    for l in lines:
        m = re.match(r"\.(SH|SS)\s+\"?(.*?)\"?\s*$", l)
        if m and (m.group(1) == macro or m.group(1) == "SH"):
            cur = roff_text(m.group(2)) if m.group(1) == macro else None
            if cur is not None:
                out[cur] = []
            continue
        if cur is not None:
            out[cur].append(l)
    return out


def tag_lines(lines):
    """The lines that are .TP item tags."""
    return [lines[i + 1] for i, l in enumerate(lines[:-1]) if l.strip() == ".TP"]


OPT = re.compile(r"(?<![\w-])(--?[A-Za-z0-9][-A-Za-z0-9]*)")


def help_options(text):
    """Options a --help text defines: those that start an indented line."""
    opts = set()
    for l in text.split("\n"):
        m = re.match(r"\s+(-.*)", l)
        if not m:
            continue
        rest = m.group(1)
        while True:
            m = re.match(r"(--?[A-Za-z0-9][-A-Za-z0-9]*)(,\s*|\s|=|$)", rest)
            if not m:
                break
            opts.add(m.group(1))
            if not m.group(2).startswith(","):
                break
            rest = rest[m.end():]
    return opts


def exit_codes(text):
    m = re.search(r"Exit status:(.*?)(\n\n|\Z)", text, re.S)
    return set(int(x) for x in re.findall(r"(?<![\w.-])(\d+)(?![\w.])", m.group(1))) if m else None


def tables(lines):
    """Each tbl table as (header cells, rows), cells as plain text."""
    out, i = [], 0
    while i < len(lines):
        if lines[i].startswith(".TS"):
            tab, j = "\t", i + 1
            while not lines[j].rstrip().endswith("."):
                m = re.search(r"tab\((.)\)", lines[j])
                if m:
                    tab = m.group(1)
                j += 1
            j += 1
            rows = []
            while not lines[j].startswith(".TE"):
                l = lines[j]
                j += 1
                if l in ("_", "=") or l.startswith(".\\\""):
                    continue
                cells = l.split(tab)
                # a T{ ... T} text block continues the row over lines
                while cells[-1] == "T{":
                    block = []
                    while not lines[j].startswith("T}"):
                        block.append(lines[j])
                        j += 1
                    more = lines[j][2:].split(tab)
                    j += 1
                    cells[-1] = " ".join(block)
                    cells += more[1:]
                rows.append([roff_text(c).strip() for c in cells])
            if rows:
                out.append((rows[0], rows[1:]))
            i = j
        i += 1
    return out


def tsv(path):
    rows = []
    for l in read(path):
        if l and not l.startswith("#"):
            rows.append(l.split("\t"))
    return rows[0], rows[1:]


man1 = read(PAGE1)
man5 = read(PAGE5)
ss1 = sections(man1, "SS")
sh1 = sections(man1, "SH")

# ---- commands and their options ----------------------------------------
rc, top, _ = run([CP, "--help"])
cmds = re.findall(r"^  (\w+)\s", top.split("commands:", 1)[-1], re.M)
synopsis = "\n".join(roff_text(l) for l in sh1.get("SYNOPSIS", []))
missing = [c for c in cmds if c not in ss1 or not re.search(r"cipherprobe %s\b" % c, synopsis)]
tap(rc == 0 and cmds and not missing,
    "every command of 'cipherprobe --help' (%s) has a section and a SYNOPSIS line" % " ".join(cmds),
    ["missing: %s" % " ".join(missing)] if missing else [])

helps = {}
for c in cmds:
    rc, text, err = run([CP, c, "--help"])
    helps[c] = text
    defined = help_options(text)
    sect = ss1.get(c, [])
    tagged = set()
    for t in tag_lines(sect):
        tagged |= set(OPT.findall(roff_text(t)))
    undocumented = sorted(defined - tagged)
    unknown = sorted(o for o in tagged - set(OPT.findall(text)) if o not in ("-h", "--help"))
    diag = []
    if rc != 0:
        diag.append("'%s --help' exited %d: %s" % (c, rc, err.strip()))
    if undocumented:
        diag.append("in '%s --help' but no .TP item in section %s: %s" % (c, c, " ".join(undocumented)))
    if unknown:
        diag.append("in section %s but not in '%s --help': %s" % (c, c, " ".join(unknown)))
    tap(rc == 0 and defined and not undocumented and not unknown,
        "%s: all %d options of --help have an item in cipherprobe(1), and no other" % (c, len(defined)), diag)

# ---- exit statuses -------------------------------------------------------
table = [t for t in tables(sh1.get("EXIT STATUS", [])) if t[0] and t[0][0] == "Status"]
documented = set(int(r[0]) for r in table[0][1]) if table else set()
with open(os.path.join(SRC, "scanner", "commands.h"), encoding="utf-8") as f:
    enum = set(int(x) for x in re.findall(r"CP_EXIT_\w+\s*=\s*(\d+)", f.read()))
for c in cmds:
    codes = exit_codes(helps[c])
    if c == "suites" and codes is None:
        continue  # suites --help names no exit status
    missing = sorted((codes or set()) - documented)
    tap(codes is not None and not missing,
        "every exit status in '%s --help' (%s) is in the EXIT STATUS table"
        % (c, ", ".join(str(x) for x in sorted(codes or []))),
        ["not in the table: %s" % missing] if missing else [])
tap(documented == enum and len(enum) >= 11,
    "the EXIT STATUS table holds exactly the codes of scanner/commands.h (%s)"
    % ", ".join(str(x) for x in sorted(enum)),
    ["table: %s" % sorted(documented), "commands.h: %s" % sorted(enum)])

# ---- cipherprobe-profile(5) against the program and the data ------------
import json

tabs5 = tables(man5)
by_head = {}
for head, rows in tabs5:
    by_head.setdefault(head[0], []).append((head, rows))

rc, out, err = run([CP, "profile", "show", "panos-recommended", "--json"])
prof = json.loads(out)["profile"] if rc == 0 else {}
diag = []
for key, title in (("ssl_protocol_settings", "Values"), ("ssl_forward_proxy", None)):
    want = {e["element"]: (e["default"], e["value"]) for e in prof.get(key, [])}
    cand = [t for t in by_head.get("Element", []) if ("Values" in t[0]) == (title == "Values")]
    if not cand:
        diag.append("no Element table for %s" % key)
        continue
    head, rows = cand[0]
    di, ri = head.index("Default"), head.index("Recommended")
    got = {r[0]: (r[di], r[ri]) for r in rows}
    # the table writes max-version's value list short; compare the values
    for el in sorted(set(want) | set(got)):
        if want.get(el) != got.get(el):
            diag.append("%s %s: profile show says default/recommended %s, the page %s"
                        % (key, el, want.get(el), got.get(el)))
tap(rc == 0 and not diag,
    "cipherprobe-profile(5): every element, its default and its panos-recommended value "
    "agree with 'profile show --json'", diag)

whead, wrows = tsv(os.path.join(SRC, "ciphersuites", "panos-weakness.tsv"))
want = {(r[0], r[1], r[2]) for r in wrows}
got = set()
for head, rows in by_head.get("Change", []):
    got |= {(r[0], r[1], r[2].lower()) for r in rows}
tap(want == got, "the weakness table agrees with panos-weakness.tsv (%d changes)" % len(want),
    ["only in the tsv: %s" % sorted(want - got), "only on the page: %s" % sorted(got - want)])

ghead, grows = tsv(os.path.join(SRC, "ciphersuites", "panos-groups.tsv"))
want = {(r[0], r[1]) for r in grows}
got = set()
for head, rows in by_head.get("Group", []):
    got |= {(r[0], r[1]) for r in rows}
tap(want == got, "the groups table agrees with panos-groups.tsv (%d groups)" % len(want),
    ["only in the tsv: %s" % sorted(want - got), "only on the page: %s" % sorted(got - want)])

sh5 = sections(man5, "SH")
chead, crows = tsv(os.path.join(SRC, "ciphersuites", "clients.tsv"))
clients = []
labels = {}
for r in crows:
    if r[0] not in clients:
        clients.append(r[0])
    if r[1] == "label":
        labels[r[0]] = r[2]
csect = sh5.get("CLIENT MODELS", [])
ctext = " ".join(roff_text(l) for l in csect)
tags = set(roff_text(t).split()[-1] for t in tag_lines(csect))
diag = []
if tags != set(clients):
    diag.append("clients.tsv: %s; items on the page: %s" % (sorted(clients), sorted(tags)))
for c, lab in labels.items():
    if c != "any" and lab not in ctext:
        diag.append("%s: label '%s' not on the page" % (c, lab))
tap(not diag and clients, "every client model of clients.tsv (%s) is described, with its label"
    % " ".join(clients), diag)

fhead, frows = tsv(os.path.join(SRC, "ciphersuites", "panos-flags.tsv"))
flags = [r[2] for r in frows]
shead, srows = tsv(os.path.join(SRC, "ciphersuites", "panos-suites.tsv"))
suite_flags = {r[1]: set(r[2].split(",")) for r in srows}
fsect = sh5.get("SUITES AND FLAGS", [])
needs = set()
for head, rows in tables(fsect):
    needs |= {r[-1] for r in rows}
diag = ["flag %s missing from the mapping table" % f for f in flags if f not in needs]
ex = 0
for i, l in enumerate(fsect[:-2]):
    if l.strip() == ".TP" and fsect[i + 1].startswith("TLS_"):
        name = fsect[i + 1].split()[0]
        got = set(x.strip() for x in roff_text(fsect[i + 2]).split(","))
        ex += 1
        if suite_flags.get(name) != got:
            diag.append("%s: the page says %s, panos-suites.tsv %s"
                        % (name, sorted(got), sorted(suite_flags.get(name, []))))
tap(not diag and ex >= 5,
    "the flag mapping names every flag, and its %d example suites agree with panos-suites.tsv" % ex,
    diag)

# ---- rendering -----------------------------------------------------------
groff = shutil.which("groff")
man = shutil.which("man")
for page in (PAGE1, PAGE5):
    name = os.path.basename(page)
    if not groff:
        skip("%s renders without warnings (groff -ww)" % name, "groff not found")
    else:
        errs = []
        for dev in ("ascii", "utf8"):
            rc, out, err = run([groff, "-t", "-man", "-ww", "-z", "-T" + dev, page])
            if rc != 0 or err.strip():
                errs.append("groff -T%s (exit %d): %s" % (dev, rc, err.strip()))
        tap(not errs, "%s renders without warnings (groff -t -man -ww -z)" % name, errs)
    if not man:
        skip("%s renders without warnings in man, at most 80 columns" % name, "man not found")
        continue
    rc, out, err = run([man, "--warnings", "-E", "UTF-8", "-l", page],
                       {"MANWIDTH": "80", "MANPAGER": "cat", "PAGER": "cat", "LC_ALL": "C.UTF-8",
                        "MAN_KEEP_FORMATTING": "", "MAN_DISABLE_SECCOMP": "1"})
    wide = [l for l in out.split("\n") if len(re.sub(r".\x08", "", l)) > 80]
    diag = []
    if rc != 0 or err.strip():
        diag.append("man --warnings (exit %d): %s" % (rc, err.strip()))
    diag += ["wider than 80 columns: %s" % l for l in wide]
    tap(rc == 0 and not err.strip() and not wide and len(out) > 1000,
        "%s renders in man --warnings without warnings, at most 80 columns" % name, diag)

print("1..%d" % n)
PY
