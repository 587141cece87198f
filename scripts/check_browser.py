"""Check the HTML site in real headless Chromium, offline.

Opens ``reports/index.html`` and one report (the first run of the index with an
HTML export) from file:// URLs in Debian's ``chromium``, with DNS blocked so
that nothing can load from the network, and:

- dumps the DOM after load and asserts the expected headings (index: "Study
  reports", "Runs", a row per run; report: the run's title, "Parameters",
  "Reproduce", the notebook's sections) and embedded figures;
- asserts that neither page refers to a script or stylesheet on the network;
- captures each page to PNG (screenshot) and PDF (print) in ``--capture-dir``
  and checks the files are real images / PDFs.

Run after ``study report``: ``make check-browser`` (installs chromium and
fonts-ipaexfont-gothic with apt when missing) or
``.venv/bin/python scripts/check_browser.py [--reports reports]``.
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
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--disable-extensions", "--disable-default-apps", "--mute-audio", "--hide-scrollbars",
    "--host-resolver-rules=MAP * ~NOTFOUND",  # offline: no host name resolves
    "--virtual-time-budget=5000",
]
REPORT_HEADINGS = ("Parameters", "Reproduce", "Glossary", "What the cleaning did", "Missing values per column",
                   "The sample against national reference values", "What the evidence shows, and its limits")
EXTERNAL = re.compile(r"<(?:script|link)\b[^>]*(?:src|href)\s*=\s*[\"']?(?:https?:)?//", re.I)


def find_chromium(explicit: str | None) -> str | None:
    for cand in ([explicit] if explicit else []) + ["chromium", "chromium-browser", "google-chrome", "chrome"]:
        path = shutil.which(cand) if cand else None
        if path:
            return path
    return None


def chromium(binary: str, args: list[str], url: str, timeout: float = 120) -> subprocess.CompletedProcess:
    with tempfile.TemporaryDirectory(prefix="chromium-profile-") as profile:
        cmd = [binary, *FLAGS, f"--user-data-dir={profile}", *args, url]
        return subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)


def headings(dom: str) -> list[str]:
    """Text of every h1/h2 of a DOM dump."""
    out = []
    for m in re.finditer(r"<h([12])\b[^>]*>(.*?)</h\1>", dom, re.S | re.I):
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


def check_page(binary: str, page: Path, name: str, capture_dir: Path, expect: list[str], c: Checker,
               min_images: int = 0) -> str:
    url = page.resolve().as_uri()
    print(f"{name}: {url}")
    t0 = time.perf_counter()
    dump = chromium(binary, ["--dump-dom"], url)
    dom = dump.stdout
    c.check(dump.returncode == 0 and "</html>" in dom.lower(), f"page loaded in Chromium ({len(dom):,} characters of DOM, {time.perf_counter() - t0:.1f} s)")
    found = headings(dom)
    for h in expect:
        c.check(any(h in x for x in found), f"heading {h!r}")
    if min_images:
        n_img = len(re.findall(r"<img\b[^>]*src=\"data:image/png;base64,", dom))
        c.check(n_img >= min_images, f"{n_img} embedded figures (>= {min_images})")
    source = page.read_text(encoding="utf-8")
    c.check(not EXTERNAL.search(source) and not EXTERNAL.search(dom), "no script or stylesheet from the network")
    png = capture_dir / f"{name}.png"
    pdf = capture_dir / f"{name}.pdf"
    shot = chromium(binary, [f"--screenshot={png}", "--window-size=1280,1800"], url)
    c.check(shot.returncode == 0 and png.is_file() and png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and png.stat().st_size > 20_000,
            f"screenshot {png} ({png.stat().st_size if png.is_file() else 0:,} bytes)")
    printed = chromium(binary, [f"--print-to-pdf={pdf}", "--no-pdf-header-footer"], url)
    c.check(printed.returncode == 0 and pdf.is_file() and pdf.read_bytes()[:5] == b"%PDF-" and pdf.stat().st_size > 10_000,
            f"PDF {pdf} ({pdf.stat().st_size if pdf.is_file() else 0:,} bytes)")
    return dom


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--reports", type=Path, default=ROOT / "reports", help="reports folder (default: reports/)")
    parser.add_argument("--capture-dir", type=Path, default=None, help="where the PNG/PDF captures go (default: REPORTS/_browser/)")
    parser.add_argument("--chromium", default=None, help="browser binary (default: chromium on PATH)")
    args = parser.parse_args(argv)
    binary = find_chromium(args.chromium)
    if binary is None:
        print("check_browser: chromium not found; install it with: apt-get update && apt-get install -y chromium fonts-ipaexfont-gothic",
              file=sys.stderr)
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
    links = [h for h in re.findall(r'href="([^"]+\.html)"', source) if "/" in h and not h.startswith(("http:", "https:"))]
    runs = sorted({h.split("/")[0] for h in links})
    check_page(binary, index, "index", capture, ["Study reports", "Runs"], c)
    c.check(bool(links), f"index links {len(links)} report(s): {', '.join(runs)}")
    if links:
        report = args.reports / links[0]
        title = re.search(r"<h1>(.*?)</h1>", report.read_text(encoding="utf-8"))
        expect = [html.unescape(title.group(1)).strip()] if title else []
        check_page(binary, report, "report", capture, expect + list(REPORT_HEADINGS), c, min_images=3)
    if c.failures:
        print(f"check_browser: {len(c.failures)} check(s) failed: {'; '.join(c.failures)}", file=sys.stderr)
        return 1
    print(f"check_browser: all checks passed; captures in {capture}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
