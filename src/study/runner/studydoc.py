"""The study as one document: ``reports/study.html`` (Japanese) and ``reports/study.en.html`` (English).

Assembled from the default runs' outputs (``results.json``, figures, ``manifest.json``): the questions,
the findings in words (:func:`study.analysis.prose.findings`, from the headline records, so the text
does not depend on the runs' label language), numbered figures and tables, the data-audit summary,
limits, methods and a citation block (package version, git commit, raw-data SHA-256). Figures are
taken from a run with the document's label language and otherwise the same parameters when there is
one, else from the default run.

The pages use the IPAexGothic font shipped by matplotlib-fontja through ``@font-face`` (copied to
``reports/_assets/``), so they do not depend on the system's fonts; they load nothing from the network.
:func:`print_pdfs` prints them with headless Chromium when it is on PATH (``study.pdf``,
``study.en.pdf``), else says in one line how to get them.
"""

from __future__ import annotations

import html
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Any

from study import catalogue
from study.atomic import write_atomic
from study.runner.execute import run_manifests
from study.runner.manifest import read_json

#: Assets folder of the site (the font), inside the reports folder.
ASSETS = "_assets"
FONT_FILE = "ipaexg.ttf"
#: The default run of each notebook (its parameter set has the notebook's defaults).
DEFAULT_RUNS = {
    "00_data_audit": "data_audit",
    "10_staffing": "staffing",
    "20_targets": "targets",
    "30_typology": "typology",
    "40_robustness": "robustness",
}
#: Document file per language.
DOCUMENTS = {"ja": "study.html", "en": "study.en.html"}

#: Figures of each section: (run's notebook, figure stem); their captions are in :data:`CAPTIONS`.
FIGURES: dict[str, list[tuple[str, str]]] = {
    "audit": [("00_data_audit", "sample_vs_national")],
    "Q1": [("10_staffing", "q1_staff_vs_population"), ("10_staffing", "q1_elasticity")],
    "Q2": [("10_staffing", "q2_need")],
    "Q4": [("20_targets", "target_shares"), ("20_targets", "outcome_target_odds_ratios")],
    "Q5": [("30_typology", "pca_map"), ("30_typology", "cluster_outcomes")],
    "Q6": [("40_robustness", "specification_curve")],
}

# The fixed text of the document, by key and language (study/texts/studydoc.toml, read by study.catalogue).
#: Title, lead, headings and notes.
TEXT = catalogue.table("studydoc", "document")
#: Limits of each section (``audit``, ``Q1``…``Q6``).
LIMITS = catalogue.table("studydoc", "limits")
#: The methods paragraph.
METHODS = catalogue.table("studydoc", "methods")["summary"]
#: Caption of each figure, by figure stem.
CAPTIONS = catalogue.table("studydoc", "figure_captions")
#: Words of the citation block.
CITATION = catalogue.table("studydoc", "citation")


def _esc(x: Any) -> str:
    return html.escape(str(x), quote=True)


def font_face_css(prefix: str = "") -> str:
    """``@font-face`` for the bundled IPAexGothic (file in ``_assets/``, path relative to the page)."""
    return (
        f"@font-face {{ font-family: 'IPAexGothic Study'; src: url('{prefix}{ASSETS}/{FONT_FILE}') format('truetype')"
        f"; }}\n"
    )


def install_font(out_root: Path) -> Path:
    """Copy the IPAexGothic file shipped by matplotlib-fontja to ``<out_root>/_assets/`` (when missing or changed)."""
    from study.analysis.plotting import font_path

    src = Path(font_path())
    dest = Path(out_root) / ASSETS / FONT_FILE
    dest.parent.mkdir(parents=True, exist_ok=True)
    if not dest.is_file() or dest.stat().st_size != src.stat().st_size:
        shutil.copyfile(src, dest)
    return dest


