"""The state a session returns: a dict ``{path: array}`` tagged with the model it belongs to."""

from typing import Any, Dict


class State(Dict[str, Any]):
    """State tensors by dotted path (``"v"``, ``"lif.i"``, ``"2.v"``), in the artifact's order.

    ``model_key`` identifies the model's state layout; a session refuses a :class:`State` of
    another model. Plain dicts with the right paths and shapes are accepted too.
    """

    def __init__(self, values: Dict[str, Any], model_key: str):
        super().__init__(values)
        self.model_key = model_key

    def __repr__(self) -> str:
        shapes = ", ".join(f"{path}: {tuple(value.shape)}" for path, value in self.items())
        return f"State({{{shapes}}})"
