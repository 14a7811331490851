"""Run the app on uvicorn. SIGTERM (or SIGINT) stops accepting connections, lets every request in
progress finish, runs the queued steps, logs the request counts and exits. Connections are
bounded by :mod:`snn_deploy.serve.connections` (request timeout, header size, connection limit)."""

from typing import Sequence

import uvicorn

from snn_deploy.serve import logs
from snn_deploy.serve.app import create_app
from snn_deploy.serve.config import ServerConfig
from snn_deploy.serve.connections import bounded_protocol
from snn_deploy.serve.models import load_models


def serve(artifacts: Sequence[str], config: ServerConfig) -> None:
    """Serve the ONNX ``artifacts`` (``PATH`` or ``NAME=PATH``) until SIGTERM or SIGINT."""
    logs.configure(config.log_level)
    app = create_app(load_models(artifacts, config.threads), config)
    closed = app.state.server.metrics.closed_connections
    uvicorn_config = uvicorn.Config(
        app,
        http=bounded_protocol(config.limits, lambda reason: closed.labels(reason).inc()),
        host=config.host,
        port=config.port,
        log_config=None,
        access_log=False,
        log_level=config.log_level,
        timeout_graceful_shutdown=60,
    )
    uvicorn.Server(uvicorn_config).run()
