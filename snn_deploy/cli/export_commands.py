"""``snn-deploy export FACTORY -o ARTIFACT``: export a model from a Python factory (needs torch).

``FACTORY`` is a factory (:mod:`snn_deploy.cli.factory`) returning a model, or a pair ``(model,
example)`` where ``example`` is the per-sample input shape (a tuple of ints, e.g. ``(2, 28,
28)``) or a whole example input tensor (used as is). ``FACTORY`` may also be a ``.nir`` file,
imported with :func:`snn_deploy.nir.from_nir` at ``--dt``. Without an example from the factory,
``--input-shape`` gives the per-sample shape. The example input is drawn as ``--input-scale *
U(0, 1)`` of shape ``(T, B, *shape)`` (sequence mode; ``(B, *shape)`` for step mode and for
encoders). Importing this module imports neither torch nor the exporter.
"""

import argparse
from typing import Any, Dict, Tuple

from snn_deploy.cli.command import Command, CommandError
from snn_deploy.cli.factory import made_by
from snn_deploy.cli.nir_commands import nir_model_and_shape
from snn_deploy.errors import SnnDeployError
from snn_deploy.extras import require
from snn_deploy.formats import FORMATS, format_of_suffix


def _add_export_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "factory",
        help="pkg.module:name or path/to/file.py:name, returning a model or (model, example); or a .nir file",
    )
    parser.add_argument("--output", "-o", required=True, help="artifact path (.onnx, .ts/.pt, .pt2)")
    parser.add_argument("--dt", type=float, help="Euler time step in seconds of a .nir model (default: the graph's)")
    parser.add_argument("--checkpoint", help="a state_dict (or a dict with a 'state_dict' entry) to load")
    parser.add_argument("--format", choices=list(FORMATS), help="default: from the suffix")
    parser.add_argument("--mode", choices=["sequence", "step"], default="sequence")
    parser.add_argument("--time-steps", "-T", type=int, default=16, help="T of the example input (sequence mode)")
    parser.add_argument("--batch", "-B", type=int, default=2, help="batch size of the example input")
    parser.add_argument("--input-shape", type=int, nargs="+", help="per-sample input shape, if the factory gives none")
    parser.add_argument("--input-scale", type=float, default=1.0, help="example inputs are scale * U(0, 1)")
    parser.add_argument("--opset", type=int, help="ONNX opset (default: the exporter's)")
    parser.add_argument("--overwrite", action="store_true", help="replace an existing file")
    parser.add_argument("--no-validate", action="store_true", help="skip validation against eager")
    parser.add_argument("--seed", type=int, default=0)


def _load_checkpoint(model: Any, path: str) -> None:
    """Load a state_dict (or a dict with a ``state_dict`` entry) saved with ``torch.save``; only
    tensors and plain containers are unpickled (``weights_only``)."""
    import torch

    try:
        state = torch.load(path, map_location="cpu", weights_only=True)
    except OSError as error:
        raise CommandError(f"cannot read checkpoint {path}: {error.strerror or error}") from None
    except Exception as error:  # torch.load raises pickle and zip errors of many types
        raise CommandError(f"cannot load checkpoint {path}: {type(error).__name__}: {error}") from None
    if isinstance(state, dict) and isinstance(state.get("state_dict"), dict):
        state = state["state_dict"]
    if not isinstance(state, dict):
        raise CommandError(f"checkpoint {path} holds a {type(state).__name__}, expected a state_dict")
    try:
        model.load_state_dict(state)
    except (RuntimeError, KeyError, TypeError) as error:
        raise CommandError(f"checkpoint {path} does not fit the factory's model: {error}") from None


def _model_and_example(args: argparse.Namespace) -> Tuple[Any, Any]:
    require("torch", "snn-deploy export")
    import torch

    from snn_deploy.export import layout_of

    if args.factory.endswith(".nir"):
        model, example = nir_model_and_shape(args.factory, args.dt, args.input_shape)
    else:
        model, example = made_by(args.factory)
    if not isinstance(model, torch.nn.Module):
        raise CommandError(f"factory {args.factory} returned {type(model).__name__}, not a torch.nn.Module")
    if args.checkpoint:
        _load_checkpoint(model, args.checkpoint)
    if isinstance(example, torch.Tensor):
        return model, example
    shape = list(example) if example is not None else args.input_shape
    if not shape:
        raise CommandError(
            f"{args.factory} gives a model without an example input: pass its per-sample input shape "
            "with --input-shape (e.g. --input-shape 5), or return (model, shape) from the factory"
        )
    layout = layout_of(model, args.mode == "step")
    leading = [args.time_steps, args.batch] if layout.is_chunked else [args.batch]
    generator = torch.Generator().manual_seed(args.seed)
    return model, args.input_scale * torch.rand(*leading, *shape, generator=generator)


def _run_export(args: argparse.Namespace) -> int:
    from snn_deploy import export as exporting

    try:
        format_name = args.format or format_of_suffix(args.output).name
    except SnnDeployError:
        format_name = None  # export() names the suffixes it knows
    if args.opset is not None and format_name != "onnx":
        raise CommandError(f"--opset applies to ONNX artifacts only, not to {format_name or args.output}")
    model, example = _model_and_example(args)
    options: Dict[str, Any] = dict(
        step=args.mode == "step", validate=not args.no_validate, overwrite=args.overwrite, seed=args.seed
    )
    if format_name == "onnx":
        options["opset"] = args.opset
    report = exporting.export(model, example, args.output, format=args.format, **options)
    print(report)
    return 0


COMMANDS: Dict[str, Command] = {
    "export": Command("export a model from a Python factory", _add_export_arguments, _run_export),
}
