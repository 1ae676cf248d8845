"""CPU and memory readings for the status panel, the tuner and the editor-process watch.

Read from the standard library and /proc on Linux; psutil (imported on first use) elsewhere. Why not
psutil everywhere: these run every few seconds in every idle server, and psutil was ~0.9 MB of its
RSS (issue 15). The figures mean what psutil's do (tests/unit/background/test_procstats.py compares
them): process CPU % = CPU time over wall time since the last reading (100 = one core busy), system
CPU % = busy share of all cores since the last reading, memory % = (total - available) / total.
"""

from __future__ import annotations

import os
import sys
import time
from typing import Any

LINUX = sys.platform.startswith("linux")
_PAGE = os.sysconf("SC_PAGE_SIZE") if LINUX else 4096


def _psutil() -> Any:
    import psutil

    return psutil


class ProcessCpu:
    """This process's CPU %, since the previous reading (the first reading counts from creation)."""

    def __init__(self) -> None:
        self._last = self._now()

    @staticmethod
    def _now() -> tuple[float, float]:
        t = os.times()  # every platform: this process's user and system time
        return t.user + t.system, time.monotonic()

    def percent(self) -> float:
        cpu, wall = self._now()
        last_cpu, last_wall = self._last
        self._last = (cpu, wall)
        return max(0.0, (cpu - last_cpu) / (wall - last_wall) * 100) if wall > last_wall else 0.0


def rss_bytes() -> int:
    """This process's resident set size."""
    if LINUX:
        with open("/proc/self/statm", "rb") as fh:
            return int(fh.read().split()[1]) * _PAGE
    return int(_psutil().Process().memory_info().rss)


class SystemCpu:
    """The whole machine's CPU %, since the previous reading."""

    def __init__(self) -> None:
        self._last = self._times() if LINUX else None
        if not LINUX:
            _psutil().cpu_percent(None)  # prime: psutil's first reading is always 0.0

    @staticmethod
    def _times() -> tuple[int, int]:
        """(busy, total) jiffies from /proc/stat, counted as psutil counts them (guest time is in user)."""
        with open("/proc/stat", "rb") as fh:
            fields = [int(v) for v in fh.readline().split()[1:9]]  # user .. steal
        idle = fields[3] + fields[4]  # idle + iowait
        return sum(fields) - idle, sum(fields)

    def percent(self) -> float:
        if self._last is None:
            return float(_psutil().cpu_percent(None))
        busy, total = self._times()
        last_busy, last_total = self._last
        self._last = (busy, total)
        return round(max(0.0, (busy - last_busy) / (total - last_total) * 100), 1) if total > last_total else 0.0


def memory_percent() -> float:
    """Used share of the machine's memory: (total - available) / total."""
    if not LINUX:
        return float(_psutil().virtual_memory().percent)
    info: dict[bytes, int] = {}
    with open("/proc/meminfo", "rb") as fh:
        for line in fh:
            key, _, value = line.partition(b":")
            info[key] = int(value.split()[0])
    total = info[b"MemTotal"]
    available = info.get(b"MemAvailable", info.get(b"MemFree", 0))
    return round((total - available) / total * 100, 1) if total else 0.0


def pid_alive(pid: int) -> bool:
    """True when the process exists and is not a zombie (exited, not yet reaped by its parent)."""
    if LINUX:
        try:
            with open(f"/proc/{int(pid)}/stat", "rb") as fh:
                stat = fh.read()
        except (FileNotFoundError, ProcessLookupError, NotADirectoryError):
            return False
        return stat[stat.rfind(b")") + 2 : stat.rfind(b")") + 3] != b"Z"  # the state after "(name)"
    psutil = _psutil()
    try:
        return bool(psutil.Process(pid).status() != psutil.STATUS_ZOMBIE)
    except psutil.NoSuchProcess:
        return False
