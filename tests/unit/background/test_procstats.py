"""CPU and memory readings mean what psutil's mean, without psutil in the idle server (issue 15)."""

from __future__ import annotations

import os
import subprocess
import sys
import time

import psutil
import pytest

from zc_lsp.background import procstats


def test_rss_is_psutils_rss() -> None:
    ours, theirs = procstats.rss_bytes(), psutil.Process().memory_info().rss
    assert abs(ours - theirs) <= 0.05 * theirs


def test_memory_percent_is_psutils() -> None:
    assert abs(procstats.memory_percent() - psutil.virtual_memory().percent) <= 2.0


def test_process_cpu_counts_the_cpu_this_process_spent() -> None:
    cpu = procstats.ProcessCpu()
    spent = time.process_time() + 0.2
    while time.process_time() < spent:  # busy on purpose
        pass
    assert cpu.percent() > 0.0
    assert cpu.percent() >= 0.0  # a second reading starts from the first


def test_system_cpu_is_a_share() -> None:
    system = procstats.SystemCpu()
    spent = time.process_time() + 0.1
    while time.process_time() < spent:
        pass
    assert 0.0 < system.percent() <= 100.0


def test_pid_alive_says_no_for_a_zombie_and_a_reaped_process() -> None:
    assert procstats.pid_alive(os.getpid())
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    deadline = time.monotonic() + 30
    while psutil.Process(child.pid).status() != psutil.STATUS_ZOMBIE and time.monotonic() < deadline:
        time.sleep(0.02)
    assert not procstats.pid_alive(child.pid)  # exited, not reaped yet
    child.wait()
    assert not procstats.pid_alive(child.pid)


@pytest.mark.skipif(not procstats.LINUX, reason="elsewhere psutil itself answers")
def test_linux_readings_need_no_psutil(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "psutil", None)  # an import would now fail
    procstats.rss_bytes(), procstats.memory_percent(), procstats.SystemCpu().percent(), procstats.pid_alive(1)
