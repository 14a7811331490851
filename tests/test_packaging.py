"""``python -m build`` gives a wheel and an sdist that install and work outside the checkout."""

import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SMOKE = """
import pathlib, sys
import numpy as np, torch
import snn_deploy as snn
from snn_deploy import export, readout, runtime

assert pathlib.Path(snn.__file__).is_relative_to(sys.argv[1]), snn.__file__
assert (pathlib.Path(snn.__file__).parent / "py.typed").exists()
x = 300.0 * torch.rand(4, 2, 3)
export.to_onnx(snn.LIF(), x, "lif.onnx")
output, _ = runtime.load("lif.onnx").run(x.numpy())
np.testing.assert_array_equal(output, snn.LIF()(x)[0].detach().numpy())
print("spikes", int(readout.spike_count(output).sum()))
"""

pytestmark = pytest.mark.slow  # builds the package twice and exports a model: about a minute


@pytest.fixture(scope="module")
def dist(tmp_path_factory) -> Path:
    """The wheel and sdist of this checkout (the wheel is built from the sdist, as ``build`` does)."""
    out = tmp_path_factory.mktemp("dist")
    subprocess.run(
        [sys.executable, "-m", "build", "--no-isolation", "--outdir", str(out), str(REPO)],
        check=True,
        capture_output=True,
    )
    return out


def test_the_wheel_carries_the_license_type_information_and_metadata(dist):
    (wheel,) = dist.glob("snn_deploy-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
        metadata = archive.read(next(n for n in names if n.endswith(".dist-info/METADATA"))).decode()
    assert "snn_deploy/py.typed" in names
    assert any(n.endswith(".dist-info/licenses/LICENSE") for n in names)
    assert "License-Expression: Apache-2.0" in metadata and "Project-URL: Repository, https://" in metadata
    assert "Classifier: Typing :: Typed" in metadata
    assert "Description-Content-Type: text/markdown" in metadata and "## Quickstart" in metadata
    assert not any(n.startswith(("tests/", "export_examples/")) for n in names)


def test_the_sdist_carries_the_license_and_the_sources(dist):
    (sdist,) = dist.glob("snn_deploy-*.tar.gz")
    with tarfile.open(sdist) as archive:
        names = {name.split("/", 1)[1] for name in archive.getnames() if "/" in name}
    assert {"LICENSE", "README.md", "pyproject.toml", "snn_deploy/py.typed", "snn_deploy/cli/__init__.py"} <= names


@pytest.mark.parametrize("pattern", ["snn_deploy-*.whl", "snn_deploy-*.tar.gz"])
def test_an_install_works_outside_the_checkout(dist, pattern, tmp_path):
    (package,) = dist.glob(pattern)
    site = tmp_path / "site"
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--no-build-isolation"]
        + ["--target", str(site), str(package)],
        check=True,
        capture_output=True,
    )
    environment = {"PYTHONPATH": str(site), "PATH": "/usr/bin:/bin"}
    smoke = subprocess.run(
        [sys.executable, "-c", SMOKE, str(site)], cwd=tmp_path, env=environment, capture_output=True, text=True
    )
    assert smoke.returncode == 0, smoke.stderr[-2000:]
    assert smoke.stdout.startswith("spikes ") and int(smoke.stdout.split()[1]) > 0
    version = subprocess.run(
        [sys.executable, "-m", "snn_deploy", "--version"], cwd=tmp_path, env=environment, capture_output=True, text=True
    )
    assert version.stdout.strip() == "snn-deploy 0.1.0", version.stderr
