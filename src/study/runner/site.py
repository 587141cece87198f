"""``reports/index.html``: every report with its status and headline numbers.

Static HTML with inline CSS and no scripts, so it reads offline and from a
file:// URL. Built from the ``manifest.json`` and ``results.json`` files in the
reports folder (and the statuses of the current invocation, for parameter sets
that could not even start).
"""

from __future__ import annotations

import html
from pathlib import Path
from typing import Any

from study.atomic import write_atomic
from study.runner.execute import DATA_PREFIX, FAILED_DIR, OLD_PREFIX, STATE_DIR, TMP_PREFIX, RunOutcome, read_unfinished
from study.runner.manifest import now, read_json

#: The index page of the reports folder.
INDEX = "index.html"
#: Every name the site itself uses in the reports folder (files, folders, prefixes of temporary
#: folders). None can be a run name: each has a '.' or starts with '_' or '.', which the run-name
#: pattern (:data:`study.runner.params.NAME_RE`) excludes (checked by a test).
SITE_NAMES = (INDEX, FAILED_DIR, STATE_DIR, TMP_PREFIX, OLD_PREFIX, DATA_PREFIX, f".{INDEX}.tmp-")

CSS = """
body { font-family: system-ui, "IPAexGothic", "Noto Sans CJK JP", sans-serif; margin: 2em auto; max-width: 1200px; padding: 0 1em; color: #222; }
h1 { font-size: 1.7em; } h2 { font-size: 1.2em; margin-top: 1.5em; }
table { border-collapse: collapse; width: 100%; font-size: 0.93em; }
th, td { border: 1px solid #ccc; padding: 5px 8px; text-align: left; vertical-align: top; }
th { background: #f2f2f2; }
.ok { color: #176117; font-weight: bold; } .failed, .invalid { color: #a40000; font-weight: bold; }
.interrupted { color: #9a5b00; font-weight: bold; }
.meta { color: #555; font-size: 0.9em; }
ul.results { margin: 0; padding-left: 1.1em; }
code { font-size: 0.95em; }
"""


def _esc(x: Any) -> str:
    return html.escape(str(x), quote=True)


def _fmt(x: Any) -> str:
    if x is None:
        return "—"
    if isinstance(x, float):
        return f"{x:,.4g}" if abs(x) < 1e5 else f"{x:,.0f}"
    if isinstance(x, int):
        return f"{x:,}"
    return str(x)


def format_result(r: dict[str, Any]) -> str:
    """One headline number as text: label: estimate [lo, hi] unit (n = …)."""
    text = f"{r.get('label') or r['name']}: {_fmt(r.get('estimate'))}"
    if r.get("interval"):
        lo, hi = r["interval"]
        text += f" [{_fmt(lo)}, {_fmt(hi)}]"
    if r.get("unit"):
        text += f" {r['unit']}"
    if r.get("n") is not None:
        text += f" (n = {r['n']})"
    if r.get("reference") is not None:
        text += f"; reference {_fmt(r['reference'])}"
    return text


def _entries(out_root: Path) -> dict[str, dict[str, Any]]:
    entries: dict[str, dict[str, Any]] = {}
    if not out_root.is_dir():
        return entries
    for folder in sorted(out_root.iterdir()):
        if not folder.is_dir() or folder.name.startswith((".", "_")):
            continue
        m = read_json(folder / "manifest.json")
        if m and m.get("status") == "ok":
            entries[folder.name] = {"ok": (folder, m)}
    failed_root = out_root / FAILED_DIR
    if failed_root.is_dir():
        for folder in sorted(failed_root.iterdir()):
            m = read_json(folder / "manifest.json")
            if m:
                entries.setdefault(folder.name, {})["failed"] = (folder, m)
    return entries


