"""``snn-deploy to-nir FACTORY --output model.nir``, and the ``.nir`` model of ``snn-deploy export``.

Importing this module imports neither torch nor nir.
"""

import argparse
from pathlib import Path
from typing import Any, Dict, List, Optional, Tuple

from snn_deploy.cli.command import Command, CommandError
from snn_deploy.cli.factory import made_by
from snn_deploy.nir.errors import NIRError


def _require_nir() -> None:
    try:
        import nir  # noqa: F401
    except ImportError:
        raise NIRError("the nir package is missing: pip install 'snn_deploy[nir]'") from None


def nir_model_and_shape(
    path: str, dt: Optional[float], input_shape: Optional[List[int]]
) -> Tuple[Any, Tuple[int, ...]]:
    """For ``snn-deploy export model.nir``: the imported model and its per-sample input shape."""
    _require_nir()
    from snn_deploy.nir.importer import from_nir

    model = from_nir(path, dt=dt, input_shape=input_shape)
    return model, tuple(model.input_shape)


def _add_to_nir_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("factory", help="pkg.module:name, returning a model or (model, example)")
    parser.add_argument("--output", "-o", required=True, help="the .nir file to write")
    parser.add_argument("--input-shape", type=int, nargs="+", help="per-sample input shape, if the factory gives none")
    parser.add_argument("--overwrite", action="store_true", help="replace an existing file")


def _sample_shape(model: Any, example: Any, given: Optional[List[int]]) -> List[int]:
    import torch

    from snn_deploy.export import model_kind

    if given:
        return list(given)
    if isinstance(example, torch.Tensor):
        return list(example.shape[model_kind(model).native_batch_axis + 1 :])
    if example is not None:
        return [int(size) for size in example]
    raise NIRError("the factory gives no example input: pass --input-shape")


def _run_to_nir(args: argparse.Namespace) -> int:
    _require_nir()
    from snn_deploy.nir.exporter import to_nir
    from snn_deploy.nir.files import write

    if Path(args.output).exists() and not args.overwrite:
        raise CommandError(f"{args.output} exists: pass --overwrite to replace it")
    model, example = made_by(args.factory)
    graph = to_nir(model, _sample_shape(model, example, args.input_shape))
    write(args.output, graph)
    print(f"{args.output}: NIR graph of {len(graph.nodes)} nodes, {len(graph.edges)} edges")
    return 0


COMMANDS: Dict[str, Command] = {
    "to-nir": Command("write a model from a Python factory as a NIR graph (.nir)", _add_to_nir_arguments, _run_to_nir),
}
