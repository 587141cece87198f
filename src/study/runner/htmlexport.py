"""Executed notebook -> one self-contained HTML file that reads offline.

nbconvert's ``lab`` template, with the blocks that load scripts from a CDN
(require.js, MathJax, Mermaid, widgets) emptied; CSS and images are inlined.
Code cells are hidden unless ``show_code``. A header states the run, its
parameters and the one command that reproduces it.
"""

from __future__ import annotations

import html
import json
import threading
from pathlib import Path
from typing import Any

from study import catalogue

_IMPORT_LOCK = threading.Lock()


def preload() -> None:
    """Import nbconvert and jinja2 (once, under a lock: threads must not import them concurrently)."""
    with _IMPORT_LOCK:
        import jinja2  # noqa: F401
        import nbconvert  # noqa: F401


TEMPLATE = r"""
{%- extends 'lab/index.html.j2' -%}
{%- block html_head_js -%}{%- endblock html_head_js -%}
{%- block jupyter_widgets -%}{%- endblock jupyter_widgets -%}
{%- block html_head_js_mathjax -%}{%- endblock html_head_js_mathjax -%}
{%- block html_head_js_mermaidjs -%}{%- endblock html_head_js_mermaidjs -%}
{%- block extra_css -%}
<style type="text/css">{{ resources.study_css }}</style>
{%- endblock extra_css -%}
{%- block body_header -%}
{{ super() }}
{{ resources.study_header }}
{%- endblock body_header -%}
"""

#: The bundled IPAexGothic (copied to reports/_assets/ by study.runner.studydoc.install_font): the
#: pages do not depend on the reader's system fonts.
FONT_CSS = """
@font-face { font-family: 'IPAexGothic Study'; src: url('../_assets/ipaexg.ttf') format('truetype'); }
body, .jp-RenderedHTMLCommon, .jp-RenderedMarkdown, .study-header {
  font-family: 'IPAexGothic Study', system-ui, sans-serif !important; }
.jp-RenderedHTMLCommon table.study-table { font-size: 0.88em; margin: 0.4em 0 1em; }
.jp-RenderedHTMLCommon table.study-table th, .jp-RenderedHTMLCommon table.study-table td { padding: 3px 9px; }
.jp-OutputArea-output { overflow-x: auto; max-width: 100%; }
.jp-RenderedMarkdown p { line-height: 1.65; }
"""

CSS = (
    FONT_CSS
    + """
.study-header { max-width: 1100px; margin: 1.5em auto 1em; padding: 0 20px 1em; border-bottom: 2px solid #ccc;
  font-family: 'IPAexGothic Study', system-ui, sans-serif; }
.study-header h1 { font-size: 1.6em; margin: 0.3em 0; }
.study-header h2 { font-size: 1.15em; margin: 1em 0 0.3em; }
.study-header table { border-collapse: collapse; font-size: 0.92em; }
.study-header td, .study-header th { border: 1px solid #ccc; padding: 3px 8px; text-align: left; vertical-align: top; }
.study-header pre { background: #f4f4f4; padding: 6px 10px; border-radius: 4px; white-space: pre-wrap; }
.study-header .meta { color: #555; font-size: 0.9em; }
.study-status-ok { color: #176117; font-weight: bold; }
"""
)


def _esc(x: Any) -> str:
    return html.escape(str(x), quote=True)


#: The header's fixed words, by key and language (``study/texts/report_header.toml``; parameter meanings are
#: the models' own descriptions).
HEADER_WORDS = catalogue.table("report_header", "words")


def header_html(
    *,
    title: str,
    description: str,
    run: str,
    notebook: str,
    parameters: dict[str, Any],
    command: str,
    manifest: dict[str, Any],
    param_docs: dict[str, str],
    lang: str = "en",
) -> str:
    """The report header: title, parameters (with meanings), the reproducing command, provenance.

    Its fixed words follow ``lang`` (the run's label language, ``"ja"`` or ``"en"``).
    """
    w = {key: word["ja" if lang == "ja" else "en"] for key, word in HEADER_WORDS.items()}
    rows = "".join(
        f"<tr><th><code>{_esc(k)}</code></th><td><code>{_esc(json.dumps(v, ensure_ascii=False))}</code></td>"
        f"<td>{_esc(param_docs.get(k, ''))}</td></tr>"
        for k, v in parameters.items()
    )
    git = manifest.get("git") or {}
    commit = git.get("commit") or w["no_git"]
    dirty = w["dirty"] if git.get("dirty") else ""
    data = manifest.get("data") or {}
    python = (manifest.get("versions") or {}).get("python", "")
    return f"""
<header class="study-header" id="study-header">
<p class="meta"><a href="../index.html">{_esc(w["all"])}</a></p>
<h1>{_esc(title)}</h1>
<p>{_esc(description)}</p>
<p class="meta">{_esc(w["run"])} <code>{_esc(run)}</code> · {_esc(w["notebook"])} <code>{_esc(notebook)}.ipynb</code> ·
{_esc(w["started"])} {_esc(manifest.get("started", ""))} · Python {_esc(python)}</p>
<h2>{_esc(w["parameters"])}</h2>
<table class="study-params"><tr><th>{_esc(w["name"])}</th><th>{_esc(w["value"])}</th><th>{_esc(w["meaning"])}</th></tr>
{rows}</table>
<h2>{_esc(w["reproduce"])}</h2>
<pre><code>{_esc(command)}</code></pre>
<p class="meta">{_esc(w["raw"])} <code>{_esc(data.get("raw_sha256", ""))}</code> · git <code>{_esc(commit)}</code>
{_esc(dirty)} · {_esc(w["params_hash"])} <code>{_esc(str(manifest.get("params_hash", ""))[:16])}</code> ·
{_esc(w["files"])}: <a href="{_esc(notebook)}.ipynb">{_esc(w["notebook"])}</a>, <a href="results.json">results.json</a>,
<a href="manifest.json">manifest.json</a></p>
</header>
"""


def export_html(nb: Any, out: Path, *, header: str, show_code: bool = False, lang: str = "en") -> Path:
    """Write ``nb`` (an executed NotebookNode) as offline HTML to ``out``."""
    preload()
    from jinja2 import DictLoader
    from nbconvert import HTMLExporter

    exporter = HTMLExporter(
        template_name="lab",
        extra_loaders=[DictLoader({"study_report.html.j2": TEMPLATE})],
        template_file="study_report.html.j2",
        exclude_input=not show_code,
        exclude_input_prompt=not show_code,
        exclude_output_prompt=True,
        embed_images=True,
        language_code=lang,
    )
    resources = {"study_header": header, "study_css": CSS, "metadata": {"name": out.stem}}
    body, _ = exporter.from_notebook_node(nb, resources=resources)
    out.write_text(body, encoding="utf-8")
    return out