CSS = """
body { font-family: 'IPAexGothic Study', sans-serif; margin: 2em auto; max-width: 920px; padding: 0 1.2em; color: #1d1d1d;
  line-height: 1.65; overflow-wrap: anywhere; }
h1 { font-size: 1.65em; line-height: 1.3; } h2 { font-size: 1.3em; margin-top: 2em; border-bottom: 1px solid #ccc; }
h3 { font-size: 1.08em; margin-top: 1.4em; }
figure { margin: 1.2em 0; } figure img { max-width: 100%; height: auto; border: 1px solid #eee; }
figcaption, caption { font-size: 0.9em; color: #333; text-align: left; margin: 0.3em 0; }
table { border-collapse: collapse; font-size: 0.9em; margin: 0.8em 0; max-width: 100%; }
th, td { border-bottom: 1px solid #ddd; padding: 3px 8px; text-align: left; vertical-align: top; }
td.num { text-align: right; white-space: nowrap; }
.cite { background: #f5f5f5; padding: 0.8em 1em; font-size: 0.88em; border-left: 3px solid #888; }
.cite code { word-break: break-all; }
.meta { color: #555; font-size: 0.9em; }
.findings p { margin: 0.5em 0; }
nav ol { padding-left: 1.3em; }
@media print { body { max-width: none; margin: 0; } a { color: inherit; text-decoration: none; } figure, table { break-inside: avoid; } }
"""  # noqa: E501


def _runs(out_root: Path) -> dict[str, dict[str, Any]]:
    """Successful runs by name: manifest, results and folder (the last successful one, even if a later attempt
    failed). Override runs (``study run --set``) are left out: the study reports the parameter sets as written."""
    ok, failed = run_manifests(out_root)
    runs: dict[str, dict[str, Any]] = {}
    for name, (folder, m) in ok.items():
        res = read_json(folder / "results.json")
        if res and not m.get("override_of"):  # override runs stay out of the study
            runs[name] = {"manifest": m, "results": res.get("results", []), "folder": folder}
    for name, (_, m) in failed.items():
        if name in runs and str(m.get("started", "")) > str(runs[name]["manifest"].get("started", "")):
            runs[name]["failed_after"] = True
    return runs


def _figure_run(runs: dict[str, dict[str, Any]], notebook: str, lang: str) -> str | None:
    """A run of ``notebook`` in ``lang`` with the default run's other parameters, else the default run."""
    default = DEFAULT_RUNS[notebook]
    if default not in runs:
        return None
    base = dict(runs[default]["manifest"]["parameters"].get(notebook, {}))
    if base.get("label_language") == lang:
        return default
    for name, r in sorted(runs.items()):
        p = dict(r["manifest"]["parameters"].get(notebook, {}) or {})
        if (
            p
            and p.get("label_language") == lang
            and {k: v for k, v in p.items() if k != "label_language"}
            == {k: v for k, v in base.items() if k != "label_language"}
        ):
            return name
    return default


def _table_html(records: list[dict[str, Any]], lang: str, number: int, key: str) -> str:
    from study.analysis import prose

    frame = prose.headline_frame(records, lang)
    head = "".join(f"<th>{_esc(c)}</th>" for c in frame.columns)
    num_cls = ' class="num"'
    rows = "".join(
        "<tr>" + "".join(f"<td{num_cls if i else ''}>{_esc(v)}</td>" for i, v in enumerate(row)) + "</tr>"
        for row in frame.itertuples(index=False)
    )
    what = TEXT["data"][lang] if key == "audit" else key
    cap = f"{TEXT['table'][lang]} {number}. {TEXT['headline'][lang]} ({what})"
    return f"<table><caption>{_esc(cap)}</caption><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>"


