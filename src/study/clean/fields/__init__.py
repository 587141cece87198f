"""Stage 3 of the clean: field readers, one module per kind of field of the form.

Each reader turns printed text into values plus the rules it applied (constants
of :data:`study.clean.rules.RULES`) and the problems it found; the entity
assembly (stage 4) records them. :func:`study.clean.fields.plan_details.read_details`
and :func:`study.clean.fields.targets.extract_targets` record their own values
with a :class:`study.clean.ledger.Recorder` / the ledger.

May import: the clean's primitives (:mod:`study.clean.textnorm`,
:mod:`study.clean.numbers`, :mod:`study.clean.rules`, :mod:`study.clean.ledger`,
:mod:`study.clean.colspec`, :mod:`study.clean.structure`) and the base; not each
other (shared pieces belong in a primitive), except :mod:`~study.clean.fields.targets`, which applies
the role rules of its companion :mod:`~study.clean.fields.target_roles` to its readings. Pieces one
reader needs from another's item (the ⑤ text for the staffing design) are passed in by the entity
assembly. Never the entity assembly above it.
"""
