"""``snn-deploy``: export, inspect, validate, run and benchmark artifacts from the command line.

Subcommands live in ``COMMANDS`` (name -> :class:`Command`); add one by adding an entry.
Errors of snn_deploy (and bad files or factories) print one line to stderr and exit with 1.

``export FACTORY``: ``FACTORY`` is ``pkg.module:name``, a callable taking no arguments (a
function or a class, e.g. ``snn_deploy:LIFCell``) that returns either a model, or a pair
``(model, example)`` where ``example`` is the per-sample input shape (a tuple of ints, e.g.
``(2, 28, 28)``) or a whole example input tensor (used as is). Without an example from the
factory, ``--input-shape`` gives the per-sample shape. The example input is drawn as
``--input-scale * U(0, 1)`` of shape ``(T, B, *shape)`` (sequence mode; ``(B, *shape)`` for
step mode and for encoders).
"""

import argparse
import importlib
import sys
from dataclasses import dataclass
from typing import Any, Callable, Dict, Optional, Sequence, Tuple

from snn_deploy.errors import SnnDeployError
from snn_deploy.extras import require
from snn_deploy.formats import FORMATS
from snn_deploy.runtime.cli_commands import RUNTIME_COMMANDS


@dataclass(frozen=True)
class Command:
    help: str
    add_arguments: Callable[[argparse.ArgumentParser], None]
    run: Callable[[argparse.Namespace], int]


class CommandError(SnnDeployError):
    """A command line that cannot be carried out (bad factory, checkpoint or arguments)."""


# --- export -------------------------------------------------------------------------------------


def _add_export_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("factory", help="pkg.module:name, returning a model or (model, example)")
    parser.add_argument("--output", "-o", required=True, help="artifact path (.onnx, .ts/.pt, .pt2)")
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


def _load_factory(spec: str) -> Callable[[], Any]:
    module_name, _, attribute = spec.partition(":")
    if not module_name or not attribute:
        raise CommandError(f"factory {spec!r} must look like pkg.module:function")
    try:
        module = importlib.import_module(module_name)
    except ImportError as error:
        raise CommandError(f"cannot import {module_name!r} for the factory: {error}") from None
    factory = getattr(module, attribute, None)
    if not callable(factory):
        raise CommandError(f"{module_name} has no callable {attribute!r}")
    return factory


def _model_and_example(args: argparse.Namespace) -> Tuple[Any, Any]:
    require("torch", "snn-deploy export")
    import torch

    from snn_deploy.export import model_kind

    made = _load_factory(args.factory)()
    model, example = made if isinstance(made, tuple) else (made, None)
    if not isinstance(model, torch.nn.Module):
        raise CommandError(f"factory {args.factory} returned {type(model).__name__}, not a torch.nn.Module")
    if args.checkpoint:
        try:
            state = torch.load(args.checkpoint, map_location="cpu", weights_only=True)
            model.load_state_dict(state.get("state_dict", state) if isinstance(state, dict) else state)
        except (OSError, RuntimeError, KeyError, AttributeError, TypeError) as error:
            raise CommandError(f"cannot load checkpoint {args.checkpoint}: {str(error).splitlines()[0]}") from None
    if isinstance(example, torch.Tensor):
        return model, example
    shape = list(example) if example is not None else args.input_shape
    if not shape:
        raise CommandError("the factory gives no example input: pass --input-shape")
    step = args.mode == "step"
    leading = [args.batch] if step or model_kind(model) == "encoder" else [args.time_steps, args.batch]
    generator = torch.Generator().manual_seed(args.seed)
    return model, args.input_scale * torch.rand(*leading, *shape, generator=generator)


def _run_export(args: argparse.Namespace) -> int:
    from snn_deploy import export as exporting

    model, example = _model_and_example(args)
    options = dict(step=args.mode == "step", validate=not args.no_validate, overwrite=args.overwrite, seed=args.seed)
    report = exporting.export(model, example, args.output, format=args.format, **options)
    if args.opset is not None and report.manifest.format != "onnx":
        print("note: --opset applies to ONNX only", file=sys.stderr)
    print(report)
    return 0


COMMANDS: Dict[str, Command] = {
    "export": Command("export a model from a Python factory", _add_export_arguments, _run_export),
}
COMMANDS.update({name: Command(*spec) for name, spec in RUNTIME_COMMANDS.items()})


def parser() -> argparse.ArgumentParser:
    root = argparse.ArgumentParser(prog="snn-deploy", description="Export and serve spiking neural networks.")
    subcommands = root.add_subparsers(dest="command", required=True)
    for name, command in COMMANDS.items():
        command.add_arguments(subcommands.add_parser(name, help=command.help, description=command.help))
    return root


def main(argv: Optional[Sequence[str]] = None) -> int:
    args = parser().parse_args(argv)
    try:
        return COMMANDS[args.command].run(args)
    except (SnnDeployError, OSError) as error:
        print(f"snn-deploy {args.command}: error: {error}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
