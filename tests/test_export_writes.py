"""Artifact writes: never replace a file that appears during the export unless asked to, file
mode from the umask, and the target's own name inside zip archives."""

import os
import stat
import zipfile

import pytest
import torch

import snn_deploy as snn
from snn_deploy.errors import ExportError
from snn_deploy.export import onnx_format, to_onnx, to_pt2, to_torchscript

X = torch.rand(3, 2, 4, generator=torch.Generator().manual_seed(0))


def test_a_file_that_appears_during_the_export_is_kept(tmp_path, monkeypatch):
    target = tmp_path / "m.onnx"
    save = onnx_format.save

    def save_while_another_process_writes(model, path, extras):
        save(model, path, extras)
        if not target.exists():
            target.write_text("written by someone else meanwhile")

    monkeypatch.setattr(onnx_format, "save", save_while_another_process_writes)
    with pytest.raises(ExportError, match="appeared while exporting; not replaced"):
        to_onnx(snn.LIF(), X, target, validate=False)
    assert target.read_text() == "written by someone else meanwhile"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["m.onnx"]  # no temporary left behind


def test_overwrite_replaces(tmp_path):
    target = tmp_path / "m.onnx"
    target.write_text("old")
    report = to_onnx(snn.LIF(), X, target, validate=False, overwrite=True)
    assert target.stat().st_size == report.file_bytes > 3


@pytest.mark.parametrize("umask", [0o022, 0o027, 0o077])
def test_the_file_mode_follows_the_umask(tmp_path, umask: int):
    previous = os.umask(umask)
    try:
        to_onnx(snn.LIF(), X, tmp_path / "m.onnx", validate=False)
    finally:
        os.umask(previous)
    assert stat.S_IMODE((tmp_path / "m.onnx").stat().st_mode) == 0o666 & ~umask


@pytest.mark.parametrize("exporter,name", [(to_torchscript, "model.ts"), (to_pt2, "model.pt2")])
def test_archives_hold_the_targets_name_not_a_temporary_one(tmp_path, exporter, name: str):
    exporter(snn.LIF(), X, tmp_path / name, validate=False)
    with zipfile.ZipFile(tmp_path / name) as archive:
        roots = {entry.split("/", 1)[0] for entry in archive.namelist()}
    assert roots == {"model"}
    assert sorted(p.name for p in tmp_path.iterdir()) == [name]
