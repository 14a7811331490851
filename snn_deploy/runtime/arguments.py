"""argparse types of the command lines: a count that must be at least 1 is refused while the
arguments are parsed, with argparse's one-line usage error (``--steps 0``, ``--threads -1``),
rather than run on a nonsense value."""

import argparse


def positive_int(text: str) -> int:
    """``"4"`` -> ``4``; zero, a negative number or a non-integer is an
    :class:`argparse.ArgumentTypeError` naming what came."""
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {text!r}")
    return value
