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
from study.runner.execute import (
    DATA_PREFIX,
    FAILED_DIR,
    OLD_PREFIX,
    STATE_DIR,
    TMP_PREFIX,
    RunOutcome,
    read_unfinished,
    run_manifests,
)
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
table.runs { table-layout: fixed; } table.runs td { overflow-wrap: break-word; }
col.run { width: 18%; } col.status { width: 10%; } col.results { width: 44%; } col.files { width: 12%; } col.when { width: 16%; }
code { font-size: 0.95em; }
"""  # noqa: E501


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


#: Headline numbers listed per run in the index (the first ones, in the notebook's order; the rest are in
#: each run's results.json and report).
INDEX_RESULTS = 12


def format_result(r: dict[str, Any]) -> str:
    """One headline number as text: quantity in words: estimate [lo, hi] (n = …), formatted by
    :func:`study.analysis.prose.headline_frame` (2–3 significant figures, p as ``< 0.001``)."""
    from study.analysis import prose

    row = prose.headline_frame([r], "en").iloc[0]
    text = f"{row.iloc[0]}: {row.iloc[1]}"
    if r.get("n") is not None:
        text += f" (n = {row.iloc[2]})"
    if r.get("reference") is not None:
        text += f"; reference {row.iloc[3]}"
    return text


def _entries(out_root: Path) -> dict[str, dict[str, Any]]:
    ok, failed = run_manifests(out_root)
    entries: dict[str, dict[str, Any]] = {name: {"ok": run} for name, run in ok.items()}
    for name, run in failed.items():
        entries.setdefault(name, {})["failed"] = run
    return entries


def build_index(out_root: Path, outcomes: list[RunOutcome] | None = None) -> Path:
    """Write ``index.html`` into ``out_root`` (atomically) and return its path."""
    out_root = Path(out_root)
    out_root.mkdir(parents=True, exist_ok=True)
    entries = _entries(out_root)
    current = {o.name: o for o in outcomes or []}
    unfinished = read_unfinished(out_root)
    rows = []
    for name in sorted(set(entries) | set(current) | unfinished, key=lambda n: run_sort_key(n, entries)):
        e = entries.get(name, {})
        ok = e.get("ok")
        failed = e.get("failed")
        outcome = current.get(name)
        links, results_html = [], ""
        title = ""
        override = ""
        if ok is not None:
            folder, m = ok
            title = m.get("title", "")
            if m.get("override_of"):
                changed = ", ".join(f"{k} = {v}" for k, v in sorted((m.get("overrides") or {}).items()))
                override = (
                    f'<br><span class="override">override run of <a href="{_esc(m["override_of"])}/">'
                    f"{_esc(m['override_of'])}</a>; changed: {_esc(changed)}</span>"
                )
            for nb in m.get("notebooks", []):
                nbn = nb["notebook"]
                links.append(f'<a href="{_esc(name)}/{_esc(nbn)}.html">{_esc(nbn)} (HTML)</a>')
                links.append(f'<a href="{_esc(name)}/{_esc(nbn)}.ipynb">notebook</a>')
            links.append(f'<a href="{_esc(name)}/results.json">results.json</a>')
            links.append(f'<a href="{_esc(name)}/manifest.json">manifest.json</a>')
            res = (read_json(folder / "results.json") or {}).get("results", [])
            shown = "".join(f"<li>{_esc(format_result(r))}</li>" for r in res[:INDEX_RESULTS])
            if len(res) > INDEX_RESULTS:  # the rest in the run's report and results.json, not in the overview
                shown += (
                    f'<li class="more">… {len(res) - INDEX_RESULTS} more in the '
                    f'<a href="{_esc(name)}/results.json">results.json</a> and the report</li>'
                )
            results_html = f'<ul class="results">{shown}</ul>'
        # the latest attempt decides the status
        status, when, secs, note = "ok", "", "", ""
        if ok is not None:
            when, secs = ok[1].get("ended", ""), ok[1].get("seconds", "")
        if failed is not None and (ok is None or str(failed[1].get("started", "")) > str(ok[1].get("started", ""))):
            folder, m = failed
            title = title or m.get("title", "")
            status, when, secs = "failed", m.get("ended", ""), m.get("seconds", "")
            err = (m.get("error") or {}).get("message", "")
            partial = [
                f'<a href="{FAILED_DIR}/{_esc(name)}/{_esc(nb["notebook"])}.ipynb">partial notebook</a>'
                for nb in m.get("notebooks", [])
                if (folder / f"{nb['notebook']}.ipynb").is_file()
            ]
            note = f'<br><span class="failed">{_esc(err)}</span> ' + " ".join(partial)
            if ok is not None:
                note += " · the links show the last successful run"
        if (outcome is not None and outcome.status == "interrupted") or (
            name in unfinished and (outcome is None or outcome.status not in ("ok", "failed", "invalid"))
        ):
            status = "interrupted"
            note = (
                '<br><span class="interrupted">the last run did not finish (interrupted); '
                "<code>study report</code> runs it again</span>"
            )
            if ok is not None:
                note += " · the links show the last successful run"
        elif outcome is not None and outcome.status == "invalid":
            status, note = "invalid", f'<br><span class="invalid">{_esc(outcome.message)}</span>'
        elif outcome is not None and outcome.status == "skipped" and outcome.message.startswith("heavy"):
            status = "not run" if ok is None else status  # a heavy set: left out of the default report
            note += f'<br><span class="meta">{_esc(outcome.message)}</span>'
        elif outcome is not None and outcome.status == "skipped" and status == "ok":
            note += ' <span class="meta">(unchanged, not re-run)</span>'
        secs_text = f"{secs:.1f}" if isinstance(secs, (int, float)) else ""
        rows.append(
            f'<tr><td><strong>{_esc(name)}</strong><br><span class="meta">{_esc(title)}</span>{override}</td>'
            f'<td class="{status}">{status}{note}</td><td>{results_html}</td>'
            f'<td>{" · ".join(links)}</td><td class="meta">{_esc(when)}<br>{secs_text} s</td></tr>'
        )
    body = "\n".join(rows) or '<tr><td colspan="5">No reports yet: run <code>study report</code>.</td></tr>'
    page = f"""<!DOCTYPE html>