def _citation(runs: dict[str, dict[str, Any]], lang: str) -> str:
    from study import __version__

    manifests = [r["manifest"] for r in runs.values()]
    commits = sorted({(m.get("git") or {}).get("commit") or "—" for m in manifests})
    dirty = any((m.get("git") or {}).get("dirty") for m in manifests)
    shas = sorted({(m.get("data") or {}).get("raw_sha256", "") for m in manifests} - {""})
    ended = max((str(m.get("ended", "")) for m in manifests), default="")
    year = ended[:4] or "—"
    dirty_note = CITATION["dirty"][lang] if dirty else ""
    label = [CITATION[k][lang] for k in ("package", "commit", "raw", "runs")]
    return (
        f'<div class="cite"><p><strong>{_esc(TEXT["title"][lang])}</strong> ({_esc(year)}). study '
        f"{_esc(__version__)}.</p>"
        f"<p>{label[0]}: study {_esc(__version__)} · {label[1]}: "
        f"<code>{_esc(', '.join(commits))}</code>{_esc(dirty_note)}<br>"
        f"{label[2]}: <code>{_esc(', '.join(shas) or '—')}</code><br>{label[3]}: {_esc(ended)}</p></div>"
    )


def study_html(out_root: Path, lang: str) -> str:
    """The document in one language (HTML text; paths relative to ``out_root``).

    Parameters
    ----------
    out_root : pathlib.Path
        The reports folder.
    lang : {"ja", "en"}
        Language of the document.

    Returns
    -------
    str
        A complete HTML page.
    """
    from study.analysis import prose

    runs = _runs(Path(out_root))
    fig_no, tab_no = 0, 0
    sections, toc = [], []
    keys = ["audit", *prose.QUESTIONS]
    for key in keys:
        notebook = "00_data_audit" if key == "audit" else prose.QUESTIONS[key]["notebook"]
        run = DEFAULT_RUNS[notebook]
        title = prose.question_title(key, lang)
        anchor = "data-audit" if key == "audit" else key.lower()
        toc.append(f'<li><a href="#{anchor}">{_esc(title)}</a></li>')
        body = [f'<h2 id="{anchor}">{_esc(title)}</h2>']
        if run not in runs:
            body.append(f'<p class="meta">{_esc(TEXT["missing"][lang])}</p>')
            sections.append("\n".join(body))
            continue
        r = runs[run]
        if r.get("failed_after"):
            body.append(f'<p class="meta">{_esc(TEXT["failed"][lang])}</p>')
        sentences = prose.findings(notebook, r["results"], lang).get(key, [])
        body.append('<div class="findings">' + "".join(f"<p>{_esc(s)}</p>" for s in sentences) + "</div>")
        fig_run = _figure_run(runs, notebook, lang) or run
        for nb, stem in FIGURES.get(key, []):
            png = Path(out_root) / fig_run / "figures" / f"{stem}.png"
            if not png.is_file():
                continue
            fig_no += 1
            caption = CAPTIONS[stem]["ja" if lang == "ja" else "en"]
            cap = f"{TEXT['figure'][lang]} {fig_no}. {caption}"
            fig_lang = runs[fig_run]["manifest"]["parameters"].get(nb, {}).get("label_language", lang)
            if fig_lang != lang:
                cap += " " + TEXT["other_labels"][lang]
            alt = caption
            body.append(
                f'<figure><img src="{_esc(fig_run)}/figures/{_esc(stem)}.png" alt="{_esc(alt)}" loading="eager">'
                f"<figcaption>{_esc(cap)}</figcaption></figure>"
            )
        recs = [x for x in r["results"] if prose.question_of(notebook, x["name"]) == key]
        if recs:
            tab_no += 1
            body.append(_table_html(recs, lang, tab_no, key))
        body.append(
            f"<p><strong>{_esc(TEXT['limits'][lang])}.</strong> {_esc(LIMITS[key][lang])}</p>"
            if lang == "en"
            else f"<p><strong>{_esc(TEXT['limits'][lang])}。</strong>{_esc(LIMITS[key][lang])}</p>"
        )
        report = f"{run}/{notebook}.html"
        body.append(
            f'<p class="meta"><a href="{_esc(report)}">{_esc(TEXT["report"][lang])}: {_esc(run)}</a> · '
            f"<code>{_esc(r['manifest'].get('command', ''))}</code></p>"
        )
        sections.append("\n".join(body))
    other = DOCUMENTS["en" if lang == "ja" else "ja"]
    toc.append(f'<li><a href="#methods">{_esc(TEXT["methods"][lang])}</a></li>')
    commands = "".join(
        f"<li><code>{_esc(r['manifest'].get('command', ''))}</code></li>"
        for name, r in sorted(runs.items())
        if name in DEFAULT_RUNS.values()
    )
    return f"""<!DOCTYPE html>
<html lang="{lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{_esc(TEXT["title"][lang])}</title>
<style>{font_face_css()}{CSS}</style>
</head>
<body>
<p class="meta"><a href="index.html">← {_esc(TEXT["index"][lang])}</a> · <a href="{other}">{_esc(TEXT["other_lang"][lang])}</a></p>
<h1>{_esc(TEXT["title"][lang])}</h1>
<p>{_esc(TEXT["lead"][lang])}</p>
<h2 id="cite">{_esc(TEXT["cite"][lang])}</h2>
{_citation(runs, lang)}
<nav><h2>{_esc(TEXT["contents"][lang])}</h2><ol>{"".join(toc)}</ol></nav>
{"".join(sections)}
<h2 id="methods">{_esc(TEXT["methods"][lang])}</h2>
<p>{_esc(METHODS[lang])}</p>
<h3>{_esc(TEXT["reproduce"][lang])}</h3>
<ul>{commands}</ul>
</body>
</html>
"""  # noqa: E501


