"""The study's bilingual texts: label and text catalogues shipped as TOML files in ``study/texts/``.

Base layer (imports only :mod:`study.paths`, :mod:`study.errors` and the ``Lang`` type of
:mod:`study.parameters`). Every fixed text a reader sees in Japanese and English (figure labels,
table headers, names of values, the notebooks' narrative, the study document's and the report
header's words) is one entry of one table of one catalogue file::

    # study/texts/figures.toml
    [labels]
    population = { ja = "人口(人, 対数目盛)", en = "population (residents, log scale)" }

A catalogue is a file (``figures``, ``tables``, ``findings``, ``narrative``…), a table is one of its
``[sections]`` (the texts of one context: an axis label with its unit and the same quantity as a
noun in a sentence live in different tables), an entry maps a key to its ``ja`` and ``en`` text.
The modules that show the texts keep their lookups (what an unknown key gives); this module only
reads, checks and caches the files. The covariates' labels are not here: they belong to the
covariate table (:mod:`study.covariates`).
"""

from __future__ import annotations

import functools
import tomllib
from collections.abc import Mapping
from typing import get_args

from study.errors import StudyError
from study.parameters import Lang
from study.paths import texts_dir

#: The label languages every entry has, in this order.
LANGUAGES: tuple[Lang, ...] = get_args(Lang)

#: One entry: language -> text.
Entry = Mapping[str, str]
#: One table: key -> entry, in the file's order.
Table = Mapping[str, Entry]


@functools.cache
def tables(catalogue: str) -> Mapping[str, Table]:
    """Every table of one catalogue file, checked (read once per process).

    Parameters
    ----------
    catalogue : str
        File name without ``.toml`` in ``study/texts/`` (e.g. ``"figures"``).

    Returns
    -------
    Mapping of str to Table
        Table name -> key -> ``{"ja": text, "en": text}``, in the file's order. Do not modify.

    Raises
    ------
    StudyError
        If the file is missing or is not valid TOML, or an entry lacks a language or is not text
        (one line naming the file).
    """
    path = texts_dir() / f"{catalogue}.toml"
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise StudyError(f"{path}: catalogue cannot be read ({exc.strerror or exc.__class__.__name__})") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise StudyError(f"{path}: not a valid TOML catalogue ({' '.join(str(exc).split())})") from None
    for name, table in data.items():
        if not isinstance(table, dict):
            raise StudyError(f"{path}: [{name}] must be a table of entries, got {type(table).__name__}")
        for key, entry in table.items():
            if not (
                isinstance(entry, dict)
                and set(entry) == set(LANGUAGES)
                and all(isinstance(v, str) for v in entry.values())
            ):
                got = sorted(entry) if isinstance(entry, dict) else type(entry).__name__
                raise StudyError(
                    f"{path}: [{name}] {key!r} must have exactly the texts {', '.join(LANGUAGES)}, got {got}"
                )
    return data


def table(catalogue: str, name: str) -> Table:
    """One table of a catalogue: key -> ``{"ja": …, "en": …}``.

    Parameters
    ----------
    catalogue : str
        File name without ``.toml`` in ``study/texts/`` (e.g. ``"figures"``).
    name : str
        The table (a ``[section]`` of the file, e.g. ``"labels"``).

    Returns
    -------
    Table
        Key -> language -> text, in the file's order (cached; do not modify).

    Raises
    ------
    StudyError
        If the file is missing or malformed (:func:`tables`), or has no table ``name``.
    """
    found = tables(catalogue)
    if name not in found:
        raise StudyError(f"{texts_dir() / f'{catalogue}.toml'}: no table [{name}]")
    return found[name]
