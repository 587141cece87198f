"""Parameter models and parameter-set files (``params/<name>.yaml``).

Every notebook declares its parameters once, as a subclass of
:class:`NotebookParams` (strict types, unknown keys forbidden, ranges as
``Field(ge=…, le=…)``, meanings as ``Field(description=…)``). From that one
model come: validation of a parameter-set file before any kernel starts, the
help printed by ``study params NOTEBOOK``, and the text of the notebook's
``parameters`` cell (:func:`parameters_cell`, checked by a test).

A parameter-set file names one notebook and its parameters::

    title: Data audit
    description: What the cleaning did, missingness, and the sample vs national values.
    notebook: 00_data_audit
    parameters:
      label_language: ja

or several, run one after the other into the same report folder::

    notebooks:
      - notebook: 00_data_audit
        parameters: {label_language: en}
"""

from __future__ import annotations

import difflib
import hashlib
import json
import os
import re
import stat
import types
import typing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any, ClassVar, Literal

import annotated_types
import yaml
from pydantic import ValidationError
from pydantic.fields import FieldInfo

from study.errors import StudyError, one_line
from study.parameters import ExistingFileMarker, NotebookParams, resolve_path

#: A parameter-set name (the file stem) becomes a folder name under reports/: lower-case letters and
#: digits in words joined by single '_' or '-'. No '.', no leading '_' or '-': so no run name can be one
#: of the site's own names (index.html, _failed, .state, .tmp-…; see :data:`study.runner.site.SITE_NAMES`).
NAME_RE = re.compile(r"^[a-z0-9]+(?:[_-][a-z0-9]+)*$")
#: Longest run name (a folder name on every file system).
MAX_NAME = 64
TOP_KEYS = ("title", "description", "notebook", "parameters", "notebooks", "heavy")

# Limits of a parameter-set file (see docs/reliability.md).
#: Largest file, in bytes.
MAX_FILE_BYTES = 64 * 1024
#: Deepest nesting of mappings and lists.
MAX_DEPTH = 16
#: Longest text value or key, in characters.
MAX_STRING = 4000
#: Most digits of an integer.
MAX_INT_DIGITS = 30
#: Most nodes (values, keys, lists, mappings) in one file.
MAX_NODES = 10_000
#: Longest error line, in characters.
MAX_ERROR = 400


class ParamsError(StudyError):
    """A parameter-set file that cannot be run (reported as one line, exit code 2)."""

    def __init__(self, path: object, problem: str) -> None:
        self.path = str(path)
        self.problem = problem
        super().__init__(f"{self.path}: {problem}")


# ---------------------------------------------------------------------------
# describing a model: types, defaults, meanings


def _is_existing_file(info: FieldInfo) -> bool:
    return any(isinstance(m, ExistingFileMarker) for m in info.metadata) or _annotation_has_marker(info.annotation)


def _annotation_has_marker(annotation: Any) -> bool:
    for arg in typing.get_args(annotation):
        if typing.get_origin(arg) is Annotated and any(isinstance(m, ExistingFileMarker) for m in arg.__metadata__):
            return True
    return False


def _type_name(annotation: Any) -> str:
    origin = typing.get_origin(annotation)
    if origin is Annotated:
        base = typing.get_args(annotation)[0]
        if any(isinstance(m, ExistingFileMarker) for m in annotation.__metadata__):
            return "path to an existing file"
        return _type_name(base)
    if origin is Literal:
        return "one of " + ", ".join(repr(a) for a in typing.get_args(annotation))
    if origin in (typing.Union, types.UnionType):
        args = typing.get_args(annotation)
        names = [_type_name(a) for a in args if a is not type(None)]
        text = " or ".join(names)
        return f"{text} or null" if type(None) in args else text
    if origin in (list, tuple):
        inner = typing.get_args(annotation)
        return f"list of {_type_name(inner[0])}" if inner else "list"
    return {int: "integer", float: "number", bool: "true/false", str: "text", type(None): "null"}.get(
        annotation, getattr(annotation, "__name__", str(annotation))
    )


def _bounds(info: FieldInfo) -> str:
    lo = hi = None
    lo_op = hi_op = ""
    for m in info.metadata:
        if isinstance(m, annotated_types.Ge):
            lo, lo_op = m.ge, "≤"
        elif isinstance(m, annotated_types.Gt):
            lo, lo_op = m.gt, "<"
        elif isinstance(m, annotated_types.Le):
            hi, hi_op = m.le, "≤"
        elif isinstance(m, annotated_types.Lt):
            hi, hi_op = m.lt, "<"
    if lo is not None and hi is not None:
        return f"{lo} {lo_op} x {hi_op} {hi}"
    if lo is not None:
        return f"x {'≥' if lo_op == '≤' else '>'} {lo}"
    if hi is not None:
        return f"x {'≤' if hi_op == '≤' else '<'} {hi}"
    return ""


