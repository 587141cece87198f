"""Layer 1 — the clean: raw plans text -> validated tables with provenance.

Stages, in the order the data passes them:

1. read       :mod:`study.clean.rawfile` (decode, sanity checks)
2. structure  :mod:`study.clean.structure` (entity blocks, sections, labelled items, a line's cells)
3. fields     :mod:`study.clean.fields` (one reader per kind of field)
4. entities   :mod:`study.clean.entities` (one row per entity, recorded with provenance)
5. outputs    :mod:`study.clean.schema`, :mod:`study.clean.outputs`, :mod:`study.clean.pipeline`

Primitives every stage may use, each concept defined once:
:mod:`study.clean.textnorm` (tags, width, spaces, the cell splitter),
:mod:`study.clean.numbers` (numbers, ranges, counters, units, periods),
:mod:`study.clean.rules` (the table of named cleaning rules, ``RULES.<id>``),
:mod:`study.clean.ledger` (corrections, issues, the :class:`~study.clean.ledger.Recorder` and value formatter),
:mod:`study.clean.municipalities` (official names and codes), :mod:`study.clean.colspec` (column specs).

May import: the base (:mod:`study.paths`, :mod:`study.errors`). Never the
models, the analysis, the runner or the CLI.
"""
