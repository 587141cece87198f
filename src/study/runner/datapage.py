"""``reports/data.html``: the cleaned entities with provenance you can click.

One static page (no network; a small inline script sorts and filters the table offline). The table
lists every entity with its key values; each value links to its provenance — the raw text it was read
from, the source line of the raw file and, when the cleaning changed it, the rule that did (with the
rule's description) — and each entity links to its whole raw block, printed with line numbers so that
every source line is an anchor (``#L<line>``).

Built from the cleaned tables (``entities.csv``, ``provenance.csv``, ``corrections.csv``,
``rules.csv``) and the raw file they were cleaned from.
"""

from __future__ import annotations

import html
import re
from pathlib import Path
from typing import Any

from study.atomic import write_atomic

#: Columns of the overview table (entity columns; every value of every column is in the details).
OVERVIEW = (
    "municipality",
    "lg_code",
    "prefecture",
    "level",
    "population",
    "aging_rate_pct",
    "welfare_rate_permille",
    "hokatsu_total",
    "konkyu_total",
    "staff_planned",
    "n_quantified_targets",
    "has_outcome_target",
)

CSS = """
@font-face { font-family: 'IPAexGothic Study'; src: url('_assets/ipaexg.ttf') format('truetype'); }
body { font-family: 'IPAexGothic Study', sans-serif; margin: 1.5em auto; max-width: 1250px; padding: 0 1em; color: #1d1d1d; }
h1 { font-size: 1.5em; } h2 { font-size: 1.2em; margin-top: 1.6em; }
table { border-collapse: collapse; font-size: 0.85em; }
th, td { border-bottom: 1px solid #ddd; padding: 3px 7px; text-align: left; vertical-align: top; }
th { background: #f2f2f2; position: sticky; top: 0; }
#entities th { cursor: pointer; user-select: none; } #entities th:after { content: " ⇅"; color: #999; }
td.num { text-align: right; white-space: nowrap; }
a.v { text-decoration: none; border-bottom: 1px dotted #36c; color: inherit; } a.v.corrected { background: #fff4d6; }
.wrap { overflow-x: auto; max-width: 100%; }
input#q { font: inherit; padding: 4px 8px; width: 22em; max-width: 100%; }
details { margin: 0.4em 0 1em; } summary { cursor: pointer; color: #36c; }
pre.raw { background: #f7f7f7; padding: 0.5em; font-size: 0.8em; white-space: pre-wrap; overflow-wrap: anywhere; }
pre.raw span { display: block; } pre.raw span:target { background: #ffe48a; }
pre.raw b { color: #888; font-weight: normal; display: inline-block; min-width: 4.2em; user-select: none; }
.meta { color: #555; font-size: 0.9em; } tr.detail:target { background: #ffe48a; }
section.entity { border-top: 1px solid #ccc; margin-top: 1.2em; } section.entity:target h3 { background: #ffe48a; }
"""  # noqa: E501

SCRIPT = """
(function () {
  var table = document.getElementById('entities'), body = table.tBodies[0];
  document.getElementById('q').addEventListener('input', function () {
    var q = this.value.trim().toLowerCase(), shown = 0;
    Array.prototype.forEach.call(body.rows, function (r) {
      var hit = !q || r.textContent.toLowerCase().indexOf(q) >= 0; r.style.display = hit ? '' : 'none'; if (hit) shown++; });
    document.getElementById('count').textContent = shown;
  });
  Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th, i) {
    th.addEventListener('click', function () {
      var asc = th.getAttribute('data-dir') !== 'asc';
      Array.prototype.forEach.call(table.tHead.rows[0].cells, function (h) { h.removeAttribute('data-dir'); });
      th.setAttribute('data-dir', asc ? 'asc' : 'desc');
      var rows = Array.prototype.slice.call(body.rows);
      rows.sort(function (a, b) {
        var x = a.cells[i].getAttribute('data-sort'), y = b.cells[i].getAttribute('data-sort');
        var nx = parseFloat(x), ny = parseFloat(y), c;
        if (!isNaN(nx) && !isNaN(ny)) c = nx - ny; else if (x === '') c = 1; else if (y === '') c = -1; else c = x < y ? -1 : x > y ? 1 : 0;
        return asc ? c : -c;
      });
      rows.forEach(function (r) { body.appendChild(r); });
    });
  });
  function openTarget() {  // a link into a closed raw block opens it
    var el = location.hash && document.getElementById(location.hash.slice(1));
    for (var p = el; p; p = p.parentElement) if (p.tagName === 'DETAILS') p.open = true;
    if (el) el.scrollIntoView();
  }
  window.addEventListener('hashchange', openTarget); openTarget();
})();
"""  # noqa: E501