def describe_type(info: FieldInfo) -> str:
    """Human-readable type of a parameter, with its allowed range."""
    if _is_existing_file(info):
        text = "path to an existing file"
        if type(None) in typing.get_args(info.annotation):
            text += " or null"
    else:
        text = _type_name(info.annotation)
    bounds = _bounds(info)
    return f"{text}, {bounds}" if bounds else text


@dataclass(frozen=True)
class ParamDoc:
    """One parameter of a model, for help and documentation."""

    name: str
    type: str
    default: Any
    meaning: str


def describe(model: type[NotebookParams]) -> list[ParamDoc]:
    """Each parameter with its type, default and meaning, in declaration order."""
    return [
        ParamDoc(name, describe_type(info), info.get_default(call_default_factory=True), info.description or "")
        for name, info in model.model_fields.items()
    ]


def parameters_cell(model: type[NotebookParams]) -> str:
    """The source of the notebook's ``parameters`` cell: the model's defaults, one per line."""
    lines = [
        "# Parameters (defaults of the model in the library; `study params NOTEBOOK` explains each).",
        "# Set them in params/*.yaml and run with `study run`, not here.",
    ]
    for d in describe(model):
        lines.append(f"{d.name} = {d.default!r}  # {d.meaning.split('. ')[0].rstrip('.')}")
    return "\n".join(lines)


def help_text(notebook: str, model: type[NotebookParams], notebook_file: Path | None = None) -> str:
    """The text printed by ``study params NOTEBOOK``."""
    doc = " ".join((model.__doc__ or "").strip().split())
    rows = [("parameter", "type", "default", "meaning")] + [
        (d.name, d.type, json.dumps(d.default, ensure_ascii=False), d.meaning) for d in describe(model)
    ]
    widths = [max(len(r[i]) for r in rows) for i in range(3)]
    out = [f"{notebook}: {doc}" if doc else notebook]
    if notebook_file is not None:
        out.append(f"notebook: {notebook_file}")
    out.append("")
    for r in rows:
        out.append("  ".join(c.ljust(w) for c, w in zip(r[:3], widths, strict=True)) + "  " + r[3])
    return "\n".join(out)


# ---------------------------------------------------------------------------
# validation messages


def _expected(model: type[NotebookParams], name: str) -> str:
    info = model.model_fields.get(name)
    return describe_type(info) if info is not None else ""


