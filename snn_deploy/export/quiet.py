"""Keep third-party notices that a user cannot act on out of their output, at the call that makes them.

* The ONNX exporter logs a warning per torchvision operator when torchvision is not installed
  ("torchvision is not installed. Skipping torchvision::nms"): snn_deploy exports no torchvision
  operator, so the notice says nothing about the user's model.
* torch's pytree deprecation of ``LeafSpec`` (a ``FutureWarning`` raised inside torch.export's
  own code, not the caller's).
"""

import contextlib
import logging
import warnings
from typing import Iterator

ONNX_REGISTRATION_LOGGER = "torch.onnx._internal.exporter._registration"


class _NotTorchvision(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        return "torchvision is not installed" not in record.getMessage()


@contextlib.contextmanager
def third_party_notices_silenced() -> Iterator[None]:
    """Within the block, drop the notices listed in this module's docstring; everything else passes."""
    logger = logging.getLogger(ONNX_REGISTRATION_LOGGER)
    notice_filter = _NotTorchvision()
    logger.addFilter(notice_filter)
    try:
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", message=r".*LeafSpec.*", category=FutureWarning)
            yield
    finally:
        logger.removeFilter(notice_filter)
