"""Neuron modules with the ``norse.torch.module`` API; the public names are in :mod:`snn_deploy.api`."""
