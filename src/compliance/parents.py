"""Parent plans: the plan a lower level implements (``plan.parent``).

A parent is named by a path relative to the child's file. It resolves to
a plan given in the same command, or is read from disk, but only inside
the folders the command was given: a plan from a stranger must not make
the checker read files elsewhere. What cannot be resolved is not an
error of the run; it becomes a finding on the child (see the NDC rules).
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable
from pathlib import Path

from .errors import UserError
from .facts import Parent
from .model import Plan, build
from .read import load


class Parents:
    """Resolves and caches parent plans for one run.

    The cache holds the last ``cache`` plans children asked for, and the
    last ``recent`` plans given in the command that none has asked for yet
    (most plans are nobody's parent, and every plan held is walked again
    by each full garbage collection), so that a run over thousands of plans
    does not keep them all: a plan that has left it is read from disk again,
    which gives the same plan. (A plan given as text rather than a file
    cannot be read again and is kept.) So a child's findings do not depend
    on which plans were checked before it, or in which process
    (compliance.parallel)."""

    def __init__(self, roots: list[Path], cache: int = 8, recent: int = 4) -> None:
        self.roots = [root.resolve() for root in roots]
        self._plans: OrderedDict[Path, Plan | None] = OrderedDict()
        self._recent: OrderedDict[Path, Plan | None] = OrderedDict()
        self._kept: dict[Path, Plan | None] = {}
        self.cache = cache
        self.recent = recent

    def remember(self, name: str, plan: Plan | None, on_disk: bool = True) -> None:
        """A plan given in the command, so a child can use it as loaded."""
        if name != "-":
            path = Path(name).resolve()
            if not on_disk:
                self._kept[path] = plan
            elif path in self._plans:
                self._store(path, plan)
            else:
                self._kept.pop(path, None)
                self._recent[path] = plan
                self._recent.move_to_end(path)
                while len(self._recent) > self.recent:
                    self._recent.popitem(last=False)

    def _store(self, path: Path, plan: Plan | None) -> None:
        self._kept.pop(path, None)
        self._recent.pop(path, None)
        self._plans[path] = plan
        self._plans.move_to_end(path)
        while len(self._plans) > self.cache:
            self._plans.popitem(last=False)

    def of(self, plan: Plan, read: Callable[[str], Plan] | None = None) -> Parent:
        reference = plan.data["plan"].get("parent")
        if reference is None or not str(reference).strip():
            return Parent("none")
        base = Path(plan.file).parent if plan.file not in ("-", "<stdin>") else Path.cwd()
        try:
            path = (base / str(reference).strip()).resolve()
        except (OSError, RuntimeError, ValueError):
            # No file can be there (a NUL byte), or a symlink loop: a stranger's
            # path must become a finding, not a traceback.
            return Parent("unreadable")
        if not any(path.is_relative_to(root) for root in self.roots):
            return Parent("outside")
        if path in self._kept:
            found = self._kept[path]
        elif path in self._plans:
            found = self._plans[path]
            self._plans.move_to_end(path)
        elif path in self._recent:
            found = self._recent[path]
            self._store(path, found)
        else:
            found = self._read(path, read or _read_plan)
            self._store(path, found)
        if found is None:
            return Parent("missing" if not _is_file(path) else "unreadable")
        return Parent("ok", found)

    @staticmethod
    def _read(path: Path, read: Callable[[str], Plan]) -> Plan | None:
        if not _is_file(path):
            return None
        try:
            return read(str(path))
        except UserError:
            return None


def _is_file(path: Path) -> bool:
    """Whether a regular file is there; a name too long to look up is not."""
    try:
        return path.is_file()
    except (OSError, ValueError):
        return False


def _read_plan(name: str) -> Plan:
    return build(load(name))


def roots_of(paths: list[str]) -> list[Path]:
    """The folder trees a command was given: each folder, or a file's folder."""
    roots = []
    for name in paths:
        path = Path.cwd() if name == "-" else Path(name)
        roots.append(path if path.is_dir() else path.parent)
    return roots
