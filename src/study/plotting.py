"""Figures: one theme, a Japanese font shipped in a package, PNG + SVG output.

:func:`setup` applies the seaborn theme and *then* the IPAexGothic font of
``matplotlib-fontja`` (``sns.set_theme()`` resets the font family, so the order
matters), with DejaVu Sans as per-glyph fallback. The packaged font file is
pinned even when the system has its own IPAexGothic. Every figure of the study
goes through :func:`save_figure`, which writes PNG and SVG with fixed metadata
(no dates) so the files do not change between runs of the same data.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

#: Font shipped by matplotlib-fontja; DejaVu Sans (bundled with matplotlib) covers what it lacks.
FONT_FAMILY = ["IPAexGothic", "DejaVu Sans"]
LANGUAGES = ("ja", "en")

#: Axis and legend texts with their units, by language.
TEXTS: dict[str, dict[str, str]] = {
    "count": {"ja": "件数(件)", "en": "count (values)"},
    "share_missing_pct": {"ja": "欠損率(%)", "en": "share missing (%)"},
    "field": {"ja": "項目", "en": "field"},
    "rule": {"ja": "修正ルール", "en": "correction rule"},
    "check": {"ja": "問題の種類", "en": "check"},
    "welfare_rate_permille": {"ja": "生活保護受給率(‰)", "en": "public-assistance rate (‰)"},
    "aging_rate_pct": {"ja": "高齢化率(%)", "en": "aging rate, share aged 65+ (%)"},
    "national": {"ja": "全国値", "en": "national"},
    "median": {"ja": "標本の中央値", "en": "sample median"},
    "ci": {"ja": "95%信頼区間", "en": "95% interval"},
    "entities": {"ja": "団体", "en": "entities"},
}


def text(key: str, lang: str) -> str:
    """A label in ``lang`` ('ja' or 'en'); unknown keys are returned as they are."""
    if lang not in LANGUAGES:
        raise ValueError(f"label language must be one of {LANGUAGES}, got {lang!r}")
    return TEXTS.get(key, {}).get(lang, key)


def setup(style: str = "whitegrid", context: str = "notebook") -> None:
    """Seaborn theme, then the Japanese font (after the theme, which resets fonts), stable SVG ids."""
    import matplotlib as mpl
    import matplotlib_fontja
    import seaborn as sns

    from matplotlib import font_manager

    sns.set_theme(style=style, context=context)
    matplotlib_fontja.japanize()  # registers ipaexg.ttf and sets font.family = IPAexGothic
    # Pin the packaged file: a system copy of IPAexGothic (e.g. Debian's fonts-ipaexfont-gothic, another
    # version) must not be picked instead, so figures are the same on every machine.
    packaged = font_path()
    fm = font_manager.fontManager
    fm.ttflist = [f for f in fm.ttflist if not (f.name == FONT_FAMILY[0] and f.fname != packaged)]
    fm.addfont(packaged)  # (also clears the font lookup cache)
    mpl.rcParams["font.family"] = list(FONT_FAMILY)
    mpl.rcParams["axes.unicode_minus"] = False
    mpl.rcParams["svg.hashsalt"] = "study"
    mpl.rcParams["svg.fonttype"] = "path"
    mpl.rcParams["figure.dpi"] = 100
    mpl.rcParams["savefig.dpi"] = 150


def font_path() -> str:
    """Path of the bundled Japanese font file."""
    import matplotlib_fontja

    return matplotlib_fontja.get_font_ttf_path()


def save_figure(fig: Any, stem: Path | str) -> list[Path]:
    """Write ``<stem>.png`` and ``<stem>.svg``; returns both paths."""
    stem = Path(stem)
    stem.parent.mkdir(parents=True, exist_ok=True)
    png, svg = stem.with_suffix(".png"), stem.with_suffix(".svg")
    engine = fig.get_layout_engine()
    # the study's figures use constrained layout (legends outside the axes included), so no
    # bbox_inches="tight" (an extra draw); the SVG reuses the layout computed for the PNG
    fig.savefig(png, format="png", bbox_inches="tight" if engine is None else None, metadata={"Software": None})
    if engine is not None:
        fig.set_layout_engine("none")
    try:
        fig.savefig(svg, format="svg", bbox_inches="tight" if engine is None else None, metadata={"Date": None, "Creator": None})
    finally:
        if engine is not None:
            fig.set_layout_engine(engine)
    return [png, svg]


def show(fig: Any, saved: list[Path] | None = None) -> None:
    """Display a figure once in the notebook and close it (so the inline backend does not show it twice).

    When the figure was already saved (``saved``: the paths from ``save_figure``), the saved
    PNG is shown instead of drawing the figure a third time."""
    import matplotlib.pyplot as plt
    from IPython.display import Image, display

    png = next((Path(p) for p in saved or [] if str(p).endswith(".png")), None)
    if png is not None and png.is_file():
        title = fig._suptitle.get_text() if getattr(fig, "_suptitle", None) else png.stem
        display(Image(filename=str(png), width=int(fig.get_figwidth() * 100), alt=title))
    else:
        display(fig)
    plt.close(fig)
