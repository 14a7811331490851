"""Prometheus metrics of the server (``GET /metrics``), on a registry of its own."""

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest

LATENCY_BUCKETS = (1e-4, 2.5e-4, 5e-4, 1e-3, 2.5e-3, 5e-3, 1e-2, 2.5e-2, 5e-2, 0.1, 0.25, 0.5, 1.0, 2.5, 10.0)
BATCH_BUCKETS = (1, 2, 4, 8, 16, 32, 64, 128, 256)


class Metrics:
    """Requests and errors by model (errors also by status), request latency, the samples of each
    step call, live sequences and evictions; clients gone before their request arrived, and the
    connections the server closed (:mod:`snn_deploy.serve.connections`) by reason."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.requests = Counter("snn_infer_requests", "Infer requests received", ["model"], registry=self.registry)
        self.errors = Counter(
            "snn_infer_errors", "Infer requests refused or failed", ["model", "status"], registry=self.registry
        )
        self.latency = Histogram(
            "snn_infer_latency_seconds",
            "Infer request latency, body read to response",
            ["model"],
            buckets=LATENCY_BUCKETS,
            registry=self.registry,
        )
        self.batch_size = Histogram(
            "snn_step_batch_size",
            "Samples per batched step call",
            ["model"],
            buckets=BATCH_BUCKETS,
            registry=self.registry,
        )
        self.live_sequences = Gauge("snn_live_sequences", "Live sequences", ["model"], registry=self.registry)
        self.evictions = Counter(
            "snn_sequence_evictions", "Sequences evicted after their idle timeout", ["model"], registry=self.registry
        )

        self.disconnects = Counter(
            "snn_client_disconnects",
            "Infer requests whose client disconnected before its body arrived",
            ["model"],
            registry=self.registry,
        )
        self.closed_connections = Counter(
            "snn_closed_connections",
            "Connections the server closed: request timeout, headers too large, connection limit",
            ["reason"],
            registry=self.registry,
        )

    def text(self) -> bytes:
        return generate_latest(self.registry)