<html lang="ja">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Study reports — 包括的支援体制 FY2019</title>
<style>{CSS}{START_CSS}</style>
</head>
<body>
<h1>Study reports</h1>
<p>Japan's FY2019 包括的支援体制 model-project plans: one row per parameter set (<code>params/*.yaml</code>),
made by <code>study report</code>. Headline numbers are estimates with their intervals and sample size n.</p>
{start_here_html(out_root)}
<h2>Runs</h2>
<table class="runs">
<colgroup><col class="run"><col class="status"><col class="results"><col class="files"><col class="when"></colgroup>
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
    from study.runner.datapage import build_data_page
    from study.runner.studydoc import build_study_documents

    build_study_documents(out_root)  # reports/study.html, study.en.html (+ PDFs when Chromium is installed)
    build_data_page(out_root)  # reports/data.html: the entities with clickable provenance
    return path


# --- the reader's entry: run order, "start here", findings in words (additive; see build_index) ------

#: Order of the notebooks on the index: the data audit, then Q1–Q6.
NOTEBOOK_ORDER = ("00_data_audit", "10_staffing", "20_targets", "30_typology", "40_robustness")

START_CSS = """
.start { background: #f6f8fb; border: 1px solid #d8e0ea; padding: 0.6em 1.2em 1em; margin: 1em 0 1.5em; }
.start h2 { margin-top: 0.6em; } .start h3 { font-size: 1.02em; margin: 1em 0 0.2em; }
.start p { margin: 0.3em 0; line-height: 1.6; } .start .ja { color: #333; }
.stale { color: #8a5a00; font-weight: bold; }
"""


def _run_notebook(name: str, entry: dict[str, Any]) -> str | None:
    for key in ("ok", "failed"):
        if key in entry:
            nbs = entry[key][1].get("notebooks") or []
            if nbs:
                return str(nbs[0].get("notebook"))
    return None


