"""Cases of the encoders."""

CASES = []
