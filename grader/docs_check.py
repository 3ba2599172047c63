#!/usr/bin/env python3
"""The walkthroughs' shell blocks: find them, and judge what running them did.

    docs_check.py list DOC...            every shell block, and whether it runs or why not
    docs_check.py extract DOC WORK       write the blocks of DOC to run into WORK
    docs_check.py judge DOC WORK         compare what the session left in WORK with the doc

grader/docs-check runs the session between `extract` and `judge` (docs/ARCHITECTURE.md,
"make test").  The conventions a walkthrough follows:

- A fenced block tagged sh, bash, shell or console is run, in order, in one shell per file,
  as root, from the kit's top directory.  Without an output block it must succeed: every
  command exits 0 (as `set -e` would judge it) and nothing is written on stderr.
- An output block (tagged `output`) right after it, with only blank lines between, is what
  the reader sees: stdout and stderr together, compared line by line (each run of blanks
  as one space, leading and trailing blanks and blank lines at either end ignored).  Then
  only the output counts, so a block may show a failure and its status.
  Placeholders for what varies: <N> a number, <PID>, <INODE> (digits), <HEX>, <TIME> (a
  duration or a clock), <WORD> (no blanks); `...` inside a line is any text, and a line
  `...` alone is any number of lines.
- A block that cannot run this way says so, and why, in a comment on the line before it:
  `<!-- docs-check: skip REASON -->` (it needs a terminal, a VM, the internet, ...).
"""
import difflib
import re
import sys
from pathlib import Path

SHELL_TAGS = {"sh", "bash", "shell", "console"}
FENCE = re.compile(r"^(\s*)(`{3,}|~{3,})\s*([^\s`]*)")
DIRECTIVE = re.compile(r"^\s*<!--\s*docs-check:\s*(.*?)\s*-->\s*$")
PLACEHOLDERS = {
    "<N>": r"-?\d+(?:\.\d+)?",
    "<PID>": r"\d+",
    "<INODE>": r"\d+",
    "<HEX>": r"[0-9a-fA-F]+",
    "<TIME>": r"\d+(?:[.:]\d+)*\s?(?:ns|us|µs|ms|s|min)?",
    "<WORD>": r"\S+",
}


class DocError(Exception):
    pass


class Block:
    def __init__(self, number, line, text):
        self.number = number  # 1, 2, ... among the file's shell blocks
        self.line = line      # the line of its opening fence
        self.text = text      # its lines, without the fences
        self.skip = None      # the reason it is not run
        self.expect = None    # the output block's lines, if there is one


def fenced_blocks(lines):
    """(tag, fence line index, body lines, closing line index) for each fenced block."""
    i = 0
    while i < len(lines):
        m = FENCE.match(lines[i])
        if not m:
            i += 1
            continue
        indent, fence, tag = m.groups()
        j = i + 1
        close = re.compile(r"^\s*" + re.escape(fence[0]) + "{" + str(len(fence)) + r",}\s*$")
        while j < len(lines) and not close.match(lines[j]):
            j += 1
        if j == len(lines):
            raise DocError(f"line {i + 1}: a fenced block that is never closed")
        body = [l[len(indent):] if l.startswith(indent) else l.lstrip() for l in lines[i + 1:j]]
        yield tag.lower(), i, body, j
        i = j + 1


def directive_before(lines, i):
    """(the docs-check directive on the last non-blank line before line i, its line number),
    or (None, None)."""
    j = i - 1
    while j >= 0 and not lines[j].strip():
        j -= 1
    m = DIRECTIVE.match(lines[j]) if j >= 0 else None
    return (m.group(1), j + 1) if m else (None, None)


def parse(path):
    lines = Path(path).read_text().split("\n")
    blocks, last, last_end = [], None, None
    for tag, start, body, end in fenced_blocks(lines):
        if tag == "output":
            between = lines[last_end + 1:start] if last else ["x"]
            if not last or any(l.strip() for l in between) or last.expect is not None:
                raise DocError(f"line {start + 1}: an output block must follow a shell block")
            last.expect = body
            continue
        if tag not in SHELL_TAGS:
            last = None
            continue
        block = Block(len(blocks) + 1, start + 1, body)
        directive, at = directive_before(lines, start)
        if directive is not None:
            m = re.fullmatch(r"skip\s+(\S.*)", directive)
            if not m:
                raise DocError(f"line {at}: '{directive}': the directive is "
                               "'docs-check: skip REASON'")
            block.skip = m.group(1)
        blocks.append(block)
        last, last_end = block, end
    return blocks


def line_pattern(line):
    if line.strip() == "...":
        return None
    out, pos = "", 0
    token = re.compile("|".join(map(re.escape, PLACEHOLDERS)) + r"|\.\.\.")
    for m in token.finditer(line):
        out += re.escape(line[pos:m.start()])
        out += ".*" if m.group() == "..." else PLACEHOLDERS[m.group()]
        pos = m.end()
    return out + re.escape(line[pos:])


def clean(lines):
    lines = [" ".join(l.split()) for l in lines]
    while lines and not lines[-1]:
        lines.pop()
    while lines and not lines[0]:
        lines.pop(0)
    return lines


