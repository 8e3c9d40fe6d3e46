"""The run manifest: what an auditor needs to reproduce a report.

The tool and engine versions, the profile, a hash of the active rules
(conditions, severities, messages, citations, option values, overrides),
the configuration and baseline files with their hashes, the date checked
as of, and the hash of every input's bytes.
"""

from __future__ import annotations

import datetime
import hashlib
import platform
from importlib import metadata
from pathlib import Path
from typing import Any

from . import __version__
from .findings import PlanResult
from .settings import Settings


def manifest(settings: Settings, plans: list[PlanResult], as_of: datetime.date,
             baseline: Path | None = None) -> dict[str, Any]:
    profile = settings.profile
    bundled = Path(profile.file).parent.name == "profiles" and Path(profile.file).parent.parent.name == "rules"
    return {
        "tool": {"name": "compliance", "version": __version__},
        "engine": {"durable_rules": _version("durable_rules"), "python": platform.python_version()},
        "profile": {"name": profile.name, "file": None if bundled else profile.file,
                    "sha256": None if bundled else _file_hash(Path(profile.file))},
        "config": ({"file": str(settings.config.file), "sha256": settings.config.sha256}
                   if settings.config.file else None),
        "rules": {"count": len(settings.base.rules), "sha256": settings.rules_hash()},
        "options": dict(settings.base.options),
        "as_of": as_of.isoformat(),
        "baseline": {"file": str(baseline), "sha256": _file_hash(baseline)} if baseline else None,
        "inputs": [{"file": plan.file, "sha256": plan.sha256, "bytes": plan.size} for plan in plans],
    }


def _version(distribution: str) -> str | None:
    try:
        return metadata.version(distribution)
    except metadata.PackageNotFoundError:
        return None


def _file_hash(path: Path) -> str | None:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return None