def build_index(out_root: Path, outcomes: list[RunOutcome] | None = None) -> Path:
    """Write ``index.html`` into ``out_root`` (atomically) and return its path."""
    out_root = Path(out_root)
    out_root.mkdir(parents=True, exist_ok=True)
    entries = _entries(out_root)
    current = {o.name: o for o in outcomes or []}
    unfinished = read_unfinished(out_root)
    rows = []
    for name in sorted(set(entries) | set(current) | unfinished):
        e = entries.get(name, {})
        ok = e.get("ok")
        failed = e.get("failed")
        outcome = current.get(name)
        links, results_html = [], ""
        title = ""
        if ok is not None:
            folder, m = ok
            title = m.get("title", "")
            for nb in m.get("notebooks", []):
                nbn = nb["notebook"]
                links.append(f'<a href="{_esc(name)}/{_esc(nbn)}.html">{_esc(nbn)} (HTML)</a>')
                links.append(f'<a href="{_esc(name)}/{_esc(nbn)}.ipynb">notebook</a>')
            links.append(f'<a href="{_esc(name)}/results.json">results.json</a>')
            links.append(f'<a href="{_esc(name)}/manifest.json">manifest.json</a>')
            res = (read_json(folder / "results.json") or {}).get("results", [])
            results_html = "<ul class=\"results\">" + "".join(f"<li>{_esc(format_result(r))}</li>" for r in res) + "</ul>"
        # the latest attempt decides the status
        status, when, secs, note = "ok", "", "", ""
        if ok is not None:
            when, secs = ok[1].get("ended", ""), ok[1].get("seconds", "")
        if failed is not None and (ok is None or str(failed[1].get("started", "")) > str(ok[1].get("started", ""))):
            folder, m = failed
            title = title or m.get("title", "")
            status, when, secs = "failed", m.get("ended", ""), m.get("seconds", "")
            err = (m.get("error") or {}).get("message", "")
            partial = [f'<a href="{FAILED_DIR}/{_esc(name)}/{_esc(nb["notebook"])}.ipynb">partial notebook</a>'
                       for nb in m.get("notebooks", []) if (folder / f'{nb["notebook"]}.ipynb').is_file()]
            note = f"<br><span class=\"failed\">{_esc(err)}</span> " + " ".join(partial)
            if ok is not None:
                note += " · the links show the last successful run"
        if (outcome is not None and outcome.status == "interrupted") or (
                name in unfinished and (outcome is None or outcome.status not in ("ok", "failed", "invalid"))):
            status = "interrupted"
            note = ("<br><span class=\"interrupted\">the last run did not finish (interrupted); "
                    "<code>study report</code> runs it again</span>")
            if ok is not None:
                note += " · the links show the last successful run"
        elif outcome is not None and outcome.status == "invalid":
            status, note = "invalid", f"<br><span class=\"invalid\">{_esc(outcome.message)}</span>"
        elif outcome is not None and outcome.status == "skipped" and outcome.message.startswith("heavy"):
            status = "not run" if ok is None else status  # a heavy set: left out of the default report
            note += f"<br><span class=\"meta\">{_esc(outcome.message)}</span>"
        elif outcome is not None and outcome.status == "skipped" and status == "ok":
            note += " <span class=\"meta\">(unchanged, not re-run)</span>"
        secs_text = f"{secs:.1f}" if isinstance(secs, (int, float)) else ""
        rows.append(
            f"<tr><td><strong>{_esc(name)}</strong><br><span class=\"meta\">{_esc(title)}</span></td>"
            f"<td class=\"{status}\">{status}{note}</td><td>{results_html}</td>"
            f"<td>{' · '.join(links)}</td><td class=\"meta\">{_esc(when)}<br>{secs_text} s</td></tr>"
        )
    body = "\n".join(rows) or '<tr><td colspan="5">No reports yet: run <code>study report</code>.</td></tr>'
    page = f"""<!DOCTYPE html>
<html lang="ja">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Study reports — 包括的支援体制 FY2019</title>
<style>{CSS}</style>
</head>
<body>
<h1>Study reports</h1>
<p>Japan's FY2019 包括的支援体制 model-project plans: one row per parameter set (<code>params/*.yaml</code>),
made by <code>study report</code>. Headline numbers are estimates with their intervals and sample size n.</p>
<h2>Runs</h2>
<table>
<tr><th>run</th><th>status</th><th>headline numbers</th><th>files</th><th>finished (UTC), seconds</th></tr>
{body}
</table>
<p class="meta">Index written {_esc(now())}. Every report folder has a manifest.json with its parameters, data hash,
package versions and git commit.</p>
</body>
</html>
"""
    path = out_root / INDEX
    write_atomic(path, page, fsync=False)
    return path
