"""The one table of every public module: how to build it and what to feed it.

Every generic test (compile, script, float64, CUDA, gradients, export) iterates ``CASES``;
``test_registry.py`` fails when a public ``nn.Module`` class of ``snn_deploy`` (an entry's
``modules`` in ``snn_deploy/registry.py``) has no case. Each model family lists its cases in its
own ``cases_<family>.py`` next to this file, which is found here by its name.
"""

import importlib
from pathlib import Path

CASE_FILES = sorted(path.stem for path in Path(__file__).parent.glob("cases_*.py"))
CASES = [case for name in CASE_FILES for case in importlib.import_module(name).CASES]
CASES_BY_NAME = {case.name: case for case in CASES}
