"""Which BLAS this python process really uses, for the bench's report."""
import os
import re


def loaded_blas():
    """The BLAS/LAPACK libraries this process has mapped, links resolved (Debian picks libblas.so.3 by alternatives)."""
    if not os.path.exists("/proc/self/maps"):
        return []
    found = set()
    with open("/proc/self/maps") as maps:
        for line in maps:
            parts = line.split()
            path = parts[-1] if len(parts) >= 6 else ""
            if re.search(r"blas|lapack|mkl|blis|atlas", os.path.basename(path), re.I):
                found.add(os.path.realpath(path))
    return sorted(found)
