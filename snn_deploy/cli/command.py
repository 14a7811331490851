"""What every subcommand of ``snn-deploy`` is: a help line, its arguments and its run function."""

import argparse
from dataclasses import dataclass
from typing import Callable

from snn_deploy.errors import SnnDeployError


@dataclass(frozen=True)
class Command:
    help: str
    add_arguments: Callable[[argparse.ArgumentParser], None]
    run: Callable[[argparse.Namespace], int]


class CommandError(SnnDeployError):
    """A command line that cannot be carried out (bad factory, checkpoint, options or extra)."""
