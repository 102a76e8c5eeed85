"""Process helpers shared by the ingest workers and the multi-process server."""
from __future__ import annotations

import os
import signal
import sys


def die_with_parent(parent_pid: int) -> None:
    """Let the kernel end this process when ``parent_pid`` (the process that forked it) dies,
    even by SIGKILL or the OOM killer: an orphan would go on working for nobody."""
    if not sys.platform.startswith("linux"):
        return
    import ctypes

    try:
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        return
    if os.getppid() != parent_pid:  # the parent died before prctl took effect
        os._exit(1)
