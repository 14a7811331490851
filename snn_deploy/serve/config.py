"""Options of the inference server, shared by the CLI, the app and the batcher."""

from dataclasses import dataclass, field
from typing import Optional

from snn_deploy.serve.limits import Limits


@dataclass(frozen=True)
class ServerConfig:
    """``max_batch_size`` bounds the samples of one batched step call (1 turns batching off);
    ``max_queue_delay_us`` is how long the first queued step waits for others to join it.
    ``max_sequences`` bounds the live sequences of each model (one more is refused with 503);
    ``sequence_idle_timeout_s`` evicts a sequence that has had no request for that long.
    ``workers`` threads run model calls; ``threads`` is onnxruntime's intra-op threads per session.
    ``limits`` bound what a client may ask (:class:`snn_deploy.serve.limits.Limits`);
    ``grpc`` turns the gRPC half on, on ``grpc_port`` (``None``: ``port + 1``, as Triton's)."""

    host: str = "127.0.0.1"
    port: int = 8000
    max_batch_size: int = 64
    max_queue_delay_us: int = 500
    max_sequences: int = 1024
    sequence_idle_timeout_s: float = 60.0
    workers: int = 2
    threads: int = 1
    log_level: str = "info"
    limits: Limits = field(default_factory=Limits)
    grpc: bool = True
    grpc_port: Optional[int] = None

    def __post_init__(self) -> None:
        checks = {
            "max_batch_size": self.max_batch_size >= 1,
            "max_queue_delay_us": self.max_queue_delay_us >= 0,
            "max_sequences": self.max_sequences >= 1,
            "sequence_idle_timeout_s": self.sequence_idle_timeout_s > 0,
            "workers": self.workers >= 1,
            "threads": self.threads >= 1,
            "port": 0 <= self.port < 65536,
            "grpc_port": self.grpc_port is None or 0 <= self.grpc_port < 65536,
        }
        for name, valid in checks.items():
            if not valid:
                raise ValueError(f"{name}: got {getattr(self, name)!r}, expected a positive value")

    @property
    def grpc_address(self) -> Optional[str]:
        """Where the gRPC half listens, ``HOST:PORT``; ``None`` when it is off."""
        if not self.grpc:
            return None
        return f"{self.host}:{self.port + 1 if self.grpc_port is None else self.grpc_port}"
