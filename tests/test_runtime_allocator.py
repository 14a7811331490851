"""retain_freed_memory: large blocks come from the heap and stay there when freed, for reuse,
instead of being mapped and unmapped by every call (read back through glibc's mallinfo2)."""

import ctypes
import json
import os
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
    # glibc's own malloc with its defaults: no preloaded allocator, no MALLOC_* settings
    env = {
        k: v
        for k, v in os.environ.items()
        if k != "LD_PRELOAD" and k != "GLIBC_TUNABLES" and not k.startswith("MALLOC_")
    }
    result = subprocess.run(
        [sys.executable, "-c", HEAP_AFTER_A_LARGE_BLOCK, mode], capture_output=True, text=True, check=True, env=env
    )
    return json.loads(result.stdout)


def _has_mallinfo2() -> bool:
    try:
        return hasattr(ctypes.CDLL("libc.so.6"), "mallinfo2")
    except OSError:
        return False


@pytest.mark.skipif(not _has_mallinfo2(), reason="needs glibc >= 2.33 (mallinfo2)")
def test_freed_large_blocks_stay_in_the_heap_for_reuse():
    system = _heap_after_a_large_block("system")
    assert system["mapped_while_held"] >= 64 * MIB and system["free_in_heap_after"] < 64 * MIB  # unmapped on free
    retained = _heap_after_a_large_block("retain")
    assert retained["retained"] is True
    assert retained["mapped_while_held"] < 64 * MIB and retained["free_in_heap_after"] >= 64 * MIB  # kept for reuse


@pytest.mark.parametrize("threshold", [0, -1, 2**31])
def test_threshold_out_of_range_is_a_clear_error(threshold):
    from snn_deploy.runtime import retain_freed_memory

    with pytest.raises(ValueError, match="threshold_bytes must be in 1..2147483647"):
        retain_freed_memory(threshold)
