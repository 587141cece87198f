"""Stage 3 of the clean: field readers, one module per kind of field of the form.

May import: the clean's primitives (:mod:`study.clean.textnorm`,
:mod:`study.clean.numbers`, :mod:`study.clean.ledger`,
:mod:`study.clean.structure`) and the base. Never the entity assembly above it.
"""