def _esc(x: Any) -> str:
    return html.escape("" if x is None else str(x), quote=True)


def _is_missing(v: Any) -> bool:
    return v is None or (isinstance(v, float) and v != v) or str(v) in ("", "<NA>", "nan")


def data_page_html(data_dir: Path, raw_path: Path) -> str:
    """The page's HTML.

    Parameters
    ----------
    data_dir : pathlib.Path
        Folder of the cleaned tables.
    raw_path : pathlib.Path
        The raw file they were cleaned from (UTF-8 or as the cleaning reads it).

    Returns
    -------
    str
        A complete HTML page.
    """
    import pandas as pd

    from study.analysis.codebook import distinct_labels
    from study.analysis.tables import read_csv
    from study.clean.rawfile import read_raw

    ent = pd.read_csv(data_dir / "entities.csv", dtype="string", keep_default_na=False, na_values=[""])
    prov = read_csv(data_dir / "provenance.csv")
    corr = read_csv(data_dir / "corrections.csv")
    rules = read_csv(data_dir / "rules.csv").set_index("rule")[["label_ja", "label_en", "description"]].to_dict("index")
    lines = read_raw(raw_path).lines
    ja, en = distinct_labels(list(ent.columns), "ja"), distinct_labels(list(ent.columns), "en")
    prov_by = {(r.entity_id, r.field): r for r in prov.itertuples(index=False)}
    corr_by: dict[tuple[str, str], list[Any]] = {}
    for r in corr.itertuples(index=False):
        corr_by.setdefault((r.entity_id, r.field), []).append(r)
    starts = sorted(int(x) for x in ent["source_line"].dropna())
    ends = {s: (starts[i + 1] - 1 if i + 1 < len(starts) else len(lines)) for i, s in enumerate(starts)}

    head = "".join(
        f'<th title="{_esc(en[c])}">{_esc(ja[c])}<br><span class="meta">{_esc(en[c])}</span></th>' for c in OVERVIEW
    )
    # columns of numbers: right-aligned, their missing values ("–") too
    numeric_cols = {c for c in OVERVIEW if c != "lg_code" and any(_numeric(v) for v in ent[c])}
    rows, sections = [], []
    for e in ent.itertuples(index=False):
        eid = str(e.entity_id)
        cells = []
        for c in OVERVIEW:
            v = getattr(e, c)
            shown = "–" if _is_missing(v) else _as_printed(v, c)
            cls = " corrected" if (eid, c) in corr_by else ""
            sort = "" if _is_missing(v) else str(v)
            inner = f'<a class="v{cls}" href="#p-{_esc(eid)}-{_esc(c)}">{_esc(shown)}</a>'
            if c == "municipality":  # the plan's name (a prefecture plan has no municipality)
                label = shown if not _is_missing(v) else str(e.prefecture)
                inner = f'<a href="#e-{_esc(eid)}"><strong>{_esc(label)}</strong></a>'
            num_cls = ' class="num"' if c in numeric_cols and (_numeric(v) or _is_missing(v)) else ""
            cells.append(f'<td data-sort="{_esc(sort)}"{num_cls}>{inner}</td>')
        rows.append("<tr>" + "".join(cells) + "</tr>")
        start = int(e.source_line) if not _is_missing(e.source_line) else None
        detail = []
        for c in ent.columns:
            v = getattr(e, c)
            p = prov_by.get((eid, c))
            cs = corr_by.get((eid, c), [])
            line = cs[0].source_line if cs else (p.source_line if p is not None else None)
            raw = cs[0].raw if cs else (p.raw if p is not None else None)
            line_html = "–" if _is_missing(line) else f'<a href="#L{int(line)}">{int(line)}</a>'
            rule_html = "; ".join(_rule_html(x.rule, rules) for x in cs) or "–"
            detail.append(
                f'<tr class="detail" id="p-{_esc(eid)}-{_esc(c)}"><td>{_esc(ja[c])}<br><span '
                f'class="meta">{_esc(en[c])} · '
                f"<code>{_esc(c)}</code></span></td><td>{_esc('–' if _is_missing(v) else v)}</td>"
                f"<td>{_esc('–' if _is_missing(raw) else raw)}</td><td>{line_html}</td><td>{rule_html}</td></tr>"
            )
        block = ""
        if start is not None:
            end = ends.get(start, start)
            block = "".join(
                f'<span id="L{i}"><b>{i}</b>{_esc(lines[i - 1])}</span>' for i in range(start, min(end, len(lines)) + 1)
            )
        name = f"{e.municipality if not _is_missing(e.municipality) else e.prefecture}"
        code = "" if _is_missing(e.lg_code) else f" ({_esc(e.lg_code)})"
        sections.append(
            f'<section class="entity" id="e-{_esc(eid)}"><h3>{_esc(name)}{code} <span '
            f'class="meta">{_esc(e.prefecture)} · '
            f"{_esc(e.level)} · lines {start}–{ends.get(start, start) if start else ''}</span></h3>"
            f"<details><summary>raw block 原文 (lines {start}–{ends.get(start, start) if start else ''})</summary>"
            f'<pre class="raw">{block}</pre></details>'
            "<details><summary>every value with its raw text, source line and correcting rule</summary><div "
            'class="wrap"><table>'
            "<tr><th>field 項目</th><th>value 値</th><th>raw text 原文</th><th>line 行</th><th>rule "
            "修正ルール</th></tr>"
            f"{''.join(detail)}</table></div></details></section>"
        )
    return f"""<!DOCTYPE html>
<html lang="ja">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Data — the cleaned plans with their provenance</title>
<style>{CSS}</style>
</head>
<body>
<p class="meta"><a href="index.html">← all reports</a> · <a href="study.en.html">the study</a></p>
<h1>The data: {len(ent)} plans and where every value comes from</h1>
<p>One row per plan (entity) of the cleaned table. Click a value to see the raw text it was read from, its line in
<code>{_esc(raw_path.name)}</code> and the rule that corrected it (highlighted values were corrected); click a name for the
plan's whole raw block. Municipality names are as printed, with the 全国地方公共団体コード. Click a header to sort; type to
filter (<span id="count">{len(ent)}</span> shown).</p>
<p><input id="q" type="search" placeholder="filter: 名前, code, value…" aria-label="filter the table"></p>
<div class="wrap"><table id="entities"><thead><tr>{head}</tr></thead><tbody>
{"".join(rows)}
</tbody></table></div>
<h2>Provenance by entity</h2>
{"".join(sections)}
<script>{SCRIPT}</script>
</body>
</html>
"""  # noqa: E501


