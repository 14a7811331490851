"""The serving install: the package's wheel in a fresh virtual environment with numpy and
onnxruntime only (no torch, no onnx) serves an ONNX artifact through ``runtime.load`` and the
command line.

numpy, onnxruntime and onnxruntime's own requirements are linked in from this environment
(nothing is downloaded); torch and onnx are not, so ``import torch`` fails there."""

import importlib.metadata
import re
import subprocess
import sys
import venv
from pathlib import Path
from typing import List, Set

import numpy as np
import pytest
from runtime_models import Artifacts, eager, inputs

import snn_deploy

ROOT = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.slow  # builds a wheel and a virtual environment: about half a minute
SERVING = ["numpy", "onnxruntime"]


def _closure(names: List[str]) -> Set[str]:
    """The distributions ``names`` need (unconditional requirements only), found recursively."""
    seen: Set[str] = set()
    pending = list(names)
    while pending:
        name = pending.pop()
        key = name.lower().replace("_", "-")
        if key in seen:
            continue
        seen.add(key)
        for requirement in importlib.metadata.requires(name) or []:
            if ";" not in requirement:
                pending.append(re.split(r"[<>=!~ \[]", requirement, maxsplit=1)[0])
    return seen


def _link_distributions(names: Set[str], folder: Path) -> None:
    """Symlink every top-level file and folder of these installed distributions into ``folder``."""
    folder.mkdir()
    for name in names:
        dist = importlib.metadata.distribution(name)
        tops = {Path(str(file)).parts[0] for file in dist.files or []}
        for top in tops:
            source = Path(dist.locate_file(top))
            if source.exists() and not top.startswith("..") and not (folder / top).exists():
                (folder / top).symlink_to(source)


def _run(command: List[str], **options) -> subprocess.CompletedProcess:
    result = subprocess.run(command, capture_output=True, text=True, timeout=300, **options)
    return result


@pytest.fixture(scope="module")
def serving_env(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("serving")
    built = _run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", str(folder), str(ROOT)]
    )
    assert built.returncode == 0, built.stderr
    wheel = next(folder.glob("snn_deploy-*.whl"))
    environment = folder / "venv"
    venv.EnvBuilder(with_pip=False).create(environment)
    python = environment / "bin" / "python"
    site = Path(_run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"]).stdout.strip())
    assert "torch" not in _closure(SERVING) and "onnx" not in _closure(SERVING)
    _link_distributions(_closure(SERVING), folder / "serving_deps")
    (site / "serving_deps.pth").write_text(str(folder / "serving_deps") + "\n")
    installed = _run(
        [sys.executable, "-m", "pip", "--python", str(python), "install", "-q", "--no-deps", "--no-index", str(wheel)]
    )
    assert installed.returncode == 0, installed.stderr
    return environment


def test_the_base_install_requires_numpy_and_onnxruntime_only():
    requires = importlib.metadata.requires("snn_deploy") or []
    base = sorted(re.split(r"[<>=!~ ]", r, maxsplit=1)[0] for r in requires if "extra ==" not in r)
    assert base == ["numpy", "onnxruntime"]
    assert snn_deploy.__version__ == importlib.metadata.version("snn_deploy")


def test_serving_without_torch(serving_env: Path, artifacts: Artifacts, tmp_path: Path):
    python, cli = serving_env / "bin" / "python", serving_env / "bin" / "snn-deploy"
    sequence, step = artifacts.path("onnx", "sequence"), artifacts.path("onnx", "step")
    x = inputs(7, 2).numpy() * 2
    np.save(tmp_path / "x.npy", x)
    expected = eager(artifacts.model, inputs(7, 2) * 2)[0].numpy()

    no_torch = _run([str(python), "-c", "import torch"])
    assert no_torch.returncode != 0 and "No module named 'torch'" in no_torch.stderr
    assert _run([str(python), "-c", "import onnx"]).returncode != 0

    script = (
        "import sys, numpy as np\n"
        "from snn_deploy import runtime\n"
        f"session = runtime.load({str(sequence)!r}, step_artifact={str(step)!r})\n"
        f"output, state = session.run(np.load({str(tmp_path / 'x.npy')!r}))\n"
        f"np.save({str(tmp_path / 'api.npy')!r}, output)\n"
        "assert 'torch' not in sys.modules and 'onnx' not in sys.modules\n"
    )
    served = _run([str(python), "-c", script])
    assert served.returncode == 0, served.stderr
    np.testing.assert_array_equal(np.load(tmp_path / "api.npy"), expected)

    run = _run(
        [
            str(cli),
            "run",
            str(sequence),
            "--step-artifact",
            str(step),
            "-i",
            str(tmp_path / "x.npy"),
            "-o",
            str(tmp_path / "cli.npy"),
        ]
    )
    assert run.returncode == 0, run.stderr
    np.testing.assert_array_equal(np.load(tmp_path / "cli.npy"), expected)
    inspected = _run([str(cli), "inspect", str(sequence)])
    assert inspected.returncode == 0 and "onnx artifact" in inspected.stdout and "checksum verified" in inspected.stdout
    bench = _run([str(cli), "bench", str(step), "--steps", "20", "--warmup", "2"])
    assert bench.returncode == 0 and "per step p50" in bench.stdout
    validated = _run([str(cli), "validate", str(sequence)])
    assert validated.returncode == 0 and "matches its recorded eager reference" in validated.stdout


def test_commands_that_need_torch_name_the_extra(serving_env: Path, artifacts: Artifacts):
    cli = serving_env / "bin" / "snn-deploy"
    exported = _run([str(cli), "export", "snn_deploy:LIFCell", "--input-shape", "2", "-o", "x.onnx"])
    assert exported.returncode == 1 and "pip install 'snn_deploy[torch]'" in exported.stderr
    torchscript = _run([str(cli), "run", str(artifacts.path("torchscript", "step")), "--trust", "-i", "x.npy"])
    assert torchscript.returncode == 1 and "pip install 'snn_deploy[torch]'" in torchscript.stderr
