"""``snn-deploy export``, ``inspect`` and ``validate`` as a new user would run them."""

import json
import subprocess
import sys

import pytest

from snn_deploy.cli import COMMANDS, main


def test_export_inspect_validate_in_a_subprocess(tmp_path):
    path = tmp_path / "lif.onnx"
    command = [sys.executable, "-m", "snn_deploy.cli"]
    exported = subprocess.run(
        command
        + ["export", "snn_deploy:LIFCell", "--input-shape", "5", "--input-scale", "300", "-T", "4", "-o", str(path)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert exported.returncode == 0, exported.stderr
    assert "onnx sequence artifact, T=4" in exported.stdout and "output: spikes 100% equal" in exported.stdout
    inspected = subprocess.run(command + ["inspect", "--json", str(path)], capture_output=True, text=True, check=True)
    manifest = json.loads(inspected.stdout)
    assert manifest["model"]["tree"]["class"] == "snn_deploy.module.lif.LIFCell" and manifest["time_steps"] == 4
    validated = subprocess.run(command + ["validate", str(path)], capture_output=True, text=True, check=True)
    assert "matches its recorded eager reference" in validated.stdout


def test_factory_with_example_shape_checkpoint_and_step_mode(tmp_path, capsys):
    import torch
    from export_factories import small_network

    checkpoint = tmp_path / "weights.pt"
    torch.save({"state_dict": small_network()[0].state_dict()}, checkpoint)
    path = tmp_path / "net.pt2"
    argv = [
        "export",
        "export_factories:small_network",
        "-o",
        str(path),
        "--mode",
        "step",
        "--checkpoint",
        str(checkpoint),
    ]
    assert main(argv) == 0
    assert "pt2 step artifact" in capsys.readouterr().out
    assert main(["inspect", "--json", "--trust", str(path)]) == 0
    assert json.loads(capsys.readouterr().out)["inputs"][0]["shape"] == [None, 3]


@pytest.mark.parametrize(
    "argv,message",
    [
        (["export", "nowhere.module:f", "-o", "x.onnx"], "cannot import 'nowhere.module'"),
        (["export", "export_factories", "-o", "x.onnx"], "must look like pkg.module:function"),
        (["export", "export_factories:not_a_model", "-o", "x.onnx"], "returned int, not a torch.nn.Module"),
        (["export", "snn_deploy:LIF", "-o", "x.onnx"], "per-sample input shape with --input-shape"),
        (
            ["export", "export_factories:small_network", "-o", "x.onnx", "--checkpoint", "missing.pt"],
            "cannot read checkpoint missing.pt: No such file or directory",
        ),
        (["export", "missing/models.py:build", "-o", "x.onnx"], "no such factory file: missing/models.py"),
        (["export", "snn_deploy:LIF", "--input-shape", "2", "-o", "x.pt2", "--opset", "18"], "ONNX artifacts only"),
        (["inspect", "missing.onnx"], "no such file"),
        (["validate", "missing.onnx"], "no such file"),
    ],
)
def test_errors_print_one_line_and_exit_non_zero(argv, message, capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert main(argv) == 1
    err = capsys.readouterr().err
    assert message in err and len(err.strip().splitlines()) == 1 and "Traceback" not in err


def test_existing_output_is_refused(tmp_path, capsys):
    (tmp_path / "x.onnx").write_text("keep")
    assert main(["export", "snn_deploy:LIF", "--input-shape", "2", "-o", str(tmp_path / "x.onnx")]) == 1
    assert "already exists" in capsys.readouterr().err and (tmp_path / "x.onnx").read_text() == "keep"


def test_the_command_table_is_open_for_more_commands():
    assert {"export", "inspect", "validate"} <= set(COMMANDS)


@pytest.mark.parametrize(
    "source,message",
    [
        (
            "def build():\n    raise ValueError('no weights here')\n",
            "factory broken.py:build raised ValueError: no weights here",
        ),
        ("def build(:\n    pass\n", "cannot import broken.py for the factory: SyntaxError: "),
        ("import nowhere_at_all\n", "cannot import broken.py for the factory: ModuleNotFoundError: "),
        ("raise RuntimeError('boom\\nsecond line')\n", "cannot import broken.py for the factory: RuntimeError: boom"),
        ("def build():\n    return 1, 2, 3\n", "returned a tuple of 3 items, expected (model, example)"),
    ],
)
@pytest.mark.parametrize("command", ["export", "to-nir"])
def test_a_failing_factory_is_one_line_naming_it(source, message, command, capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(sys, "path", list(sys.path))
    (tmp_path / "broken.py").write_text(source)
    assert main([command, "broken.py:build", "-o", "x.out"]) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"snn-deploy {command}: error: ") and message in err
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err
    assert not (tmp_path / "x.out").exists()


def test_a_factory_module_that_does_not_parse_is_one_line(capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(sys, "path", list(sys.path))
    (tmp_path / "unparsable_factory_module.py").write_text("def build(:\n")
    assert main(["export", "unparsable_factory_module:build", "-o", "x.onnx"]) == 1
    err = capsys.readouterr().err
    assert "cannot import 'unparsable_factory_module' for the factory: SyntaxError: " in err
    assert len(err.strip().splitlines()) == 1
