"""gradebook.html: the class at a glance, one static file (no server, no script).

    write_html(path, book)   BOOK is the list grade-all.py writes to gradebook.json

Pictures, each answering one question an instructor asks after a batch:
  - which concept is failing: the pass rate of each part (3.c, 2.7 ...: the tests named after
    one fenced part) across the class, as bars, lowest first;
  - how the class did: the distribution of the graded submissions' scores, in tenths of the
    maximum (a submission that timed out or crashed is counted beside it, not as a 0);
  - who needs help: each student's row, with a bar and the points per task;
  - and, last (it is long: a hundred tests and more), the pass rate of every test, lowest
    first (a test that most students fail is a part to teach again, or a test to look at).
Checked by rendering it in headless Chromium (grader/selftest/gradebook-render.bats).
"""
import re
from html import escape

STYLE = """
body { font: 14px/1.4 system-ui, sans-serif; margin: 2em; color: #222; max-width: 1100px; }
h1 { font-size: 1.5em; } h2 { font-size: 1.15em; margin-top: 2em; }
table { border-collapse: collapse; width: 100%; }
td, th { padding: 2px 8px; text-align: left; vertical-align: middle; }
tr:nth-child(even) { background: #f4f4f4; }
.bar { background: #ddd; height: 14px; width: 100%; min-width: 120px; position: relative; }
.bar > span { display: block; height: 100%; }
.count { background: #4a6fa5; } .ok { background: #3a8f4b; } .mid { background: #d9a520; } .low { background: #c0392b; }
.num { text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }
.cell { display: flex; align-items: center; gap: 6px; }
.cell > .bar { flex: 1; min-width: 60px; }
.cell > .num { min-width: 4.5em; font-size: 0.85em; color: #555; }
.status { color: #c0392b; font-weight: bold; }
"""


def _bar(fraction, kind=None):
    """A horizontal bar FRACTION full: green, amber or red by how good it is, or KIND."""
    fraction = max(0.0, min(1.0, fraction))
    kind = kind or ("ok" if fraction >= 0.8 else "mid" if fraction >= 0.5 else "low")
    return (f'<div class="bar"><span class="{kind}" '
            f'style="width:{fraction * 100:.1f}%"></span></div>')


def _test_rates(book):
    """(name, passed, graded) per test, lowest pass rate first."""
    rates = {}
    for entry in book:
        for name, ok in entry.get("passed", {}).items():
            passed, graded = rates.get(name, (0, 0))
            rates[name] = (passed + bool(ok), graded + 1)
    rows = [(name, p, g) for name, (p, g) in rates.items()]
    return sorted(rows, key=lambda r: (r[1] / r[2], r[0]))


def _part_of(test_name):
    """'task3: 3.c conductor ...' -> 'task3 3.c'; a test named after no part -> 'task3 (kit)'."""
    task, _, rest = test_name.partition(": ")
    first = rest.split(" ", 1)[0]
    return f"{task} {first}" if re.fullmatch(r"[0-9]+\.[0-9a-z]+", first) else f"{task} (kit)"


def _part_table(book):
    """Pass rates per part: passed (student, test) pairs of the part over graded ones."""
    parts = {}
    for name, passed, graded in _test_rates(book):
        p, g, n = parts.get(_part_of(name), (0, 0, 0))
        parts[_part_of(name)] = (p + passed, g + graded, n + 1)
    rows = ['<table><tr><th>part</th><th class=num>tests</th><th class=num>passed</th>'
            '<th style="width:50%"></th></tr>']
    for part, (passed, graded, tests) in sorted(parts.items(),
                                                key=lambda kv: (kv[1][0] / kv[1][1], kv[0])):
        rows.append(f"<tr><td>{escape(part)}</td><td class=num>{tests}</td>"
                    f"<td class=num>{100 * passed / graded:.0f}%</td>"
                    f"<td>{_bar(passed / graded)}</td></tr>")
    rows.append("</table>")
    return "\n".join(rows)


def _pass_rate_table(book):
    rows = ['<table><tr><th>test</th><th class=num>passed by</th><th style="width:40%"></th></tr>']
    for name, passed, graded in _test_rates(book):
        rows.append(f"<tr><td>{escape(name)}</td><td class=num>{passed}/{graded}</td>"
                    f"<td>{_bar(passed / graded)}</td></tr>")
    rows.append("</table>")
    return "\n".join(rows)


def _distribution_table(book):
    bins = [0] * 10
    for entry in book:
        if entry["status"] != "graded":
            continue
        best = entry["max_score"] or 1
        bins[min(9, int(10 * entry["score"] / best))] += 1
    most = max(bins) or 1
    rows = ['<table><tr><th>share of the maximum</th><th>students</th>'
            '<th style="width:60%"></th></tr>']
    for i in reversed(range(10)):
        label = f"{i * 10}–{i * 10 + 10}%" if i < 9 else "90–100%"
        rows.append(f"<tr><td>{label}</td><td class=num>{bins[i]}</td>"
                    f"<td>{_bar(bins[i] / most, 'count')}</td></tr>")
    rows.append("</table>")
    return "\n".join(rows)


def _task_maxima(book):
    maxima = {}
    for entry in book:
        for task, best in entry.get("task_max", {}).items():
            maxima[task] = max(maxima.get(task, 0), best)
    return maxima


def _student_table(book):
    maxima = _task_maxima(book)
    tasks = sorted(maxima)
    head = "".join(f"<th>{escape(t)}</th>" for t in tasks)
    rows = [f"<table><tr><th>student</th><th>status</th><th>score</th>{head}</tr>"]
    for e in sorted(book, key=lambda e: e["student"]):
        status = e["status"] if e["status"] == "graded" else \
            f'<span class=status>{escape(e["status"])}</span>'
        score = f"{e['score']}/{e['max_score']}" if e["status"] == "graded" else "–"
        cells = "".join(
            f'<td><div class=cell>{_bar(e["tasks"].get(t, 0) / (maxima[t] or 1))}'
            f'<span class=num>{e["tasks"].get(t, 0)}/{maxima[t]}</span></div></td>'
            if e["status"] == "graded" else "<td></td>" for t in tasks)
        rows.append(f"<tr><td>{escape(e['student'])}</td><td>{status}</td>"
                    f"<td class=num>{score}</td>{cells}</tr>")
    rows.append("</table>")
    return "\n".join(rows)


def write_html(path, book):
    graded = [e for e in book if e["status"] == "graded"]
    mean = sum(e["score"] for e in graded) / len(graded) if graded else 0
    best = max((e["max_score"] for e in book), default=0)
    others = {}
    for e in book:
        if e["status"] != "graded":
            others[e["status"]] = others.get(e["status"], 0) + 1
    not_graded = "; ".join(f"{n} {escape(status)}" for status, n in sorted(others.items()))
    not_graded = f" Not in the distribution: {not_graded}." if not_graded else ""
    html = f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Gradebook</title>
<style>{STYLE}</style></head><body>
<h1>Gradebook</h1>
<p>{len(book)} submissions, {len(graded)} graded; mean score {mean:.1f} of {best}.</p>
<h2>Which parts the class fails (pass rate per part, lowest first)</h2>
{_part_table(book)}
<h2>Score distribution (graded submissions)</h2>
<p>{len(graded)} graded.{not_graded}</p>
{_distribution_table(book)}
<h2>Students (a bar per task)</h2>
{_student_table(book)}
<h2>Which tests the class fails (pass rate per test, lowest first)</h2>
{_pass_rate_table(book)}
</body></html>
"""
    with open(path, "w") as f:
        f.write(html)
