"""``snn-deploy export``: every option does what it says; factories from the current directory
and from a file; full checkpoint errors; ``--version``; ``python -m snn_deploy``."""

import subprocess
import sys
from pathlib import Path

import onnx
import pytest
import torch
from export_factories import small_network

import snn_deploy
from snn_deploy.cli import main
from snn_deploy.export import read_manifest

LIF = ["snn_deploy:LIFCell", "--input-shape", "5", "--input-scale", "300"]
FACTORY_FILE = '''
import snn_deploy as snn
from torch import nn


def build():
    """A model and its per-sample input shape."""
    return snn.SequentialState(snn.Lift(nn.Linear(3, 4)), snn.LIF(), snn.LI()), (3,)
'''


def export(tmp_path: Path, name: str, *options: str, factory=LIF) -> Path:
    path = tmp_path / name
    assert main(["export", *factory, "-o", str(path), *options]) == 0
    return path


def console(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    """The installed console script, as a user runs it (no PYTHONPATH, another directory)."""
    script = Path(sys.executable).parent / "snn-deploy"
    return subprocess.run([str(script), *args], cwd=cwd, capture_output=True, text=True)


@pytest.mark.slow  # four exports, two of them through torch.export
def test_output_suffix_picks_the_format(tmp_path):
    for name, format_name in [("a.onnx", "onnx"), ("a.ts", "torchscript"), ("a.pt", "torchscript"), ("a.pt2", "pt2")]:
        assert read_manifest(export(tmp_path, name, "--no-validate")).format == format_name


def test_format_must_suit_the_suffix(tmp_path, capsys):
    # loaders tell the format from the suffix (README "Security"), so --format may not contradict it
    assert read_manifest(export(tmp_path, "model.pt", "--format", "torchscript", "--no-validate")).format == (
        "torchscript"
    )
    argv = ["export", *LIF, "--no-validate", "--format", "torchscript"]
    assert main([*argv, "-o", str(tmp_path / "model.bin")]) == 1
    assert "use a suffix of .onnx, .pt, .pt2, .ts" in capsys.readouterr().err
    assert main([*argv, "-o", str(tmp_path / "model.onnx")]) == 1
    assert "a torchscript artifact is named .ts/.pt" in capsys.readouterr().err
    assert not (tmp_path / "model.bin").exists() and not (tmp_path / "model.onnx").exists()


def test_mode_step_writes_a_step_artifact(tmp_path):
    manifest = read_manifest(export(tmp_path, "step.onnx", "--mode", "step"))
    assert manifest.mode == "step" and manifest.time_steps is None and manifest.inputs[0].shape == [None, 5]


def test_time_steps_and_input_shape_set_the_example(tmp_path):
    manifest = read_manifest(export(tmp_path, "t.onnx", "-T", "3", "--no-validate"))
    assert manifest.time_steps == 3 and manifest.inputs[0].shape == [3, None, 5]
    manifest = read_manifest(export(tmp_path, "t2.pt2", "--time-steps", "7", "--no-validate"))
    assert manifest.time_steps == 7


def test_batch_sets_the_example_batch_which_validation_exceeds_by_one(tmp_path):
    assert read_manifest(export(tmp_path, "b.onnx", "-B", "4", "-T", "2")).validation["batch"] == 5
    assert read_manifest(export(tmp_path, "b2.onnx", "--batch", "6", "-T", "2")).validation["batch"] == 7


def test_input_scale_and_seed_set_the_validation_inputs(tmp_path):
    validation = read_manifest(export(tmp_path, "s.onnx", "-T", "2", "--seed", "5")).validation
    assert validation["seed"] == 5
    distribution = validation["input_distribution"]
    assert distribution["kind"] == "normal" and 100 < distribution["mean"] < 200  # 300 * U(0, 1): mean 150


def test_opset_reaches_the_exporter(tmp_path):
    path = export(tmp_path, "o.onnx", "-T", "2", "--opset", "18")
    model = onnx.load(str(path))
    assert {entry.domain: entry.version for entry in model.opset_import}[""] == 18
    assert read_manifest(path).options["opset"] == 18


def test_overwrite_replaces_an_existing_file(tmp_path, capsys):
    path = tmp_path / "x.onnx"
    path.write_text("old")
    assert main(["export", *LIF, "-T", "2", "-o", str(path), "--no-validate"]) == 1
    assert "already exists" in capsys.readouterr().err and path.read_text() == "old"
    export(tmp_path, "x.onnx", "-T", "2", "--no-validate", "--overwrite")
    assert read_manifest(path).time_steps == 2


def test_no_validate_leaves_the_validation_out(tmp_path):
    assert read_manifest(export(tmp_path, "n.onnx", "-T", "2", "--no-validate")).validation == {}
    assert read_manifest(export(tmp_path, "v.onnx", "-T", "2")).validation["outputs"]["output"]["spikes"]


def test_checkpoint_weights_are_exported(tmp_path):
    model, _ = small_network()
    with torch.no_grad():
        model[0].lifted_module.weight.fill_(0.25)
    torch.save(model.state_dict(), tmp_path / "plain.pt")
    torch.save({"state_dict": model.state_dict(), "epoch": 3}, tmp_path / "wrapped.pt")
    for checkpoint in ("plain.pt", "wrapped.pt"):
        path = export(
            tmp_path,
            f"{checkpoint}.pt2",
            "--no-validate",
            "--checkpoint",
            str(tmp_path / checkpoint),
            factory=["export_factories:small_network"],
        )
        weight = torch.export.load(str(path)).module().state_dict()["model.0.lifted_module.weight"]
        assert torch.equal(weight, torch.full((4, 3), 0.25))


def test_a_checkpoint_of_another_model_is_refused_with_the_keys(tmp_path, capsys):
    torch.save(snn_deploy.LIFRecurrent(3, 4).state_dict(), tmp_path / "other.pt")
    argv = ["export", "export_factories:small_network", "-o", str(tmp_path / "m.onnx"), "--checkpoint"]
    assert main([*argv, str(tmp_path / "other.pt")]) == 1
    error = capsys.readouterr().err
    assert "does not fit the factory's model" in error
    assert 'Missing key(s) in state_dict: "0.lifted_module.weight", "0.lifted_module.bias"' in error
    assert 'Unexpected key(s) in state_dict: "input_weights", "recurrent_weights"' in error
    assert "Traceback" not in error and not (tmp_path / "m.onnx").exists()


def test_a_checkpoint_that_is_not_a_state_dict_is_refused(tmp_path, capsys):
    torch.save(torch.zeros(3), tmp_path / "tensor.pt")
    (tmp_path / "junk.pt").write_bytes(b"not a checkpoint")
    argv = ["export", "export_factories:small_network", "-o", str(tmp_path / "m.onnx"), "--checkpoint"]
    assert main([*argv, str(tmp_path / "tensor.pt")]) == 1
    assert "holds a Tensor, expected a state_dict" in capsys.readouterr().err
    assert main([*argv, str(tmp_path / "junk.pt")]) == 1
    assert f"cannot load checkpoint {tmp_path / 'junk.pt'}: " in capsys.readouterr().err


def test_factory_from_the_current_directory_with_the_console_script(tmp_path):
    (tmp_path / "mypkg").mkdir()
    (tmp_path / "mypkg" / "__init__.py").write_text("")
    (tmp_path / "mypkg" / "models.py").write_text(FACTORY_FILE)
    result = console("export", "mypkg.models:build", "--output", "model.onnx", "-T", "4", "-B", "2", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert read_manifest(tmp_path / "model.onnx").inputs[0].shape == [4, None, 3]
    assert "torchvision" not in result.stderr and "Warning" not in result.stderr  # notices filtered


def test_factory_from_a_file_path(tmp_path):
    (tmp_path / "nets").mkdir()
    (tmp_path / "nets" / "net_sizes.py").write_text("SIZE = 3\n")
    (tmp_path / "nets" / "models.py").write_text(
        "from net_sizes import SIZE\n" + FACTORY_FILE.replace("(3,)", "(SIZE,)")
    )
    path = export(tmp_path, "f.pt2", "--no-validate", factory=[str(tmp_path / "nets" / "models.py") + ":build"])
    assert read_manifest(path).inputs[0].shape == [16, None, 3]


def test_version_and_python_dash_m(tmp_path):
    result = console("--version", cwd=tmp_path)
    assert result.stdout.strip() == f"snn-deploy {snn_deploy.__version__}" == "snn-deploy 0.1.0"
    as_module = subprocess.run([sys.executable, "-m", "snn_deploy", "--help"], capture_output=True, text=True)
    assert as_module.returncode == 0 and "export" in as_module.stdout and "usage: snn-deploy" in as_module.stdout


def test_bench_progress_writes_no_carriage_returns_into_a_log(artifacts, capsys):
    assert main(["bench", str(artifacts.path("onnx", "step")), "--steps", "100", "--warmup", "2"]) == 0
    error = capsys.readouterr().err
    assert "\r" not in error and error.strip() == "100/100 steps"


@pytest.mark.parametrize("option", ["--input-shape", "--time-steps"])
def test_bad_numbers_are_argparse_errors(option, capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["export", *LIF, "-o", "x.onnx", option, "many"])
    assert exit_info.value.code == 2 and "invalid int value: 'many'" in capsys.readouterr().err
