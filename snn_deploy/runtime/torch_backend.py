"""Run TorchScript, ``torch.export`` (.pt2) and AOTInductor artifacts with torch.

Imported only for those artifacts, so that the ONNX path stays free of torch. The artifact's
callable takes the inputs positionally in the manifest's order and returns the outputs in the
manifest's order.
"""

from typing import Any, Callable, List, Optional

import numpy as np
import torch
from torch.export.passes import move_to_device_pass

from snn_deploy.errors import ArtifactError, DeviceError, InputError, UntrustedArtifactError, first_line
from snn_deploy.formats import AOTI, PT2, TORCHSCRIPT, ArtifactFile, trust_message
from snn_deploy.runtime import signature as signatures
from snn_deploy.runtime.devices import check_torch_device


class TorchBackend:
    """A loaded torch artifact on one device; ``run`` is safe to call from many threads.
    Loading runs the artifact's code, so it needs ``trusted=True``."""

    def __init__(self, artifact: ArtifactFile, device: str, threads: Optional[int], *, trusted: bool = False):
        if not trusted:
            raise UntrustedArtifactError(trust_message(artifact.path, artifact.format))
        if artifact.manifest is None:
            raise ArtifactError(f"{artifact.path}: a {artifact.kind} file without an snn_deploy manifest")
        self.path = artifact.path
        self.kind = artifact.kind
        self.device = check_torch_device(device)
        if threads:
            torch.set_num_threads(int(threads))
        self.signature = signatures.from_manifest(artifact.manifest, artifact.path)
        self._call = self._load(artifact)

    def _load(self, artifact: ArtifactFile) -> Callable:
        loaders = {TORCHSCRIPT.name: self._load_torchscript, PT2.name: self._load_exported, AOTI.name: self._load_aoti}
        if artifact.format is AOTI and artifact.aoti_device and artifact.aoti_device != self.device.split(":")[0]:
            raise DeviceError(
                f"{artifact.path}: this AOTInductor package was compiled for {artifact.aoti_device!r}, "
                f"not {self.device!r}; export it again for that device"
            )
        try:
            return loaders[artifact.kind](artifact.path)
        except DeviceError:
            raise
        except Exception as error:
            producer = self.signature.manifest.producer if self.signature.manifest else {}
            raise ArtifactError(
                f"{artifact.path}: torch {torch.__version__} cannot load this {artifact.kind} artifact "
                f"(written by {producer}); it may be truncated or corrupted: {first_line(error)}"
            ) from None

    def _load_torchscript(self, path: str) -> Callable:
        module = torch.jit.load(path, map_location=self.device)
        module.eval()
        return module

    def _load_exported(self, path: str) -> Callable:
        program = torch.export.load(path)
        if self.device != "cpu":
            program = move_to_device_pass(program, self.device)
        return program.module()

    def _load_aoti(self, path: str) -> Callable:
        index = torch.device(self.device).index
        return torch._inductor.aoti_load_package(path, device_index=-1 if index is None else index)

    def to_native(self, value: Any) -> torch.Tensor:
        if isinstance(value, np.ndarray):
            value = torch.from_numpy(np.ascontiguousarray(value))
        return value.to(self.device)

    def from_native(self, value: torch.Tensor, as_torch: bool) -> Any:
        return value if as_torch else value.cpu().numpy()

    def run(self, feeds: List[torch.Tensor], batch_size: Optional[int]) -> List[torch.Tensor]:
        """Feed ``feeds`` in input order; return the outputs in ``signature.output_names`` order."""
        try:
            with torch.inference_mode():
                outputs = self._call(*feeds)
        except Exception as error:
            raise InputError(f"{self.path}: torch refused the input: {first_line(error)}") from None
        return list(outputs) if isinstance(outputs, (tuple, list)) else [outputs]

    def bind_state(self, batch_size: int) -> None:
        """None: a stream of a torch artifact carries its state through :meth:`run`."""
        return None
