"""Cases of the LIFEx, LIFAdEx and LSNN families."""

CASES = []
