"""``make bench``: the standard workloads (shared/bench/workloads.md) on every backend."""
