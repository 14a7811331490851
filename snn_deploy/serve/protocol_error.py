"""The error of a refused request: the HTTP status to answer and the message for the client."""


class ProtocolError(Exception):
    """A request the server refuses: ``status`` is the HTTP status, the message goes to the client."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status