def _rule_html(rule: str, rules: dict[str, dict[str, str]]) -> str:
    """A correcting rule for readers: its Japanese and English labels, then what it does (``code`` spans of
    the description as <code>) and its id."""
    r = rules.get(rule)
    if r is None:
        return f"<code>{_esc(rule)}</code>"
    desc = re.sub(r"``(.+?)``", lambda m: f"<code>{m.group(1)}</code>", _esc(r["description"]))
    return (
        f"<strong>{_esc(r['label_ja'])}</strong> · {_esc(r['label_en'])}<br>"
        f'<span class="meta">{desc} (<code>{_esc(rule)}</code>)</span>'
    )


def _as_printed(v: Any, column: str) -> str:
    """A cleaned value as the table holds it (full precision); whole numbers with thousands separators."""
    s = str(v)
    if column != "lg_code" and _numeric(v) and float(s) == int(float(s)) and abs(float(s)) >= 1000:
        return f"{int(float(s)):,}"
    return s


def _numeric(v: Any) -> bool:
    if _is_missing(v):
        return False
    try:
        float(str(v))
    except ValueError:
        return False
    return str(v).lower() not in ("true", "false", "nan", "inf")


def build_data_page(
    out_root: Path | str, data_dir: Path | str | None = None, raw_path: Path | str | None = None
) -> Path:
    """Write ``<out_root>/data.html`` (atomically) and return its path.

    Parameters
    ----------
    out_root : pathlib.Path or str
        The reports folder.
    data_dir : pathlib.Path or str, optional
        Cleaned tables (default ``data/processed/``).
    raw_path : pathlib.Path or str, optional
        Raw file (default the bundled ``data/raw/hokatsu_plans.txt``).
    """
    from study.paths import bundled_raw, processed_dir
    from study.runner.studydoc import install_font

    out_root = Path(out_root)
    out_root.mkdir(parents=True, exist_ok=True)
    install_font(out_root)
    page = data_page_html(
        Path(data_dir) if data_dir else processed_dir(), Path(raw_path) if raw_path else bundled_raw()
    )
    path = out_root / "data.html"
    write_atomic(path, page, fsync=False)
    return path
