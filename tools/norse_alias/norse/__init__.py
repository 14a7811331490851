"""An import alias named ``norse`` that forwards every name to snn_deploy (for ``make norse-suite``).

``norse.torch.functional.<m>`` resolves a name in ``snn_deploy.functional.<m>``, then
``snn_deploy.functional``, then ``snn_deploy``; ``norse.torch.module.<m>`` likewise in
``snn_deploy.module``; ``norse.torch.utils.<m>`` in ``snn_deploy.utils``; ``norse.torch.models.<m>``
in ``snn_deploy.zoo``; ``norse.torch`` in ``snn_deploy``, ``snn_deploy.functional``,
``snn_deploy.module``, ``snn_deploy.zoo`` and ``snn_deploy.plot``. A name no candidate has raises
``AttributeError`` as a missing name would in norse. Only for norse's own tests: never installed
with snn_deploy.
"""

import importlib
import importlib.abc
import importlib.machinery
import sys
import types

_LAYERS = {"functional": "snn_deploy.functional", "module": "snn_deploy.module"}
_LAYERS |= {"utils": "snn_deploy.utils", "models": "snn_deploy.zoo"}
_TOP = ("snn_deploy", "snn_deploy.functional", "snn_deploy.module", "snn_deploy.zoo", "snn_deploy.plot")


def _candidates(name: str) -> list[str]:
    parts = name.split(".")[1:]  # drop "norse"
    if parts[:1] != ["torch"]:
        return ["snn_deploy"]
    parts = parts[1:]
    if not parts:
        return list(_TOP)
    layer = _LAYERS.get(parts[0], "snn_deploy")
    if len(parts) == 1:
        return [layer, "snn_deploy"] if layer != "snn_deploy" else list(_TOP)
    return [f"{layer}.{'.'.join(parts[1:])}", layer, "snn_deploy"]


def _imported(candidate: str) -> types.ModuleType | None:
    try:
        return importlib.import_module(candidate)
    except ModuleNotFoundError as error:
        if error.name is not None and candidate.startswith(error.name):
            return None
        raise


class _Forward(types.ModuleType):
    def __getattr__(self, attribute: str) -> object:
        if attribute.startswith("__") and attribute != "__all__":
            raise AttributeError(attribute)
        targets = [m for m in map(_imported, _candidates(self.__name__)) if m is not None]
        if attribute == "__all__":
            names = {n for m in targets for n in getattr(m, "__all__", dir(m)) if not n.startswith("_")}
            return sorted(names)
        for target in targets:
            if hasattr(target, attribute):
                return getattr(target, attribute)
        try:
            return importlib.import_module(f"{self.__name__}.{attribute}")
        except ImportError:
            pass
        raise AttributeError(f"snn_deploy has no counterpart of {self.__name__}.{attribute}")


class _Finder(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    def find_spec(self, fullname, path=None, target=None):  # type: ignore[no-untyped-def]
        if not fullname.startswith("norse."):
            return None
        return importlib.machinery.ModuleSpec(fullname, self, is_package=True)

    def create_module(self, spec):  # type: ignore[no-untyped-def]
        module = _Forward(spec.name)
        module.__path__ = []
        return module

    def exec_module(self, module):  # type: ignore[no-untyped-def]
        pass


sys.meta_path.insert(0, _Finder())
__path__: list[str] = []
