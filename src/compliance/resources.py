"""Where the bundled rules, schemas and example plans are.

In a source checkout they are the repository's own folders; an installed
package carries copies in ``compliance/data/`` (see setup.py).
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Any

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
