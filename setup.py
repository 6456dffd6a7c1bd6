"""The wheel carries the compiled message catalogs: built here, so an installed Shuangshi speaks
Chinese without `pybabel compile` (everything else is in pyproject.toml)."""

import importlib.util
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py


class BuildWithCatalogs(build_py):
    def run(self) -> None:
        super().run()
        here = Path(__file__).resolve().parent
        spec = importlib.util.spec_from_file_location("catalogs", here / "core" / "catalogs.py")
        catalogs = importlib.util.module_from_spec(spec)  # without importing the app
        spec.loader.exec_module(catalogs)  # type: ignore[union-attr]
        catalogs.compile_into(here / "core" / "translations",
                              Path(self.build_lib) / "core" / "translations")  # fmt: skip


setup(cmdclass={"build_py": BuildWithCatalogs})
