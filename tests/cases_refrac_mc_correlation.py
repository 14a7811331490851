"""Cases of the LIFRefrac, LIFMC, LIFMCRefrac and LIFCorrelation."""

CASES = []
