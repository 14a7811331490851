"""``snn-deploy``: export, inspect, validate, run, serve and benchmark artifacts from the command line.

Each module of this package holds the ``COMMANDS`` of one area (name -> :class:`Command`):
:mod:`~snn_deploy.cli.export_commands` (needs torch), :mod:`~snn_deploy.cli.runtime_commands`
and :mod:`~snn_deploy.cli.serve_commands` (torch-free), :mod:`~snn_deploy.cli.nir_commands`
(needs torch and nir); add a command by adding an entry. Importing the package imports neither
torch, the exporter nor nir: the commands that need them import them when run. Errors of
snn_deploy (and bad files or factories) print one line to stderr and exit with 1.
"""

import argparse
import sys
from typing import Dict, Optional, Sequence

from snn_deploy import __version__
from snn_deploy.cli import export_commands, nir_commands, runtime_commands, serve_commands
from snn_deploy.cli.command import Command, CommandError
from snn_deploy.errors import SnnDeployError

COMMANDS: Dict[str, Command] = {
    **export_commands.COMMANDS,
    **runtime_commands.COMMANDS,
    **serve_commands.COMMANDS,
    **nir_commands.COMMANDS,
}
__all__ = ["COMMANDS", "Command", "CommandError", "main", "parser"]


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
