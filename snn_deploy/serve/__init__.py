"""``snn-deploy serve``: an Open Inference Protocol v2 server for ONNX artifacts, torch-free.

    snn-deploy serve model_step.onnx --port 8000

Endpoints (KServe / Triton / Seldon MLServer clients work unchanged): ``/v2/health/live``,
``/v2/health/ready``, ``/v2/models/{name}``, ``/v2/models/{name}/ready``,
``/v2/models/{name}/infer`` (JSON tensors or Triton's binary tensor extension) and ``/metrics``.

An infer request without ``sequence_id`` runs statelessly from the model's initial state: a
``(T, B, ...)`` input returns the output sequence. With Triton's sequence parameters
(``sequence_id``, ``sequence_start``, ``sequence_end``) the server holds the sequence's state
between requests; single steps of different sequences that arrive together run as one batched
step call (:mod:`snn_deploy.serve.batcher`). Needs the ``serve`` extra (Starlette, uvicorn,
prometheus-client); imports neither torch nor the exporter.

The package imports nothing itself, so ``snn-deploy`` builds its parser without the extra:
:func:`snn_deploy.serve.server.serve` runs a server, :func:`snn_deploy.serve.app.create_app`
builds the ASGI app, :func:`snn_deploy.serve.triton.write_repository` writes Triton repositories.
"""
