"""``snn-deploy``: export, inspect, validate, run and benchmark artifacts from the command line.

Subcommands live in ``COMMANDS`` (name -> :class:`Command`); add one by adding an entry.
Errors of snn_deploy (and bad files or factories) print one line to stderr and exit with 1.

``export FACTORY``: ``FACTORY`` is ``pkg.module:name`` (imported with the current directory on
the path) or ``path/to/file.py:name``, a callable taking no arguments (a function or a class,
e.g. ``snn_deploy:LIFCell``) that returns either a model, or a pair ``(model, example)`` where
``example`` is the per-sample input shape (a tuple of ints, e.g. ``(2, 28, 28)``) or a whole
example input tensor (used as is). ``FACTORY`` may also be a ``.nir`` file, imported with
:func:`snn_deploy.nir.from_nir` at ``--dt``. Without an example from the factory,
``--input-shape`` gives the per-sample shape. The example input is drawn as ``--input-scale * U(0, 1)`` of shape
``(T, B, *shape)`` (sequence mode; ``(B, *shape)`` for step mode and for encoders).
"""

import argparse
import importlib
import importlib.util
import os
import sys
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any, Callable, Dict, Optional, Sequence, Tuple

from snn_deploy import __version__
from snn_deploy.errors import SnnDeployError
from snn_deploy.extras import require
from snn_deploy.formats import FORMATS, format_of_suffix
from snn_deploy.nir.cli import NIR_COMMANDS, nir_model_and_shape
from snn_deploy.runtime.cli_commands import RUNTIME_COMMANDS
from snn_deploy.serve.cli import SERVE_COMMANDS


@dataclass(frozen=True)
class Command:
    help: str
    add_arguments: Callable[[argparse.ArgumentParser], None]
    run: Callable[[argparse.Namespace], int]


class CommandError(SnnDeployError):
    """A command line that cannot be carried out (bad factory, checkpoint or arguments)."""


# --- export -------------------------------------------------------------------------------------


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


def _import_file(path: Path) -> ModuleType:
    """Run a Python file as a module named after it, with its folder on the path (as ``python
    file.py`` would), so that it can import its neighbours."""
    if not path.is_file():
        raise CommandError(f"no such factory file: {path}")
    folder = str(path.resolve().parent)
    if folder not in sys.path:
        sys.path.insert(0, folder)
    spec = importlib.util.spec_from_file_location(path.stem, path)
    if spec is None or spec.loader is None:
        raise CommandError(f"cannot import {path} for the factory: not a Python file")
    module = importlib.util.module_from_spec(spec)
    sys.modules[path.stem] = module
    spec.loader.exec_module(module)
    return module


def _import_module(name: str) -> ModuleType:
    """Import ``name`` with the current directory on the path (a console script does not have it)."""
    if os.getcwd() not in sys.path and "" not in sys.path:
        sys.path.insert(0, os.getcwd())
    try:
        return importlib.import_module(name)
    except ImportError as error:
        raise CommandError(f"cannot import {name!r} for the factory: {error}") from None


def _load_factory(spec: str) -> Callable[[], Any]:
    source, _, attribute = spec.rpartition(":")
    if not source or not attribute:
        raise CommandError(f"factory {spec!r} must look like pkg.module:function or path/to/file.py:function")
    is_file = source.endswith(".py") or os.sep in source or "/" in source
    module = _import_file(Path(source)) if is_file else _import_module(source)
    factory = getattr(module, attribute, None)
    if not callable(factory):
        raise CommandError(f"{source} has no callable {attribute!r}")
    return factory


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
        made = nir_model_and_shape(args.factory, args.dt, args.input_shape)
    else:
        made = _load_factory(args.factory)()
    model, example = made if isinstance(made, tuple) else (made, None)
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
COMMANDS.update({name: Command(*spec) for name, spec in RUNTIME_COMMANDS.items()})
COMMANDS.update({name: Command(*spec) for name, spec in SERVE_COMMANDS.items()})
COMMANDS.update({name: Command(*spec) for name, spec in NIR_COMMANDS.items()})


def parser() -> argparse.ArgumentParser:
    root = argparse.ArgumentParser(prog="snn-deploy", description="Export and serve spiking neural networks.")
    root.add_argument("--version", action="version", version=f"snn-deploy {__version__}")
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
