"""Train one example and write its checkpoint; runs unchanged under torchrun (DDP).

python -m export_examples.train conv_digits [--epochs N] [--checkpoint PATH]
torchrun --standalone --nproc-per-node 2 -m export_examples.train conv_digits
"""

import argparse
import sys
from pathlib import Path

import torch.distributed as dist

from export_examples import conv_digits, recurrent_digits, training
from export_examples.digits import load_split

EXAMPLES = {example.NAME: example for example in (conv_digits, recurrent_digits)}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("example", choices=sorted(EXAMPLES))
    parser.add_argument("--epochs", type=int)
    parser.add_argument("--checkpoint", type=Path)
    parser.add_argument("--no-progress", action="store_true")
    args = parser.parse_args(argv)
    example = EXAMPLES[args.example]
    checkpoint = args.checkpoint or Path("checkpoints") / f"{example.NAME}.pt"
    training.train(example, load_split(), checkpoint, args.epochs or example.EPOCHS, not args.no_progress)
    if dist.is_initialized():
        dist.destroy_process_group()
    return 0


if __name__ == "__main__":
    sys.exit(main())
