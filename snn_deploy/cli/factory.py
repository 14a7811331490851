"""The one factory loader of the command line (``export`` and ``to-nir``).

A factory is ``pkg.module:name`` (imported with the current directory on the path) or
``path/to/file.py:name``: a callable taking no arguments (a function or a class, e.g.
``snn_deploy:LIFCell``) that returns either a model or a pair ``(model, example)``. A factory
that cannot be imported, is not callable or raises is a :class:`CommandError` of one line that
names it; its traceback is the user's code, not the command's.
"""

import importlib
import importlib.util
import os
import sys
from pathlib import Path
from types import ModuleType
from typing import Any, Callable, Tuple

from snn_deploy.cli.command import CommandError
from snn_deploy.errors import first_line


def _failure(error: BaseException) -> str:
    return f"{type(error).__name__}: {first_line(error)}"


def _import_file(path: Path) -> ModuleType:
    """Run a Python file as a module named after it, with its folder on the path (as ``python
    file.py`` would), so that it can import its neighbours."""
    if not path.is_file():
        raise CommandError(f"no such factory file: {path}")
    folder = str(path.resolve().parent)
    if folder not in sys.path:
        sys.path.insert(0, folder)
    spec = importlib.util.spec_from_file_location(path.stem, path)
    if spec is None or spec.loader is None:
        raise CommandError(f"cannot import {path} for the factory: not a Python file")
    module = importlib.util.module_from_spec(spec)
    sys.modules[path.stem] = module
    try:
        spec.loader.exec_module(module)
    except Exception as error:  # the factory's file does not parse or fails on import
        del sys.modules[path.stem]
        raise CommandError(f"cannot import {path} for the factory: {_failure(error)}") from None
    return module


def _import_module(name: str) -> ModuleType:
    """Import ``name`` with the current directory on the path (a console script does not have it)."""
    if os.getcwd() not in sys.path and "" not in sys.path:
        sys.path.insert(0, os.getcwd())
    try:
        return importlib.import_module(name)
    except ImportError as error:
        raise CommandError(f"cannot import {name!r} for the factory: {error}") from None
    except Exception as error:  # the module does not parse or fails on import
        raise CommandError(f"cannot import {name!r} for the factory: {_failure(error)}") from None


def load_factory(spec: str) -> Callable[[], Any]:
    """The callable ``spec`` names (``pkg.module:name`` or ``path/to/file.py:name``)."""
    source, _, attribute = spec.rpartition(":")
    if not source or not attribute:
        raise CommandError(f"factory {spec!r} must look like pkg.module:function or path/to/file.py:function")
    is_file = source.endswith(".py") or os.sep in source or "/" in source
    module = _import_file(Path(source)) if is_file else _import_module(source)
    factory = getattr(module, attribute, None)
    if not callable(factory):
        raise CommandError(f"{source} has no callable {attribute!r}")
    return factory


def made_by(spec: str) -> Tuple[Any, Any]:
    """``(model, example)`` from calling the factory ``spec`` (``example`` ``None`` if it gives none)."""
    factory = load_factory(spec)
    try:
        made = factory()
    except Exception as error:  # the user's code failed: say where, in one line
        raise CommandError(f"factory {spec} raised {_failure(error)}") from None
    if not isinstance(made, tuple):
        return made, None
    if len(made) != 2:
        raise CommandError(f"factory {spec} returned a tuple of {len(made)} items, expected (model, example)")
    return made[0], made[1]
