"""The error of NIR import and export. Importing this module does not import torch or nir."""

from snn_deploy.errors import SnnDeployError


class NIRError(SnnDeployError, ValueError):
    """A NIR graph, node or parameter that this package cannot represent exactly (or a model that
    NIR cannot express); the message names the node, its type and what is missing."""


def node_error(name: str, node: object, problem: str) -> NIRError:
    """``NIRError("node 'name' (Type): problem")``."""
    return NIRError(f"node '{name}' ({type(node).__name__}): {problem}")
