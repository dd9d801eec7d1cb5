"""Several processes training one model with PyTorch DistributedDataParallel (DDP).

`torchrun --nproc_per_node N -m audiodemo.train ...` starts N copies of the train module and
sets `RANK`, `LOCAL_RANK` and `WORLD_SIZE` in each; without them this is one process and
every function here is a no-op. Each process draws its own batches; DDP averages the
gradients, so every rank takes the same step and keeps the same weights. gloo carries them
on CPUs, NCCL on CUDA devices (one process per device). Rank 0 alone writes files.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass

import torch
import torch.distributed as dist
from torch import nn


@dataclass(frozen=True)
class World:
    """This process's place among the training processes."""

    rank: int = 0
    size: int = 1
    device: torch.device = torch.device("cpu")

    @property
    def main(self) -> bool:
        """Rank 0: the one process that prints the log and writes files."""
        return self.rank == 0

    def say(self, text: str) -> None:
        """Print from this rank, naming it when there are several."""
        print(f"[rank {self.rank}/{self.size}] {text}" if self.size > 1 else text, flush=True)


def join() -> World:
    """Join the process group `torchrun` set up, or stay alone."""
    if "WORLD_SIZE" not in os.environ or int(os.environ["WORLD_SIZE"]) < 2:
        return World()
    cuda = torch.cuda.is_available()
    local = int(os.environ.get("LOCAL_RANK", 0))
    device = torch.device("cuda", local) if cuda else torch.device("cpu")
    if cuda:
        torch.cuda.set_device(device)
    if not dist.is_initialized():
        dist.init_process_group("nccl" if cuda else "gloo")
    return World(dist.get_rank(), dist.get_world_size(), device)


def wait_for_all(world: World) -> None:
    """Return when every rank has come here (after rank 0 has written its files): a rank
    that tears its connections down while another still uses them can abort on exit."""
    if world.size > 1:
        dist.barrier()


def leave(world: World) -> None:
    if world.size > 1 and dist.is_initialized():
        dist.destroy_process_group()


def wrap(model: nn.Module, world: World) -> nn.Module:
    """The module to train: a DDP wrapper when there are several processes."""
    if world.size == 1:
        return model
    ids = [world.device.index] if world.device.type == "cuda" else None
    return nn.parallel.DistributedDataParallel(model, device_ids=ids)


def all_true(flag: bool, world: World) -> bool:
    """Whether `flag` holds on every rank (so every rank makes the same choice)."""
    if world.size == 1:
        return flag
    value = torch.tensor([1.0 if flag else 0.0], device=world.device)
    dist.all_reduce(value, op=dist.ReduceOp.MIN)
    return bool(value.item())


def mean(value: float, world: World) -> float:
    """The mean of a number over the ranks."""
    if world.size == 1:
        return value
    total = torch.tensor([value], dtype=torch.float64, device=world.device)
    dist.all_reduce(total)
    return float(total.item()) / world.size


def share_buffers(model: nn.Module, world: World) -> None:
    """Give every rank rank 0's buffers (batch-norm statistics: each rank updates its own
    copy in its last training step, DDP only re-sends them before the next)."""
    if world.size > 1:
        for buffer in model.buffers():
            dist.broadcast(buffer, 0)


def share(obj, world: World):
    """Rank 0's `obj` on every rank (a resumed training state)."""
    if world.size == 1:
        return obj
    box = [obj if world.main else None]
    dist.broadcast_object_list(box, 0)
    return box[0]


def weights_digest(model: nn.Module) -> str:
    """SHA-256 of the weights and buffers, float32, in `state_dict` order."""
    digest = hashlib.sha256()
    for name, tensor in model.state_dict().items():
        digest.update(name.encode())
        value = tensor.detach().cpu()
        digest.update((value.float() if value.is_floating_point() else value).numpy().tobytes())
    return digest.hexdigest()


def check_same_weights(model: nn.Module, world: World) -> str:
    """Say this rank's weights digest; `RuntimeError` if the ranks' weights differ."""
    mine = weights_digest(model)
    if world.size > 1:
        world.say(f"weights sha256 {mine}")
        every = [None] * world.size
        dist.all_gather_object(every, mine)
        if len(set(every)) != 1:
            raise RuntimeError(f"The ranks ended with different weights: {every}")
    return mine
