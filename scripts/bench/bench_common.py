"""Helpers shared by the benchmark scripts in this folder (tracking_bench.py, inference_bench.py)."""

from __future__ import annotations

import ctypes
import os
import platform
import signal
import sys
import time

try:
    _libc = ctypes.CDLL("libc.so.6", use_errno=True)
except OSError:  # not glibc: children just won't get PR_SET_PDEATHSIG
    _libc = None


class BenchError(Exception):
    """A benchmark step failed; the message says which and why."""


def log(msg: str) -> None:
    """Progress on stderr, timestamped (stdout carries the report)."""
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


def die_with_parent() -> None:
    """preexec_fn: the child process gets SIGTERM if the benchmark dies (even by SIGKILL)."""
    if _libc is not None:
        _libc.prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


def machine_busy_seconds() -> float:
    """Non-idle CPU time of the whole machine (all cores), from /proc/stat."""
    with open("/proc/stat") as f:
        parts = f.readline().split()[1:]
    vals = [int(x) for x in parts[:8]]
    idle = vals[3] + vals[4]  # idle + iowait
    return (sum(vals) - idle) / os.sysconf("SC_CLK_TCK")


def loadavg() -> list[float]:
    try:
        return [float(x) for x in open("/proc/loadavg").read().split()[:3]]
    except OSError:
        return []


def get_path(d: dict, path: str):
    """d["a"]["b"] for the path "a.b"; None when a key is missing."""
    for part in path.split("."):
        if not isinstance(d, dict) or part not in d:
            return None
        d = d[part]
    return d


def machine_info() -> dict:
    """Cores, platform, memory and CPU model, as BENCHMARKS.md records them."""
    info = {"cores": os.cpu_count(), "platform": platform.platform()}
    try:
        with open("/proc/meminfo") as f:
            for line in f:
                if line.startswith("MemTotal:"):
                    info["mem_total_gib"] = round(int(line.split()[1]) / 1024 / 1024, 1)
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    info["cpu_model"] = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    return info


def markdown_setup_lines(result: dict) -> list[str]:
    """The opening of a run's Markdown: the command that produced it, then the machine and
    its load average, as the first rows of the setup table (each benchmark adds its own)."""
    mach = result["machine"]
    return [
        f"**Command** ({result['started']} – {result['finished']}):",
        "",
        "```sh",
        result["command"],
        "```",
        "",
        "| | |",
        "|---|---|",
        f"| machine | {mach.get('cores')} cores, CPU `{mach.get('cpu_model', '?')}`, "
        f"{mach.get('mem_total_gib', '?')} GiB RAM, {mach.get('platform')} |",
        f"| load average (1/5/15 min) | before {' '.join(map(str, mach.get('loadavg_before', [])))}, "
        f"after {' '.join(map(str, mach.get('loadavg_after', [])))} |",
    ]
