"""Device names (``"cpu"``, ``"cuda"``, ``"cuda:1"``) parsed without torch."""

from typing import Tuple

from snn_deploy.errors import DeviceError


def parse_device(device: str) -> Tuple[str, int]:
    """``("cpu", 0)`` or ``("cuda", index)``; anything else is a :class:`DeviceError`."""
    name = str(device)
    kind, _, index = name.partition(":")
    if kind not in ("cpu", "cuda") or (index and not index.isdigit()) or (kind == "cpu" and index not in ("", "0")):
        raise DeviceError(f"unknown device {name!r}: use 'cpu', 'cuda' or 'cuda:<index>'")
    return kind, int(index or 0)


def check_torch_device(device: str) -> str:
    """The torch device string for ``device``, or a :class:`DeviceError` if torch cannot use it."""
    kind, index = parse_device(device)
    if kind == "cpu":
        return "cpu"
    import torch

    if not torch.cuda.is_available():
        raise DeviceError(f"device {device!r} requested but torch reports no CUDA device (torch {torch.__version__})")
    if index >= torch.cuda.device_count():
        raise DeviceError(f"device {device!r} requested but torch sees only {torch.cuda.device_count()} CUDA devices")
    return f"cuda:{index}"
