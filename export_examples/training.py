"""Training with surrogate gradients through the very modules that are exported.

Runs on one process, or unchanged under ``torchrun`` with DistributedDataParallel (gloo on CPU,
NCCL on GPUs): each rank trains on its shard of every epoch and rank 0 writes the checkpoint.
"""

import os
from pathlib import Path
from types import ModuleType
from typing import Tuple

import numpy as np
import torch
import torch.distributed as dist
from torch import Tensor, nn
from tqdm import tqdm

from export_examples.digits import DigitsSplit
from snn_deploy.readout import class_scores

SEED = 1234


def predict(model: nn.Module, inputs: Tensor, readout: str, batch_size: int = 256) -> Tensor:
    """Predicted classes of encoded inputs ``(T, N, ...)``, in batches."""
    model.eval()
    predictions = []
    with torch.no_grad():
        for start in range(0, inputs.shape[1], batch_size):
            voltages, _ = model(inputs[:, start : start + batch_size])
            predictions.append(class_scores(voltages, readout).argmax(dim=1))
    return torch.cat(predictions)


def _distributed() -> Tuple[int, int]:
    """(rank, world size), initialising the process group when started by torchrun."""
    if "WORLD_SIZE" not in os.environ or int(os.environ["WORLD_SIZE"]) == 1:
        return 0, 1
    if not dist.is_initialized():
        dist.init_process_group("nccl" if torch.cuda.is_available() else "gloo")
    return dist.get_rank(), dist.get_world_size()


def train(example: ModuleType, split: DigitsSplit, checkpoint: Path, epochs: int, progress: bool = True) -> nn.Module:
    """Train ``example.build_model()`` on the encoded training split and save its state dict."""
    rank, world = _distributed()
    torch.manual_seed(SEED)
    model = example.build_model()
    inputs = example.encode(torch.from_numpy(split.train_images))
    labels = torch.from_numpy(split.train_labels)
    trained = nn.parallel.DistributedDataParallel(model) if world > 1 else model
    optimizer = torch.optim.Adam(model.parameters(), lr=example.LEARNING_RATE)
    schedule = torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=epochs)
    generator = torch.Generator().manual_seed(SEED)
    # disable=None: tqdm draws only on a terminal, never carriage returns into a log
    bar = tqdm(range(epochs), desc=f"train {example.NAME}", disable=None if progress and rank == 0 else True)
    for _ in bar:
        model.train()
        usable = labels.shape[0] // world * world  # equal shards keep DDP's all-reduces in step
        order = torch.randperm(labels.shape[0], generator=generator)[:usable][rank::world]
        total = 0.0
        for start in range(0, order.shape[0], example.BATCH_SIZE):
            batch = order[start : start + example.BATCH_SIZE]
            voltages, _ = trained(inputs[:, batch])
            loss = nn.functional.cross_entropy(class_scores(voltages, example.READOUT), labels[batch])
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            total += float(loss.detach()) * batch.shape[0]
        schedule.step()
        bar.set_postfix(loss=f"{total / order.shape[0]:.3f}")
    if rank == 0:
        checkpoint.parent.mkdir(parents=True, exist_ok=True)
        torch.save(model.state_dict(), checkpoint)
    if world > 1:
        dist.barrier()
    return model


def accuracy(predictions: np.ndarray, labels: np.ndarray) -> float:
    return float((np.asarray(predictions) == labels).mean())
