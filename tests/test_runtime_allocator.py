"""retain_freed_memory: large blocks come from the heap and stay there when freed, for reuse,
instead of being mapped and unmapped by every call (read back through glibc's mallinfo2)."""

import json
import subprocess
import sys

import pytest

HEAP_AFTER_A_LARGE_BLOCK = """
import ctypes, json, sys
import numpy as np
from snn_deploy.runtime import retain_freed_memory

class MallInfo2(ctypes.Structure):
    _fields_ = [(name, ctypes.c_size_t) for name in
                ("arena", "ordblks", "smblks", "hblks", "hblkhd", "usmblks", "fsmblks", "uordblks", "fordblks", "keepcost")]

mallinfo2 = ctypes.CDLL("libc.so.6").mallinfo2
mallinfo2.restype = MallInfo2
retained = retain_freed_memory() if sys.argv[1] == "retain" else False
block = np.ones(64 * 2**20 // 4, np.float32)  # 64 MiB: above glibc's largest default mmap threshold
mapped_while_held = mallinfo2().hblkhd
del block
print(json.dumps({"retained": retained, "mapped_while_held": mapped_while_held, "free_in_heap_after": mallinfo2().fordblks}))
"""
MIB = 2**20


def _heap_after_a_large_block(mode: str) -> dict:
    result = subprocess.run([sys.executable, "-c", HEAP_AFTER_A_LARGE_BLOCK, mode], capture_output=True, text=True, check=True)
    return json.loads(result.stdout)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc malloc tuning is Linux-only")
def test_freed_large_blocks_stay_in_the_heap_for_reuse():
    system = _heap_after_a_large_block("system")
    assert system["mapped_while_held"] >= 64 * MIB and system["free_in_heap_after"] < 64 * MIB  # unmapped on free
    retained = _heap_after_a_large_block("retain")
    assert retained["retained"] is True
    assert retained["mapped_while_held"] < 64 * MIB and retained["free_in_heap_after"] >= 64 * MIB  # kept for reuse
