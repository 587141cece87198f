"""The study runner: typed parameter sets, pinned-kernel papermill execution, reports.

A parameter set is a YAML file ``params/<name>.yaml`` naming one or more
notebooks of ``notebooks/`` and their parameters. Each notebook's parameters are
declared once, as a pydantic model registered in :mod:`study.runner.registry`;
the notebook's ``parameters`` cell holds that model's defaults.

Modules (each small, importable on its own):

- :mod:`~study.runner.params` — the base parameter model, parameter-set files, validation messages, help;
- :mod:`~study.parameters` — the parameter model of each notebook (light: pydantic only);
- :mod:`~study.runner.registry` — notebook name -> parameter model;
- :mod:`~study.runner.kernel` — a private kernelspec pinned to this interpreter;
- :mod:`~study.runner.zygote` — a fork server: the scientific stack imported once, a fresh kernel forked per notebook;
- :mod:`~study.runner.context` — what a notebook calls to save figures, tables and headline results;
- :mod:`~study.runner.processed` — the cleaned data, produced or verified fresh before any kernel starts;
- :mod:`~study.runner.manifest` — hashes, versions, git state, ``manifest.json``;
- :mod:`~study.runner.execute` — one parameter set -> ``reports/<name>/``, all or nothing;
- :mod:`~study.runner.htmlexport` — executed notebook -> offline HTML with a header;
- :mod:`~study.runner.site` — ``reports/index.html``;
- :mod:`~study.runner.report` — every parameter set, in parallel, with skipping and a summary.
"""