def format_errors(exc: ValidationError, model: type[NotebookParams], notebook: str) -> str:
    """A pydantic ValidationError as one line: unknown keys list the valid ones;
    wrong types and out-of-range values say what was expected."""
    valid = list(model.model_fields)
    parts = []
    for err in exc.errors():
        name = ".".join(str(x) for x in err["loc"]) or "parameters"
        key = str(err["loc"][0]) if err["loc"] else ""
        if err["type"] == "extra_forbidden":
            close = difflib.get_close_matches(name, valid, n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            if name in model.replaced_parameters:
                hint = f" (removed; {model.replaced_parameters[name]})"
            parts.append(
                f"unknown parameter {short(repr(name), 60)} for notebook "
                f"{notebook}{hint}; valid parameters: {', '.join(valid)}"
            )
        elif err["type"] == "file_not_found":
            parts.append(f"parameter {name!r}: {err['msg']}")
        elif err["type"] in ("model_type", "dict_type"):
            parts.append(
                f"'parameters' of notebook {notebook} must be a mapping of name: "
                f"value (got {type(err['input']).__name__})"
            )
        else:
            msg = err["msg"][0].lower() + err["msg"][1:] if err["msg"] else "invalid"
            got = err.get("input")
            parts.append(
                f"parameter {name!r}: {msg}, got {short(repr(got), 60)} "
                f"({type(got).__name__}); expected {_expected(model, key)}"
            )
    return "; ".join(parts)


# ---------------------------------------------------------------------------
# parameter sets


@dataclass(frozen=True)
class NotebookRun:
    """One notebook of a parameter set, with its validated parameters."""

    notebook: str
    params: NotebookParams

    def values(self) -> dict[str, Any]:
        """JSON-compatible parameter values, as injected into the notebook."""
        return self.params.model_dump(mode="json")


@dataclass(frozen=True)
class ParamSet:
    """A validated parameter-set file."""

    name: str
    path: Path
    title: str
    description: str
    runs: tuple[NotebookRun, ...] = field(default_factory=tuple)
    #: ``--set`` overrides (name, value) of an override run; empty for the parameter-set file as written.
    overrides: tuple[tuple[str, Any], ...] = ()
    #: The parameter-set file's own run name, for an override run (``None`` otherwise).
    base_name: str | None = None
    #: ``heavy: true`` in the file: left out of ``study report`` unless ``--heavy`` (e.g. the multiverse).
    heavy: bool = False

    def canonical(self) -> dict[str, Any]:
        """What defines the run: title and each notebook's full parameters (defaults filled in)."""
        return {
            "name": self.name,
            "title": self.title,
            "notebooks": [{"notebook": r.notebook, "parameters": r.values()} for r in self.runs],
        }

    def params_hash(self) -> str:
        """SHA-256 of the canonical JSON of the notebooks and their full parameters."""
        return sha256_json([{"notebook": r.notebook, "parameters": r.values()} for r in self.runs])

    def warm_imports(self) -> list[str]:
        """Modules to pre-import in the kernels of this set."""
        return list(dict.fromkeys(m for r in self.runs for m in type(r.params).warm_imports))

    def input_files(self) -> list[Path]:
        """Files named by parameters of type :data:`ExistingFile` (their content is part of the run's inputs)."""
        out = []
        for r in self.runs:
            for name, info in type(r.params).model_fields.items():
                value = getattr(r.params, name)
                if value is not None and _is_existing_file(info):
                    out.append(resolve_path(value))
        return out


def sha256_json(obj: Any) -> str:
    """SHA-256 of the canonical JSON text of ``obj`` (sorted keys, no spaces)."""
    text = json.dumps(obj, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _display(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def load_param_set(path: Path | str, overrides: dict[str, Any] | None = None) -> ParamSet:
    """Read and validate a parameter-set file; raises :class:`ParamsError` with a one-line message.

    ``overrides`` (name -> value) are applied to the parameters of every notebook
    of the set that declares them (e.g. fewer bootstrap draws in a smoke test).
    """
    path = Path(path)
    shown = _display(path)
    try:
        return _load_param_set(path, shown, overrides)
    except ParamsError as exc:
        if len(str(exc)) > MAX_ERROR:
            raise ParamsError(shown, short(exc.problem, MAX_ERROR - len(shown) - 2)) from None
        raise
    except StudyError:
        raise
    except (Exception, RecursionError) as exc:  # whatever the file holds: one line, not a traceback
        raise ParamsError(
            shown, short(f"cannot be loaded: {type(exc).__name__}: {exc}", MAX_ERROR - len(shown) - 2)
        ) from None


def check_name(name: str) -> str | None:
    """Why ``name`` cannot be a run name (``None`` when it can)."""
    if len(name) > MAX_NAME or not NAME_RE.match(name):
        return (
            f"the file name {short(name, 80)!r} cannot name a report folder; use lower-case letters and digits "
            f"in words joined by single '_' or '-' (at most {MAX_NAME} characters), e.g. staffing_negbin"
        )
    return None


def read_file_bounded(path: Path, shown: str) -> str:
    """The text of a parameter-set file: a regular file of at most :data:`MAX_FILE_BYTES`, UTF-8."""
    try:
        st = os.stat(path)
        if not stat.S_ISREG(st.st_mode):
            raise ParamsError(shown, "not a regular file; expected a parameter-set YAML file")
        if st.st_size > MAX_FILE_BYTES:
            raise ParamsError(shown, f"{st.st_size:,} bytes; a parameter-set file has at most {MAX_FILE_BYTES:,}")
        with open(path, "rb") as f:
            raw = f.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        raise ParamsError(shown, f"cannot be read: {exc.strerror or exc}") from None
    if len(raw) > MAX_FILE_BYTES:
        raise ParamsError(
            shown, f"more than {MAX_FILE_BYTES:,} bytes; a parameter-set file has at most {MAX_FILE_BYTES:,}"
        )
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        raise ParamsError(shown, "not UTF-8 text; expected a YAML file") from None


def _load_param_set(path: Path, shown: str, overrides: dict[str, Any] | None) -> ParamSet:
    from study.runner.registry import get_model, notebook_names

    if not path.exists():
        raise ParamsError(shown, "file not found; expected a parameter-set YAML file (see params/*.yaml)")
    name = path.name.removesuffix(".yaml").removesuffix(".yml")
    problem = check_name(name)
    if problem:
        raise ParamsError(shown, problem)
    try:
        data = safe_yaml(read_file_bounded(path, shown))
    except YamlLimit as exc:
        raise ParamsError(shown, str(exc)) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise ParamsError(shown, short(f"invalid YAML{where}: {problem}", 200)) from None
    if not isinstance(data, dict):
        raise ParamsError(shown, f"expected a mapping with keys {', '.join(TOP_KEYS)}; got {type(data).__name__}")
    unknown = [k for k in data if k not in TOP_KEYS]
    if unknown:
        close = difflib.get_close_matches(str(unknown[0]), TOP_KEYS, n=1)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        raise ParamsError(shown, f"unknown key {short(repr(unknown[0]), 60)}{hint}; valid keys: {', '.join(TOP_KEYS)}")
    if "notebooks" in data and ("notebook" in data or "parameters" in data):
        raise ParamsError(shown, "give either 'notebook' + 'parameters' or a 'notebooks' list, not both")
    if "notebooks" in data:
        entries = data["notebooks"]
        if not isinstance(entries, list) or not entries:
            raise ParamsError(shown, "'notebooks' must be a non-empty list of {notebook: NAME, parameters: {...}}")
    elif "notebook" in data:
        entries = [{"notebook": data["notebook"], "parameters": data.get("parameters") or {}}]
    else:
        raise ParamsError(shown, f"no 'notebook' key; available notebooks: {', '.join(notebook_names())}")
    runs = []
    for entry in entries:
        if not isinstance(entry, dict) or set(entry) - {"notebook", "parameters"} or "notebook" not in entry:
            raise ParamsError(
                shown,
                f"each entry of 'notebooks' must be {{notebook: NAME, "
                f"parameters: {{...}}}}; got {short(repr(entry), 60)}",
            )
        nb = entry["notebook"]
        nb = str(nb).removesuffix(".ipynb")
        try:
            model = get_model(nb)
        except KeyError:
            close = difflib.get_close_matches(nb, notebook_names(), n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            raise ParamsError(
                shown,
                f"unknown notebook {short(repr(nb), 60)}{hint}; available notebooks: {', '.join(notebook_names())}",
            ) from None
        values = entry.get("parameters") or {}
        if not isinstance(values, dict):
            raise ParamsError(
                shown, f"'parameters' of notebook {nb} must be a mapping of name: value (got {type(values).__name__})"
            )
        if overrides:
            values = {**values, **{k: v for k, v in overrides.items() if k in model.model_fields}}
        try:
            params = model.model_validate(values)
        except ValidationError as exc:
            raise ParamsError(shown, format_errors(exc, model, nb)) from None
        runs.append(NotebookRun(nb, params))
    if overrides:
        known = {k for r in runs for k in type(r.params).model_fields}
        stray = sorted(set(overrides) - known)
        if stray:
            raise ParamsError(
                shown,
                f"--set {short(repr(stray[0]), 60)}: no notebook of this set has that "
                f"parameter; valid: {', '.join(sorted(known))}",
            )
    names = [r.notebook for r in runs]
    if len(set(names)) != len(names):
        raise ParamsError(shown, "a notebook appears twice; make a second parameter-set file instead")
    title = str(data.get("title") or name)
    heavy = data.get("heavy", False)
    if not isinstance(heavy, bool):
        raise ParamsError(shown, f"'heavy' must be true or false, not {short(repr(heavy), 40)}")
    description = str(data.get("description") or "").strip()
    if overrides:
        return override_set(
            ParamSet(name=name, path=path, title=title, description=description, runs=tuple(runs), heavy=heavy),
            overrides,
        )
    return ParamSet(name=name, path=path, title=title, description=description, runs=tuple(runs), heavy=heavy)


def override_set(base: ParamSet, overrides: dict[str, Any]) -> ParamSet:
    """The run of ``base`` with ``--set`` overrides: its own name ``<name>--<first 8 hex of the params hash>``
    (two dashes never occur in a parameter-set name, so it can never replace a default run), a title that
    says so, and the overrides kept for the manifest and the index."""
    shown = ", ".join(f"{k}={v}" for k, v in sorted(overrides.items()))
    return ParamSet(
        name=f"{base.name}--{base.params_hash()[:8]}",
        path=base.path,
        title=f"{base.title} — override: {short(shown, 200)}",
        description=base.description,
        runs=base.runs,
        overrides=tuple(sorted(overrides.items())),
        base_name=base.name,
        heavy=base.heavy,
    )


def parse_override(text: str) -> tuple[str, Any]:
    """``NAME=VALUE`` from the command line; VALUE is read as YAML (``200``, ``true``, ``en``), with the
    limits of a parameter-set file (booleans only ``true``/``false``, bounded integers and text)."""
    if "=" not in text:
        raise StudyError(f"--set {short(text, 80)!r}: expected NAME=VALUE")
    key, value = text.split("=", 1)
    if len(value) > MAX_STRING:
        raise StudyError(f"--set {short(key, 40)}: the value has {len(value):,} characters; at most {MAX_STRING:,}")
    try:
        return key.strip(), safe_yaml(value)
    except YamlLimit as exc:
        raise StudyError(f"--set {short(key, 40)}: {exc}") from None
    except yaml.YAMLError:
        return key.strip(), value


# ---------------------------------------------------------------------------
# a bounded YAML reader


class YamlLimit(ValueError):
    """A YAML document beyond the limits of a parameter-set file."""


def short(text: str, limit: int = 200) -> str:
    """``text`` on one line, cut to at most ``limit`` characters (see :func:`study.errors.one_line`)."""
    return one_line(text, limit)


_BOOL = re.compile(r"^(?:true|false)$", re.IGNORECASE)


class BoundedLoader(yaml.SafeLoader):
    """PyYAML's safe loader with the limits of a parameter-set file: no aliases (no alias bombs),
    no duplicate keys, nesting, node count, text and integer length bounded; booleans are only
    ``true``/``false`` (any case): ``yes``, ``no``, ``on``, ``off`` stay text."""

    yaml_implicit_resolvers: ClassVar[dict[str, list[tuple[str, re.Pattern[str]]]]] = {
        k: [(t, r) for t, r in v if t != "tag:yaml.org,2002:bool"]
        for k, v in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._depth = 0
        self._nodes = 0

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            raise YamlLimit(
                f"YAML aliases (*{short(event.anchor, 40)}) are not allowed in a parameter-set file, "
                f"at line {event.start_mark.line + 1}"
            )
        self._nodes += 1
        if self._nodes > MAX_NODES:
            raise YamlLimit(f"more than {MAX_NODES:,} values; a parameter-set file is small")
        self._depth += 1
        try:
            if self._depth > MAX_DEPTH:
                mark = self.peek_event().start_mark
                raise YamlLimit(f"nested more than {MAX_DEPTH} levels deep, at line {mark.line + 1}")
            node = super().compose_node(parent, index)
        finally:
            self._depth -= 1
        if isinstance(node, yaml.ScalarNode) and len(node.value) > MAX_STRING:
            raise YamlLimit(
                f"a value of {len(node.value):,} characters at line {node.start_mark.line + 1}; at most {MAX_STRING:,}"
            )
        return node

    def construct_mapping(self, node: Any, deep: bool = False) -> Any:
        if isinstance(node, yaml.MappingNode):
            seen: set[Any] = set()
            for key_node, _ in node.value:
                key = self.construct_object(key_node, deep=True)
                try:
                    dup = key in seen
                except TypeError:
                    raise YamlLimit(f"a key that is not text at line {key_node.start_mark.line + 1}") from None
                if dup:
                    raise YamlLimit(f"duplicate key {short(repr(key), 60)} at line {key_node.start_mark.line + 1}")
                seen.add(key)
        return super().construct_mapping(node, deep=deep)

    def construct_yaml_int(self, node: Any) -> int:
        digits = sum(c.isalnum() for c in str(node.value))
        if digits > MAX_INT_DIGITS:
            raise YamlLimit(
                f"an integer of {digits:,} digits at line {node.start_mark.line + 1}; at most {MAX_INT_DIGITS}"
            )
        return super().construct_yaml_int(node)

    def construct_yaml_bool(self, node: Any) -> bool:
        return str(node.value).lower() == "true"


BoundedLoader.add_implicit_resolver("tag:yaml.org,2002:bool", _BOOL, list("tTfF"))
BoundedLoader.add_constructor("tag:yaml.org,2002:int", BoundedLoader.construct_yaml_int)
BoundedLoader.add_constructor("tag:yaml.org,2002:bool", BoundedLoader.construct_yaml_bool)
BoundedLoader.add_constructor("tag:yaml.org,2002:map", BoundedLoader.construct_yaml_map)


def safe_yaml(text: str) -> Any:
    """Parse one YAML document with :class:`BoundedLoader`; raises :class:`YamlLimit` or ``yaml.YAMLError``."""
    if len(text) > MAX_FILE_BYTES:
        raise YamlLimit(f"{len(text):,} characters; at most {MAX_FILE_BYTES:,}")
    loader = BoundedLoader(text)
    try:
        return loader.get_single_data()
    except RecursionError:
        raise YamlLimit(f"nested more than {MAX_DEPTH} levels deep") from None
    finally:
        loader.dispose()
