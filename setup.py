"""Ships the top-level rules/, schemas/ and examples/ inside the package,
and builds the optional C reader (compliance._cyaml) and JSON writer
(compliance._cjson).

The user's layout keeps rules and schemas at the repository root, where
maintainers edit them; a non-editable install must still find them, so the
build copies them into compliance/data/: rule packs and profiles, and the
source documents the rules cite (rules/seeds/*.txt, for `compliance explain`).
"""
import shutil
from pathlib import Path

from setuptools import Extension, setup
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


# The C reader links libyaml (Debian: libyaml-dev). It is optional: where it
# cannot be built, the install goes on and plans are read by the Python
# loop over PyYAML's events (compliance.fastyaml), with the same results.
READER = Extension("compliance._cyaml", ["src/compliance/_cyaml.c"], libraries=["yaml"], optional=True)
# The C writer of the engine's facts needs no library; where it cannot be
# built, compliance.engine.dumps writes them with the json module, alike.
WRITER = Extension("compliance._cjson", ["src/compliance/_cjson.c"], optional=True)

setup(cmdclass={"build_py": BuildWithData}, ext_modules=[READER, WRITER])
