"""Figures: one theme, a Japanese font shipped in a package, PNG + SVG output.

:func:`setup` applies the seaborn theme and *then* the IPAexGothic font of
``matplotlib-fontja`` (``sns.set_theme()`` resets the font family, so the order
matters), with DejaVu Sans as per-glyph fallback. The packaged font file is
pinned even when the system has its own IPAexGothic. Every figure of the study
goes through :func:`save_figure`, which writes PNG and SVG with fixed metadata
(no dates) so the files do not change between runs of the same data.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from study import catalogue
from study.catalogue import LANGUAGES
from study.covariates import labels as covariate_labels

if TYPE_CHECKING:
    from matplotlib.figure import Figure

#: Font shipped by matplotlib-fontja; DejaVu Sans (bundled with matplotlib) covers what it lacks.
FONT_FAMILY = ["IPAexGothic", "DejaVu Sans"]

#: Axis and legend texts with their units, by key: the covariates' labels (:mod:`study.covariates`), then
#: the figure labels of the catalogue (``study/texts/figures.toml`` [labels], :mod:`study.catalogue`).
TEXTS: dict[str, Mapping[str, str]] = {**covariate_labels(), **catalogue.table("figures", "labels")}


def text(key: str, lang: str) -> str:
    """A figure label from :data:`TEXTS`.

    Parameters
    ----------
    key : str
        Label key (a covariate name, an axis name…).
    lang : {"ja", "en"}
        Language.

    Returns
    -------
    str
        The label with its unit; unknown keys are returned as they are.

    Raises
    ------
    ValueError
        If ``lang`` is not one of :data:`LANGUAGES`.
    """
    if lang not in LANGUAGES:
        raise ValueError(f"label language must be one of {LANGUAGES}, got {lang!r}")
    return TEXTS.get(key, {}).get(lang, key)


def wrap(label: str, width: int = 40) -> str:
    """A label broken into lines of at most ``width`` characters (never cut).

    Parameters
    ----------
    label : str
        Any label; English breaks at spaces, Japanese (no spaces) between characters.
    width : int
        Characters per line (a Japanese character counts as two, since it is about twice as wide).

    Returns
    -------
    str
        The label with newlines.
    """
    import textwrap

    label = " ".join(str(label).split())
    wide = sum(1 for ch in label if ord(ch) > 0x2E80)
    if wide > len(label) / 3:  # mostly Japanese: break between characters, full-width counts double
        step = max(width // 2, 4)
        return "\n".join(label[i : i + step] for i in range(0, len(label), step))
    return "\n".join(textwrap.wrap(label, width=width, break_long_words=True, break_on_hyphens=False)) or label


def palette(n: int) -> list[tuple[float, float, float]]:
    """``n`` distinct colours (tab10, tab20, then tab20 + tab20b + tab20c: up to 60).

    Parameters
    ----------
    n : int
        Number of categories (more than 60 raise: show the top ones and "other" instead).

    Returns
    -------
    list of RGB tuples
        Distinct colours.

    Raises
    ------
    ValueError
        If ``n`` > 60.
    """
    import matplotlib as mpl

    if n > 60:
        raise ValueError(f"{n} categories: at most 60 distinct colours; group the rest as 'other'")
    if n <= 10:
        return list(mpl.colormaps["tab10"].colors[:n])
    if n <= 20:
        return list(mpl.colormaps["tab20"].colors[:n])
    return [*mpl.colormaps["tab20"].colors, *mpl.colormaps["tab20b"].colors, *mpl.colormaps["tab20c"].colors][:n]


def setup(style: str = "whitegrid", context: str = "notebook") -> None:
    """Seaborn theme, then the Japanese font (after the theme, which resets fonts), stable SVG ids.

    Parameters
    ----------
    style : str
        Seaborn style.
    context : str
        Seaborn context (scale of fonts and lines).
    """
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
    """Path of the bundled Japanese font file.

    Returns
    -------
    str
        The IPAexGothic file shipped by ``matplotlib-fontja``.
    """
    import matplotlib_fontja

    return matplotlib_fontja.get_font_ttf_path()


def save_figure(fig: Figure, stem: Path | str) -> list[Path]:
    """Write a figure as PNG and SVG with fixed metadata (byte-stable files).

    Parameters
    ----------
    fig : matplotlib.figure.Figure
        The figure.
    stem : pathlib.Path or str
        Path without suffix; its folder is created.

    Returns
    -------
    list of pathlib.Path
        ``<stem>.png`` and ``<stem>.svg``.
    """
    stem = Path(stem)
    stem.parent.mkdir(parents=True, exist_ok=True)
    png, svg = stem.with_suffix(".png"), stem.with_suffix(".svg")
    engine = fig.get_layout_engine()
    # bbox_inches="tight" always: constrained layout places the axes, but only a tight bounding box
    # keeps a legend or an annotation outside them on the canvas; the SVG reuses the PNG's layout
    fig.savefig(png, format="png", bbox_inches="tight", pad_inches=0.08, metadata={"Software": None})
    if engine is not None:
        fig.set_layout_engine("none")
    try:
        fig.savefig(svg, format="svg", bbox_inches="tight", pad_inches=0.08, metadata={"Date": None, "Creator": None})
    finally:
        if engine is not None:
            fig.set_layout_engine(engine)
    return [png, svg]


def show(fig: Figure, saved: list[Path] | None = None) -> None:
    """Display a figure once in the notebook and close it (so the inline backend does not show it twice).

    Parameters
    ----------
    fig : matplotlib.figure.Figure
        The figure.
    saved : list of pathlib.Path, optional
        The paths from :func:`save_figure`: when the PNG exists it is shown instead of drawing
        the figure a third time.
    """
    import matplotlib.pyplot as plt
    from IPython.display import Image, display

    png = next((Path(p) for p in saved or [] if str(p).endswith(".png")), None)
    if png is not None and png.is_file():
        title = fig._suptitle.get_text() if getattr(fig, "_suptitle", None) else png.stem
        display(Image(filename=str(png), width=int(fig.get_figwidth() * 100), alt=title))
    else:
        display(fig)
    plt.close(fig)
