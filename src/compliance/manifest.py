"""The run manifest: what an auditor needs to reproduce a report.

The tool and engine versions, the profile, a hash of the active rules
(conditions, severities, messages, citations, option values, overrides),
the configuration and baseline files with their hashes, the date checked
as of, and the hash of every input's bytes.
"""

from __future__ import annotations

import datetime
import hashlib
import os
import platform
import re
import sys
from pathlib import Path
from typing import Any

from . import __version__
from .check import shown_name
from .findings import PlanResult
from .settings import Settings


def manifest(settings: Settings, plans: list[PlanResult], as_of: datetime.date,
             baseline: Path | None = None) -> dict[str, Any]:
    profile = settings.profile
    bundled = Path(profile.file).parent.name == "profiles" and Path(profile.file).parent.parent.name == "rules"
    return {
        "tool": {"name": "compliance", "version": __version__},
        "engine": {"durable_rules": _version("durable_rules"), "python": platform.python_version()},
        "profile": {"name": profile.name, "file": None if bundled else shown_name(profile.file),
                    "sha256": None if bundled else _file_hash(Path(profile.file))},
        "config": ({"file": shown_name(str(settings.config.file)), "sha256": settings.config.sha256}
                   if settings.config.file else None),
        "rules": {"count": len(settings.base.rules), "sha256": settings.rules_hash()},
        "options": dict(settings.base.options),
        "as_of": as_of.isoformat(),
        "baseline": {"file": shown_name(str(baseline)), "sha256": _file_hash(baseline)} if baseline else None,
        "inputs": [{"file": plan.file, "sha256": plan.sha256, "bytes": plan.size} for plan in plans],
    }


def _version(distribution: str) -> str | None:
    found = _installed_version(distribution)
    if found is not None:
        return found
    # Imported here: importlib.metadata costs a one-plan check a tenth of its start.
    from importlib import metadata

    try:
        return metadata.version(distribution)
    except metadata.PackageNotFoundError:
        return None


def _installed_version(distribution: str) -> str | None:
    """The Version of the first ``name-version.dist-info`` on sys.path, as
    importlib.metadata finds it; None to let importlib.metadata look."""
    wanted = re.sub(r"[-_.]+", "_", distribution).lower()
    for entry in sys.path:
        try:
            names = os.listdir(entry or ".")
        except OSError:
            continue
        for name in names:
            stem, _, suffix = name.rpartition(".")
            if suffix in ("dist-info", "egg-info") and re.sub(r"[-_.]+", "_", stem.split("-")[0]).lower() == wanted:
                if suffix != "dist-info":
                    return None
                try:
                    with open(os.path.join(entry or ".", name, "METADATA"), encoding="utf-8") as handle:
                        for line in handle:
                            if line.startswith("Version:"):
                                return line.split(":", 1)[1].strip()
                            if not line.strip():
                                break
                except OSError:
                    pass
                return None
    return None


def _file_hash(path: Path) -> str | None:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return None
