"""Check the HTML site in real headless Chromium, offline, as a reader sees it.

Opens, from file:// URLs in Debian's ``chromium`` with DNS blocked (nothing can load from the network):
the index, one Japanese and one English report, ``study.html``, ``study.en.html`` and ``data.html``, and:

- asserts the expected headings (index: "Study reports", "Start here", "Runs"; reports: the title,
  the header's headings in its language, the findings heading of the report's language) and embedded figures;
- the findings section of each report and of the study documents exists and is prose (paragraphs of
  sentences, not a ``<pre>`` dump), and the study documents have a section with findings for the data
  audit and every question Q1–Q6, in both languages;
- no horizontal overflow: ``document.documentElement.scrollWidth`` ≤ the viewport width (1280 px);
- no "NaN", "None" or number in scientific notation (such as 7.6e-69) in any rendered table cell;
- no network request: no script or stylesheet referring to the network, and no http(s) resource in the
  page's resource timing;
- captures each page to PNG (screenshot) and PDF (print) in ``--capture-dir`` (default
  ``reports/_browser/``) and checks the files are real images (not blank) / PDFs;
- opens the data page at the provenance of a corrected value, as a reader who clicked it: the
  ``<details>`` around it open, and ``data_provenance.png`` shows the highlighted row.

Run after ``study report``: ``make check-browser`` (installs chromium and fonts-ipaexfont-gothic with apt
when missing) or ``.venv/bin/python scripts/check_browser.py [--reports reports]``.
Exit code 0 when every check passed, 1 otherwise, 2 when Chromium is missing.
"""

from __future__ import annotations

import argparse
import html
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-extensions",
    "--disable-default-apps",
    "--mute-audio",
    "--hide-scrollbars",
    "--host-resolver-rules=MAP * ~NOTFOUND",  # offline: no host name resolves
    "--virtual-time-budget=5000",
]
#: The report header's headings, by label language (study.runner.htmlexport.HEADER_WORDS).
REPORT_HEADINGS = {"ja": ("パラメータ", "このレポートを再現するコマンド"), "en": ("Parameters", "Reproduce")}
#: The findings heading of a report, by its label language (study.analysis.prose.FINDINGS_HEADING).
FINDINGS = {"ja": "分析結果からわかること", "en": "What the evidence shows"}
#: Section ids of the study documents (study.runner.studydoc): the data audit and Q1–Q6.
STUDY_SECTIONS = ("data-audit", "q1", "q2", "q3", "q4", "q5", "q6")
VIEWPORT = (1280, 1800)
#: The report captured in each language, when it is in the index: the staffing question and its English twin.
PREFERRED = {"ja": "staffing", "en": "staffing_en"}
BAD_CELL = re.compile(r"\bNaN\b|\bNone\b|\b\d+(?:\.\d+)?[eE][-+]?\d+\b")
PROBE = """<script>window.addEventListener('load', function () { setTimeout(function () {
  var d = document.createElement('div'); d.id = '__study_probe';
  var net = performance.getEntriesByType('resource').map(function (e) { return e.name; })
    .filter(function (n) { return /^https?:/.test(n); });
  d.setAttribute('data-scroll-width', document.documentElement.scrollWidth);
  d.setAttribute('data-viewport', window.innerWidth);
  d.setAttribute('data-scroll-height', document.documentElement.scrollHeight);
  d.setAttribute('data-network', net.join(' '));
  var imgs = Array.prototype.slice.call(document.images);
  d.setAttribute('data-images', imgs.length);
  d.setAttribute('data-images-loaded', imgs.filter(function (i) { return i.complete && i.naturalWidth > 0; }).length);
  var t = location.hash && document.getElementById(location.hash.slice(1));
  if (t) {  // where the linked element sits in the document, and whether every <details> around it is open
    var r = t.getBoundingClientRect(), closed = 0;
    for (var p = t.parentElement; p; p = p.parentElement) if (p.tagName === 'DETAILS' && !p.open) closed++;
    d.setAttribute('data-target-top', Math.round(r.top + window.scrollY));
    d.setAttribute('data-target-bottom', Math.round(r.bottom + window.scrollY));
    d.setAttribute('data-target-closed', closed);
  }
  document.body.appendChild(d); }, 50); });</script>"""
EXTERNAL = re.compile(r"<(?:script|link)\b[^>]*(?:src|href)\s*=\s*[\"']?(?:https?:)?//", re.IGNORECASE)


