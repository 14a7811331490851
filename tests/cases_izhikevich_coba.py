"""Cases of the Izhikevich family and CobaLIFCell."""

CASES = []
