"""norse 1.1's ``norse.torch.utils`` that users' own code builds on (:mod:`snn_deploy.utils.pytree`)."""