def find_chromium(explicit: str | None) -> str | None:
    for cand in ([explicit] if explicit else []) + ["chromium", "chromium-browser", "google-chrome", "chrome"]:
        path = shutil.which(cand) if cand else None
        if path:
            return path
    return None


def chromium(binary: str, args: list[str], url: str, timeout: float = 120) -> subprocess.CompletedProcess:
    with tempfile.TemporaryDirectory(prefix="chromium-profile-") as profile:
        cmd = [binary, *FLAGS, f"--user-data-dir={profile}", *args, url]
        return subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, check=False)


def headings(dom: str) -> list[str]:
    """Text of every h1/h2 of a DOM dump."""
    out = []
    for m in re.finditer(r"<h([12])\b[^>]*>(.*?)</h\1>", dom, re.DOTALL | re.IGNORECASE):
        text = re.sub(r"<[^>]+>", "", m.group(2))
        out.append(" ".join(html.unescape(text).replace("¶", "").split()))
    return out


class Checker:
    def __init__(self) -> None:
        self.failures: list[str] = []

    def check(self, ok: bool, what: str) -> None:
        print(f"  {'ok  ' if ok else 'FAIL'} {what}")
        if not ok:
            self.failures.append(what)


def text_of(fragment: str) -> str:
    """Visible text of an HTML fragment (tags dropped, entities decoded, spaces collapsed)."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", fragment)).replace("¶", "").split())


def table_cells(dom: str) -> list[str]:
    """Text of every table cell (th, td) of a DOM dump."""
    return [text_of(m.group(2)) for m in re.finditer(r"<t([dh])\b[^>]*>(.*?)</t\1>", dom, re.DOTALL | re.IGNORECASE)]


def findings_paragraphs(dom: str, heading: str) -> list[str]:
    """The paragraphs after the heading ``heading`` up to the next h1/h2 (the findings section)."""
    m = re.search(r"<h[12]\b[^>]*>[^<]*" + re.escape(heading), dom)
    if not m:
        return []
    rest = dom[m.end() :]
    nxt = re.search(r"<h[12]\b", rest)
    section = rest[: nxt.start()] if nxt else rest
    if re.search(r"<pre\b", section):
        return []
    return [text_of(p) for p in re.findall(r"<p\b[^>]*>(.*?)</p>", section, re.DOTALL)]


def is_prose(paragraphs: list[str]) -> bool:
    """Paragraphs of sentences: at least 120 characters in all, sentences ending in . or 。, no snake_case names."""
    text = " ".join(paragraphs)
    return len(text) >= 120 and bool(re.search(r"[.。]( |$)", text)) and not re.search(r"\b[a-z]+_[a-z_]+\b", text)


def probe(binary: str, page: Path, fragment: str = "") -> dict[str, str]:
    """Scroll width, viewport and network resources measured in the loaded page (a copy with a probe script,
    written next to the page so that its relative links work, then removed); with ``fragment``, also where
    the linked element sits (``target-top``, ``target-bottom``, px from the top of the document) and how many
    ``<details>`` around it are still closed (``target-closed``)."""
    source = page.read_text(encoding="utf-8")
    copy = page.with_name(f".probe-{page.name}")
    copy.write_text(source.replace("</body>", PROBE + "</body>"), encoding="utf-8")
    url = copy.resolve().as_uri() + (f"#{fragment}" if fragment else "")
    try:
        dom = chromium(binary, ["--dump-dom", f"--window-size={VIEWPORT[0]},{VIEWPORT[1]}"], url).stdout
    finally:
        copy.unlink(missing_ok=True)
    m = re.search(r'<div id="__study_probe"([^>]*)>', dom)
    return dict(re.findall(r'data-([a-z-]+)="([^"]*)"', m.group(1))) if m else {}


def check_page(
    binary: str, page: Path, name: str, capture_dir: Path, expect: list[str], c: Checker, min_images: int = 0
) -> str:
    url = page.resolve().as_uri()
    print(f"{name}: {url}")
    t0 = time.perf_counter()
    dump = chromium(binary, ["--dump-dom", f"--window-size={VIEWPORT[0]},{VIEWPORT[1]}"], url)
    dom = dump.stdout
    c.check(
        dump.returncode == 0 and "</html>" in dom.lower(),
        f"page loaded in Chromium ({len(dom):,} characters of DOM, {time.perf_counter() - t0:.1f} s)",
    )
    found = headings(dom)
    for h in expect:
        c.check(any(h in x for x in found), f"heading {h!r}")
    if min_images:
        n_img = len(re.findall(r"<img\b[^>]*src=\"(?:data:image/png;base64,|[^\":]+\.png\")", dom))
        c.check(n_img >= min_images, f"{n_img} figures (>= {min_images})")
    source = page.read_text(encoding="utf-8")
    c.check(not EXTERNAL.search(source) and not EXTERNAL.search(dom), "no script or stylesheet from the network")
    bad = sorted({x for x in table_cells(dom) if BAD_CELL.search(x)})
    c.check(
        not bad, f"no NaN, None or scientific notation in table cells{'' if not bad else ': ' + '; '.join(bad[:5])}"
    )
    measured = probe(binary, page)
    sw, vw = int(measured.get("scroll-width", "0") or 0), int(measured.get("viewport", "0") or 0)
    c.check(bool(measured) and 0 < sw <= vw, f"no horizontal overflow (scrollWidth {sw} <= viewport {vw})")
    n_img, n_loaded = measured.get("images", "0"), measured.get("images-loaded", "0")
    c.check(n_img == n_loaded, f"every image loads ({n_loaded} of {n_img})")
    net = measured.get("network", "")
    c.check(bool(measured) and not net, f"no network request{'' if not net else ': ' + net[:200]}")
    png = capture_dir / f"{name}.png"
    pdf = capture_dir / f"{name}.pdf"
    # full page: a window as tall as the page (capped), so the findings at the end are in the picture
    height = min(max(int(measured.get("scroll-height", "0") or 0), VIEWPORT[1]), 16000)
    shot = chromium(binary, [f"--screenshot={png}", f"--window-size={VIEWPORT[0]},{height}"], url)
    c.check(
        shot.returncode == 0 and png.is_file() and png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and not_blank(png),
        f"screenshot {png} ({png.stat().st_size if png.is_file() else 0:,} bytes, not blank)",
    )
    printed = chromium(binary, [f"--print-to-pdf={pdf}", "--no-pdf-header-footer"], url)
    c.check(
        printed.returncode == 0 and pdf.is_file() and pdf.read_bytes()[:5] == b"%PDF-" and pdf.stat().st_size > 10_000,
        f"PDF {pdf} ({pdf.stat().st_size if pdf.is_file() else 0:,} bytes)",
    )
    return dom


def not_blank(png: Path) -> bool:
    """Whether a screenshot shows something: more than 0.5% of its pixels are not near-white."""
    try:
        from PIL import Image
    except ImportError:  # pragma: no cover - pillow comes with matplotlib
        return png.stat().st_size > 20_000
    with Image.open(png) as im:
        grey = im.convert("L")
        hist = grey.histogram()
    return sum(hist[:235]) > 0.005 * sum(hist)


def check_provenance_link(binary: str, page: Path, capture_dir: Path, c: Checker) -> None:
    """Open ``data.html`` at the provenance of its first corrected value, as a reader who clicked it: the
    ``<details>`` around the row must open, and the capture must show the row highlighted.

    Headless Chromium's ``--screenshot`` with ``--window-size`` captures a blank image whenever the page is
    scrolled (as a link to a fragment does), so the capture uses a window as tall as the page (no scrolling
    is possible), then crops it around the linked row.
    """
    m = re.search(r'<a class="v corrected" href="#(p-[^"]+)"', page.read_text(encoding="utf-8"))
    c.check(m is not None, "data page: a corrected value links to its provenance")
    if m is None:
        return
    fragment = m.group(1)
    measured = probe(binary, page, fragment)
    top, bottom = int(measured.get("target-top", "-1") or -1), int(measured.get("target-bottom", "-1") or -1)
    height = int(measured.get("scroll-height", "0") or 0)
    c.check(
        top >= 0 and measured.get("target-closed") == "0",
        f"data page: #{fragment} opens its <details> ({measured.get('target-closed', '?')} still closed)",
    )
    c.check(0 < height <= 16000, f"data page with the details open fits one capture ({height} px <= 16000)")
    png = capture_dir / "data_provenance.png"
    shot = chromium(
        binary,
        [f"--screenshot={png}", f"--window-size={VIEWPORT[0]},{max(min(height, 16000), VIEWPORT[1])}"],
        page.resolve().as_uri() + f"#{fragment}",
    )
    ok = shot.returncode == 0 and png.is_file()
    if ok and top >= 0:
        from PIL import Image

        with Image.open(png) as im:
            box = (0, max(top - 500, 0), im.width, min(max(bottom + 400, top + VIEWPORT[1] // 2), im.height))
            im.crop(box).save(png)
    c.check(ok and not_blank(png), f"screenshot {png} of the provenance of {fragment} is not blank")


def _report_lang(page: Path) -> str:
    """Label language of a report page (its html lang attribute)."""
    m = re.search(r'<html[^>]*\blang="([a-z]+)"', page.read_text(encoding="utf-8")[:2000])
    return m.group(1) if m else ""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--reports", type=Path, default=ROOT / "reports", help="reports folder (default: reports/)")
    parser.add_argument(
        "--capture-dir", type=Path, default=None, help="where the PNG/PDF captures go (default: REPORTS/_browser/)"
    )
    parser.add_argument("--chromium", default=None, help="browser binary (default: chromium on PATH)")
    args = parser.parse_args(argv)
    binary = find_chromium(args.chromium)
    if binary is None:
        print(
            "check_browser: chromium not found; install it with: apt-get update && apt-get install -y chromium "
            "fonts-ipaexfont-gothic",
            file=sys.stderr,
        )
        return 2
    index = args.reports / "index.html"
    if not index.is_file():
        print(f"check_browser: {index} not found; run `study report` first", file=sys.stderr)
        return 1
    capture = args.capture_dir or args.reports / "_browser"
    capture.mkdir(parents=True, exist_ok=True)
    version = subprocess.run([binary, "--version"], capture_output=True, text=True).stdout.strip()
    print(f"check_browser: {version or binary}")
    c = Checker()
    source = index.read_text(encoding="utf-8")
    links = [
        h for h in re.findall(r'href="([^"]+\.html)"', source) if "/" in h and not h.startswith(("http:", "https:"))
    ]
    runs = sorted({h.split("/")[0] for h in links})
    dom = check_page(binary, index, "index", capture, ["Study reports", "Start here", "Runs"], c)
    c.check(bool(links), f"index links {len(links)} report(s): {', '.join(runs)}")
    start = findings_paragraphs(dom, "Start here")
    c.check(is_prose(start) and len(start) >= 7, f"start-here block: {len(start)} paragraphs of findings in words")
    for lang in ("ja", "en"):
        # a question's report (Q1–Q3, figures and model tables) when there is one, else the first in that language
        pages = [args.reports / h for h in links if _report_lang(args.reports / h) == lang]
        report = next((pg for pg in pages if pg.parent.name == PREFERRED[lang]), pages[0] if pages else None)
        c.check(report is not None, f"a report in label language {lang!r}")
        if report is None:
            continue
        title = re.search(r"<h1>(.*?)</h1>", report.read_text(encoding="utf-8"))
        expect = [html.unescape(title.group(1)).strip()] if title else []
        dom = check_page(
            binary,
            report,
            f"report_{lang}",
            capture,
            expect + list(REPORT_HEADINGS[lang]) + [FINDINGS[lang]],
            c,
            min_images=1,
        )
        paras = findings_paragraphs(dom, FINDINGS[lang])
        c.check(
            is_prose(paras),
            f"{report.parent.name}: findings are prose ({len(paras)} paragraphs, {sum(map(len, paras))} characters)",
        )
    for _lang, name in (("ja", "study.html"), ("en", "study.en.html")):
        page = args.reports / name
        c.check(page.is_file(), f"{name} exists")
        if not page.is_file():
            continue
        dom = check_page(binary, page, name.removesuffix(".html").replace(".", "_"), capture, [], c, min_images=5)
        for sec in STUDY_SECTIONS:
            m = re.search(rf'<h2 id="{sec}"[^>]*>(.*?)</h2>(.*?)(?=<h2\b|$)', dom, re.DOTALL)
            paras = (
                [text_of(p) for p in re.findall(r'<div class="findings">(.*?)</div>', m.group(2), re.DOTALL)]
                if m
                else []
            )
            c.check(bool(m) and is_prose(paras), f"{name}: section {sec} with findings in words")
    data = args.reports / "data.html"
    c.check(data.is_file(), "data.html exists")
    if data.is_file():
        dom = check_page(binary, data, "data", capture, [], c)
        n_links = len(re.findall(r'<a class="v[^"]*" href="#p-', dom))
        c.check(
            n_links > 500 and 'id="L5"' in dom,
            f"data page: {n_links} values link to their provenance; raw lines are anchors",
        )
        check_provenance_link(binary, data, capture, c)
    if c.failures:
        print(f"check_browser: {len(c.failures)} check(s) failed: {'; '.join(c.failures)}", file=sys.stderr)
        return 1
    print(f"check_browser: all checks passed; captures in {capture}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
