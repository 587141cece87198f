"""Layer 1 — the clean: raw plans text -> validated tables with provenance.

Stages, in the order the data passes them:

1. read       :mod:`study.clean.rawfile` (decode, sanity checks)
2. structure  :mod:`study.clean.structure` (entity blocks, sections, labelled items)
3. fields     :mod:`study.clean.fields` (one reader per kind of field)
4. entities   :mod:`study.clean.entities` (one row per entity, recorded with provenance)
5. outputs    :mod:`study.clean.schema`, :mod:`study.clean.outputs`, :mod:`study.clean.pipeline`

May import: the base (:mod:`study.paths`, :mod:`study.errors`). Never the
models, the analysis, the runner or the CLI.
"""