def build_study_documents(out_root: Path | str, pdf: bool = True) -> list[Path]:
    """Write ``study.html`` and ``study.en.html`` into the reports folder (and their PDFs when Chromium is there).

    Parameters
    ----------
    out_root : pathlib.Path or str
        The reports folder.
    pdf : bool
        Also print ``study.pdf`` and ``study.en.pdf`` (:func:`print_pdfs`).

    Returns
    -------
    list of pathlib.Path
        The files written.
    """
    out_root = Path(out_root)
    out_root.mkdir(parents=True, exist_ok=True)
    install_font(out_root)
    written = []
    for lang, name in DOCUMENTS.items():
        path = out_root / name
        write_atomic(path, study_html(out_root, lang), fsync=False)
        written.append(path)
    if pdf:
        written += print_pdfs(written)
    return written


def chromium_binary() -> str | None:
    """Headless Chromium on PATH (``chromium``, ``chromium-browser``, ``google-chrome``), or ``None``."""
    return next((p for p in (shutil.which(c) for c in ("chromium", "chromium-browser", "google-chrome")) if p), None)


def print_pdfs(pages: list[Path], timeout: float = 120) -> list[Path]:
    """Print pages to PDF (``study.html`` -> ``study.pdf``) with headless Chromium, offline.

    Without Chromium, prints one line saying how to get the PDFs and returns ``[]`` (not an error).
    """
    binary = chromium_binary()
    if binary is None:
        print("study.pdf skipped: Chromium not found (Debian: apt-get install chromium, or `make check-browser`)")
        return []
    out = []
    for page in pages:
        pdf = page.with_name(page.name.removesuffix(".html") + ".pdf")
        with tempfile.TemporaryDirectory(prefix="study-pdf-") as profile:
            cmd = [
                binary,
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--no-first-run",
                "--disable-extensions",
                "--host-resolver-rules=MAP * ~NOTFOUND",
                f"--user-data-dir={profile}",
                "--no-pdf-header-footer",
                f"--print-to-pdf={Path(profile) / pdf.name}",
                page.resolve().as_uri(),
            ]
            try:
                done = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, check=False)
            except (OSError, subprocess.TimeoutExpired) as exc:
                print(f"{pdf.name} skipped: Chromium failed ({exc.__class__.__name__})")
                continue
            printed = Path(profile) / pdf.name
            if done.returncode == 0 and printed.is_file():
                write_atomic(pdf, printed.read_bytes(), fsync=False)  # the PDF appears whole or not at all
                out.append(pdf)
            else:
                print(f"{pdf.name} skipped: Chromium exited with {done.returncode}")
    return out
