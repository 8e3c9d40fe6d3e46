"""Where the bundled rules, schemas and example plans are, and how the
tool's own YAML files (rules, requirements, profiles) are read.

In a source checkout they are the repository's own folders; an installed
package carries copies in ``compliance/data/`` (see setup.py).
"""

from __future__ import annotations

import copy
import json
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from . import fastschema, fastyaml, startcache
from .errors import UserError

if TYPE_CHECKING:
    from jsonschema import ValidationError

_PACKAGE = Path(__file__).resolve().parent
_CHECKOUT = _PACKAGE.parent.parent


def data_dir(kind: str) -> Path:
    """The folder of bundled ``rules``, ``schemas`` or ``examples``."""
    installed = _PACKAGE / "data" / kind
    if installed.is_dir():
        return installed
    return _CHECKOUT / kind


@lru_cache(maxsize=None)
def load_schema(name: str) -> dict[str, Any]:
    with (data_dir("schemas") / f"{name}.schema.json").open(encoding="utf-8") as handle:
        return json.load(handle)


def json_path(parts: Any) -> str:
    """$.items[0].measures: where a schema error is, as users read it."""
    return "$" + "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in parts)


def schema_error(name: str, value: Any) -> ValidationError | None:
    """The most relevant way ``value`` breaks schema ``name``, if any.

    A quick check (compliance.fastschema) vouches for valid values; only a
    value it cannot vouch for is walked by jsonschema, which explains it."""
    if fastschema.is_valid(_quick(name), value):
        return None
    # Imported here: a valid input never needs jsonschema (a tenth of the start-up time).
    from jsonschema import Draft202012Validator
    from jsonschema.exceptions import best_match

    return best_match(Draft202012Validator(load_schema(name)).iter_errors(value))


@lru_cache(maxsize=None)
def _quick(name: str) -> fastschema.Check | None:
    return fastschema.validator(load_schema(name))


def read_yaml(path: Path, what: str, schema: str | None = None) -> Any:
    """A YAML file of the tool's own kind (a rule, a profile), validated
    against ``schema``; every problem is a UserError naming the file.

    A command reads the bundled packs more than once (the active rules,
    the ids a configuration or waiver may name); a file unchanged since it
    was last read is not parsed and validated again."""
    try:
        stat = path.stat()
        key = (str(path.resolve()), stat.st_mtime_ns, stat.st_size, what, schema)
    except OSError:
        return _read_yaml(path, what, schema)
    if key not in _READ:
        _READ[key] = _read_yaml(path, what, schema)
    return copy.deepcopy(_READ[key])


_READ: dict[tuple[Any, ...], Any] = {}


def _read_yaml(path: Path, what: str, schema: str | None) -> Any:
    # The same bytes, read and validated by the same code, give the same
    # value: a file read by an earlier command comes from compliance.startcache.
    try:
        data = path.read_bytes()
    except OSError as error:
        raise UserError(f"cannot read {what}: {error}", str(path)) from None
    kind = f"{what}\0{schema}"
    found = startcache.get(data, kind)
    if found is startcache.MISSING:
        try:
            text = _text(path, data)
        except (OSError, UnicodeDecodeError) as error:
            raise UserError(f"cannot read {what}: {error}", str(path)) from None
        found = _parse_yaml(path, text, what, schema)
        startcache.put(data, kind, found)
    return found


def _text(path: Path, data: bytes) -> str:
    """The file's text as path.read_text(encoding="utf-8") gives it (line
    ends made \\n), and the same error when it is not UTF-8."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        text = path.read_text(encoding="utf-8")     # raises read_text's own error
    return text.replace("\r\n", "\n").replace("\r", "\n") if "\r" in text else text


def _parse_yaml(path: Path, text: str, what: str, schema: str | None) -> Any:
    try:
        raw = _safe_load(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        raise UserError(f"invalid YAML: {getattr(error, 'problem', error)}", str(path),
                        mark.line + 1 if mark else None) from None
    error = schema_error(schema, raw) if schema else None
    if error is not None:
        raise UserError(f"invalid {what}: {json_path(error.absolute_path)}: {error.message}", str(path))
    return raw


def _safe_load(text: str) -> Any:
    """yaml.safe_load, with nodes composed by libyaml when compliance.fastyaml
    can vouch for them (rule packs are read at every start)."""
    from .read import DEFAULT_LIMITS, _Converter

    document = fastyaml.document(text, _Converter("", DEFAULT_LIMITS, text))
    if document is not None:
        return document.value
    node = fastyaml.compose(text, 64)
    if node is None:
        return yaml.safe_load(text)
    return yaml.constructor.SafeConstructor().construct_document(node)