def output_matches(expect, seen):
    """Whether the lines SEEN are what the output block EXPECT shows."""
    parts = []
    for line in clean(expect):
        p = line_pattern(line)
        parts.append(r"(?:[^\n]*\n)*?" if p is None else p + r"\n")
    return re.fullmatch("".join(parts), "".join(l + "\n" for l in clean(seen))) is not None


def read(path):
    try:
        return Path(path).read_text(errors="replace")
    except FileNotFoundError:
        return None


def segments(path):
    """{block number (or "end"): the text written while it ran} from a session's stream."""
    parts = re.split("\036([0-9]+|end)\036\n", read(path) or "")
    return {parts[i]: parts[i + 1] for i in range(1, len(parts) - 1, 2)}


def status_of(work):
    """{block number: exit status, or None if it began and never ended}."""
    status = {}
    for line in (read(Path(work, "status")) or "").splitlines():
        word = line.split()
        if word[0] == "begin":
            status[int(word[1])] = None
        elif word[0] == "end":
            status[int(word[1])] = int(word[2])
    return status


def failed_commands(block, work):
    """The doc lines of the commands whose failure the session's ERR trap saw."""
    found = []
    for rec in (read(Path(work, f"{block.number}.failed")) or "").splitlines():
        lineno, rc = rec.split()
        k = int(lineno)
        text = block.text[k - 1].strip() if 0 < k <= len(block.text) else "?"
        found.append(f"line {block.line + k}: exit status {rc}: {text[:100]}")
    return found


def indent(text, limit=40):
    lines = [l.rstrip() for l in text.rstrip().splitlines()]
    if len(lines) > limit:
        lines = lines[:limit] + [f"... ({len(lines) - limit} more lines)"]
    return "".join(f"      | {l}\n" for l in lines)


def judge_block(block, work, status, stdout, stderr):
    """A list of the reasons BLOCK failed (empty: it passed)."""
    out = stdout.get(str(block.number), "")
    err = stderr.get(str(block.number), "")
    if block.number not in status:
        return ["never ran (the session stopped before it)"]
    if status[block.number] is None:
        return ["did not finish (the session's time ran out, or it left the shell)\n"
                + indent(out + err)]
    if block.expect is not None:
        out += err  # its own stderr went to stdout; this is a background job's
        if output_matches(block.expect, out.splitlines()):
            return []
        diff = difflib.unified_diff(clean(block.expect), clean(out.splitlines()),
                                    "the doc shows", "the block printed", lineterm="", n=2)
        return ["its output differs from the doc's output block\n" + indent("\n".join(diff), 60)]
    why = failed_commands(block, work)
    if err.strip():
        why.append("wrote on stderr (show it in an output block if it is expected)\n"
                   + indent(err))
    elif why and out.strip():
        why.append("its output\n" + indent(out, 20))
    return why


def judge(doc, work):
    blocks = parse(doc)
    status = status_of(work)
    stdout, stderr = segments(Path(work, "stdout")), segments(Path(work, "stderr"))
    failed = passed = skipped = 0
    print(f"{doc}")
    for b in blocks:
        where = f"block {b.number} (line {b.line})"
        if b.skip:
            skipped += 1
            print(f"  skip  {where}: {b.skip}")
            continue
        why = judge_block(b, work, status, stdout, stderr)
        if why:
            failed += 1
            print(f"  FAIL  {where}")
            for w in why:
                print(f"      {w}".rstrip())
        else:
            passed += 1
            print(f"  ok    {where}")
    limit = (read(Path(work, "timed-out")) or "").strip()
    if limit:
        failed += 1
        print(f"  FAIL  the session ran out of its {limit} s (KIT_DOCS_TIMEOUT): the block "
              "running then was stopped")
    left = (read(Path(work, "left")) or "").strip()
    if left:
        failed += 1
        print("  FAIL  the walkthrough leaves things behind at its end (clean up in the doc):")
        print(indent(left), end="")
    print(f"  {doc}: {passed} passed, {failed} failed, {skipped} skipped")
    Path(work, "counts").write_text(f"{passed} {failed} {skipped}\n")
    return 1 if failed else 0


def extract(doc, work):
    work = Path(work)
    work.mkdir(parents=True, exist_ok=True)
    run = []
    for b in parse(doc):
        if b.skip:
            continue
        Path(work, f"{b.number}.sh").write_text("\n".join(b.text) + "\n")
        if b.expect is not None:
            Path(work, f"{b.number}.expect").write_text("\n".join(b.expect) + "\n")
        run.append(str(b.number))
    Path(work, "order").write_text("".join(n + "\n" for n in run))
    return 0


def list_blocks(docs):
    for doc in docs:
        for b in parse(doc):
            what = f"skip: {b.skip}" if b.skip else (
                "run, output compared" if b.expect is not None else "run")
            print(f"{doc}:{b.line}: block {b.number}: {what}")
    return 0


def main(argv):
    try:
        if len(argv) >= 2 and argv[0] == "list":
            return list_blocks(argv[1:])
        if len(argv) == 3 and argv[0] == "extract":
            return extract(argv[1], argv[2])
        if len(argv) == 3 and argv[0] == "judge":
            return judge(argv[1], argv[2])
    except DocError as e:
        print(f"{argv[1]}: {e}", file=sys.stderr)
        return 2
    print(__doc__.split("\n\n")[1], file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