def run_sort_key(name: str, entries: dict[str, dict[str, Any]]) -> tuple[int, int, str]:
    """Index order of a run: by notebook (data audit, then Q1–Q6), the default run first, then by name."""
    from study.runner.studydoc import DEFAULT_RUNS

    nb = _run_notebook(name, entries.get(name, {}))
    rank = NOTEBOOK_ORDER.index(nb) if nb in NOTEBOOK_ORDER else len(NOTEBOOK_ORDER)
    return (rank, 0 if DEFAULT_RUNS.get(nb or "") == name else 1, name)


def stale_reasons(manifest: dict[str, Any]) -> list[str]:
    """Why a successful run no longer matches the code it ran: its notebook or raw data changed since.

    Parameters
    ----------
    manifest : dict
        The run's manifest.json.

    Returns
    -------
    list of str
        Empty when the notebooks and the raw file still have the hashes recorded in the manifest.
    """
    from study.paths import project_root
    from study.runner.processed import file_sha256
    from study.runner.registry import notebook_path

    out = []
    for nb in manifest.get("notebooks") or []:
        try:
            path = notebook_path(nb["notebook"])
        except (KeyError, ValueError):
            continue
        if nb.get("sha256") and path.is_file() and file_sha256(path) != nb["sha256"]:
            out.append(f"notebook {nb['notebook']} changed since this run")
    data = manifest.get("data") or {}
    raw = project_root() / str(data.get("raw_file", ""))
    if data.get("raw_sha256") and data.get("raw_file") and raw.is_file() and file_sha256(raw) != data["raw_sha256"]:
        out.append("raw data changed since this run")
    return out


def start_here_html(out_root: Path) -> str:
    """The "start here" block: what the study is, the study documents, and the findings per question in
    words (English, then Japanese), each linked to its report, with failed or stale runs said plainly."""
    from study.analysis import prose
    from study.runner.studydoc import DEFAULT_RUNS

    entries = _entries(Path(out_root))
    blocks = []
    for key in ["audit", *prose.QUESTIONS]:
        notebook = "00_data_audit" if key == "audit" else prose.QUESTIONS[key]["notebook"]
        run = DEFAULT_RUNS[notebook]
        e = entries.get(run, {})
        title_en, title_ja = prose.question_title(key, "en"), prose.question_title(key, "ja")
        if "ok" not in e:
            note = "failed — see the table below" if "failed" in e else "not run yet — run <code>study report</code>"
            blocks.append(f'<h3>{_esc(title_en)}</h3><p class="failed">{note}</p>')
            continue
        folder, m = e["ok"]
        records = (read_json(folder / "results.json") or {}).get("results", [])
        en = prose.summary(notebook, records, "en").get(key, "")
        ja = prose.summary(notebook, records, "ja").get(key, "")
        warn = []
        if "failed" in e and str(e["failed"][1].get("started", "")) > str(m.get("started", "")):
            warn.append("the latest run failed; these are the numbers of the last successful run")
        warn += stale_reasons(m)
        warn_html = f' <span class="stale">({_esc("; ".join(warn))})</span>' if warn else ""
        link = f"{_esc(run)}/{_esc(notebook)}.html"
        blocks.append(
            f'<h3><a href="{link}">{_esc(title_en)}</a></h3><p>{_esc(en)}{warn_html}</p>'
            f'<p class="ja" lang="ja">{_esc(title_ja)} — {_esc(ja)}</p>'
        )
    return (
        '<section class="start" id="start-here"><h2>Start here</h2>'
        "<p>This site reports a study of the plans that Japanese municipalities wrote for the FY2019 model projects of "
        "a comprehensive support system (包括的支援体制): how many comprehensive-consultation coordinators "
        "(相談支援包括化推進員) they plan, whether they set measurable targets, and whether they fall into types. Read "
        'the whole study as one document — <a href="study.html">study.html (日本語)</a> · <a '
        'href="study.en.html">study.en.html (English)</a> — or start from the findings below, each linked to its full '
        "report. The data audit comes first: it says what the cleaning changed and whom the sample describes. <a "
        'href="data.html">The data page</a> lists every plan; each value links to the raw text it was read from, its '
        "source line and the rule that corrected it.</p>" + "".join(blocks) + "</section>"
    )
