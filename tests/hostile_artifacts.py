"""Small hostile artifacts, each carrying a payload that writes a marker file when the file is
opened with torch's loaders (checked by hand with torch 2.13: ``torch.export.load`` runs the
pickled weight and the opaque constant, ``torch.jit.load`` runs ``__setstate__``; the dynamic
loader runs the constructor of the ``.so``). The tests assert that snn_deploy never lets the payload run."""

import builtins
import json
import pickle
import shutil
import subprocess
import zipfile
from pathlib import Path
from typing import Dict, Tuple

import torch

from snn_deploy.formats.zip_file import root_folder
from snn_deploy.manifest import MANIFEST_KEY


class _OpenMarker:
    """Unpickling this calls ``open(marker, "w")``: the file appears."""

    def __init__(self, marker: str):
        self.marker = marker

    def __reduce__(self):
        return (builtins.open, (self.marker, "w"))


class _SetStateWrites(torch.nn.Module):
    """TorchScript runs ``__setstate__`` on ``torch.jit.load``; this one maps a file shared,
    which creates (or overwrites) it."""

    def __init__(self, marker: str):
        super().__init__()
        self.marker = marker
        self.x = torch.zeros(1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x + self.x

    @torch.jit.export
    def __getstate__(self) -> Tuple[torch.Tensor, str, bool]:
        return (self.x, self.marker, self.training)

    @torch.jit.export
    def __setstate__(self, state: Tuple[torch.Tensor, str, bool]) -> None:
        self.x = torch.from_file(state[1], True, 16)
        self.marker = state[1]
        self.training = state[2]


def _rewrite_zip(source: Path, target: Path, replace: Dict[str, bytes], add: Dict[str, bytes] = None) -> None:
    """Copy the archive, replacing entries whose name ends with a key of ``replace``."""
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w") as new:
        root = root_folder(old.namelist())
        for item in old.infolist():
            data = old.read(item)
            for suffix, value in replace.items():
                if item.filename.endswith(suffix):
                    data = value
            new.writestr(item.filename, data)
        for name, value in (add or {}).items():
            new.writestr(f"{root}/{name}", value)


def pickled_weights(pt2: Path, folder: Path) -> Tuple[Path, Path]:
    """A ``.pt2`` whose first weight is marked ``use_pickle`` and holds a hostile pickle."""
    marker = folder / "marker_pickled_weights"
    with zipfile.ZipFile(pt2) as archive:
        name = next(n for n in archive.namelist() if n.endswith("model_weights_config.json"))
        config = json.loads(archive.read(name))
    first = next(iter(config["config"].values()))
    first["use_pickle"] = True
    payload = pickle.dumps(_OpenMarker(str(marker)))
    target = folder / "pickled_weights.pt2"
    _rewrite_zip(pt2, target, {"model_weights_config.json": json.dumps(config).encode(), first["path_name"]: payload})
    return target, marker


def opaque_constant(pt2: Path, folder: Path) -> Tuple[Path, Path]:
    """A ``.pt2`` declaring an opaque constant (``opaque_obj_0``, plain ``pickle.loads``) holding a hostile pickle."""
    marker = folder / "marker_opaque_constant"
    meta = {"path_name": "opaque_obj_0", "is_param": False, "use_pickle": True, "tensor_meta": None}
    config = {"config": {"payload": meta}}
    target = folder / "opaque_constant.pt2"
    _rewrite_zip(
        pt2,
        target,
        {"model_constants_config.json": json.dumps(config).encode()},
        {"data/constants/opaque_obj_0": pickle.dumps(_OpenMarker(str(marker)))},
    )
    return target, marker


def setstate_file_write(ts: Path, folder: Path) -> Tuple[Path, Path]:
    """A TorchScript file whose ``__setstate__`` maps (creates) a file, with ``ts``'s manifest."""
    marker = folder / "marker_setstate"
    target = folder / "setstate.ts"
    with zipfile.ZipFile(ts) as archive:
        manifest = archive.read(next(n for n in archive.namelist() if n.endswith(MANIFEST_KEY)))
    scripted = torch.jit.script(_SetStateWrites(str(marker)))
    torch.jit.save(scripted, str(target), _extra_files={MANIFEST_KEY: manifest})
    assert not marker.exists()
    return target, marker


def aoti_constructor(pt2: Path, folder: Path) -> Tuple[Path, Path]:
    """An AOTInductor-shaped package whose ``.so`` writes the marker from a constructor (the
    bytes are a real shared library where a C compiler is installed)."""
    marker = folder / "marker_aoti"
    source = folder / "payload.c"
    library = folder / "payload.so"
    source.write_text(
        "#include <stdio.h>\n"
        f'__attribute__((constructor)) static void payload(void) {{ FILE *f = fopen("{marker}", "w"); '
        "if (f) fclose(f); }\n"
    )
    compiler = shutil.which("cc") or shutil.which("gcc")
    if compiler:
        subprocess.run([compiler, "-shared", "-fPIC", "-o", str(library), str(source)], check=True)
    else:
        library.write_bytes(b"\x7fELF not compiled: no C compiler on this machine")
    with zipfile.ZipFile(pt2) as archive:
        manifest = json.loads(archive.read(next(n for n in archive.namelist() if n.endswith(MANIFEST_KEY))))
    manifest["options"] = dict(manifest["options"], aoti=True)
    target = folder / "aoti_constructor.pt2"
    _rewrite_zip(
        pt2,
        target,
        {MANIFEST_KEY: json.dumps(manifest).encode()},
        {
            "data/aotinductor/model/model.so": library.read_bytes(),
            "data/aotinductor/model/model_metadata.json": b'{"AOTI_DEVICE_KEY": "cpu"}',
        },
    )
    return target, marker


def renamed(source: Path, folder: Path, name: str) -> Tuple[Path, Path]:
    """The same bytes under another suffix (a ``.pt2`` or TorchScript file named ``.onnx``)."""
    target = folder / name
    shutil.copyfile(source, target)
    return target, folder / f"marker_{name}"


def zip_bomb(ts: Path, folder: Path, inflated_bytes: int = 64 << 20) -> Tuple[Path, Path]:
    """A TorchScript file whose manifest is ``inflated_bytes`` of compressed padding."""
    target = folder / "zip_bomb.ts"
    with zipfile.ZipFile(ts) as old, zipfile.ZipFile(target, "w") as new:
        for item in old.infolist():
            if item.filename.endswith(MANIFEST_KEY):
                continue
            new.writestr(item.filename, old.read(item))
        root = root_folder(old.namelist())
        info = zipfile.ZipInfo(f"{root}/extra/{MANIFEST_KEY}")
        info.compress_type = zipfile.ZIP_DEFLATED
        with new.open(info, "w") as handle:
            chunk = b" " * (1 << 20)
            for _ in range(inflated_bytes >> 20):
                handle.write(chunk)
    assert target.stat().st_size < inflated_bytes // 100
    return target, folder / "marker_zip_bomb"
