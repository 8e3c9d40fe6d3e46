"""Ships the top-level rules/, schemas/ and examples/ inside the package.

The user's layout keeps rules and schemas at the repository root, where
maintainers edit them; a non-editable install must still find them, so the
build copies them into compliance/data/: rule packs and profiles, and the
source documents the rules cite (rules/seeds/*.txt, for `compliance explain`).
"""
import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).parent
SHIPPED = {"rules": ("**/*.yaml", "**/*.txt", "**/README.md"), "schemas": ("*.json",), "examples": ("*.yaml",)}


class BuildWithData(build_py):
    def run(self) -> None:
        super().run()
        for folder, patterns in SHIPPED.items():
            target = Path(self.build_lib) / "compliance" / "data" / folder
            target.mkdir(parents=True, exist_ok=True)
            for source in sorted(path for pattern in patterns for path in (ROOT / folder).glob(pattern)):
                copy = target / source.relative_to(ROOT / folder)
                copy.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(source, copy)


setup(cmdclass={"build_py": BuildWithData})
