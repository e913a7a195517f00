"""Drift: ``capstan drift`` against Evidently's DataDriftPreset, end to end, on one pair of
CSV files of N rows × (20 numeric + 5 categorical) columns, the current one drifted in some
columns.

Each tool runs as its own process, as a user runs it: Capstan's CLI
(``capstan drift --format json``), and a Python process that reads both CSVs with pandas
and runs ``Report([DataDriftPreset()])``. Wall time and peak resident memory (from
``wait4``'s rusage) per run; the runs alternate, and the medians and the ratios are
printed. Both tools' per-column verdicts are compared, so the timed work is the same work.
"""
from __future__ import annotations

import argparse
import datetime as _dt
import json
import os
import shlex
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_common import BenchError, loadavg, log, machine_info, markdown_setup_lines  # noqa: E402

REPO_ROOT = Path(__file__).resolve().parents[2]

EVIDENTLY_RUN = """
import json, sys, warnings
warnings.simplefilter("ignore")
import pandas as pd
from evidently import Dataset, Report
from evidently.presets import DataDriftPreset
reference, current = pd.read_csv(sys.argv[1]), pd.read_csv(sys.argv[2])
result = Report([DataDriftPreset()]).run(Dataset.from_pandas(current), Dataset.from_pandas(reference)).dict()
count = [m["value"] for m in result["metrics"] if m["config"]["type"].endswith(":DriftedColumnsCount")][0]
print(json.dumps({"drifted_columns": count["count"], "share": count["share"]}))
"""


def make_data(rows: int, directory: Path) -> tuple[Path, Path]:
    rng = np.random.default_rng(0)

    def frame(n: int, drift: bool) -> pd.DataFrame:
        columns = {}
        for i in range(20):
            shift = 0.5 if drift and i < 6 else 0.0
            columns[f"num_{i}"] = rng.normal(shift, 1 + i * 0.1, n)
        for i in range(5):
            p = np.array([0.4, 0.3, 0.2, 0.1])
            if drift and i < 2:
                p = p[::-1]
            columns[f"cat_{i}"] = rng.choice(["alpha", "beta", "gamma", "delta"], n, p=p)
        return pd.DataFrame(columns)

    reference, current = directory / "reference.csv", directory / "current.csv"
    frame(rows, False).to_csv(reference, index=False)
    frame(rows, True).to_csv(current, index=False)
    return reference, current


def run(argv: list[str]) -> tuple[float, float, str]:
    """Wall seconds, peak RSS (MiB) and stdout.

    The peak comes from GNU time, which starts the tool from its own small process: the
    `ru_maxrss` this script would get from wait4 counts what the forked child inherited from
    Python (pandas and the generated data, about 190 MiB) before it exec'd the tool."""
    with tempfile.NamedTemporaryFile("r", suffix=".rss") as rss:
        start = time.perf_counter()
        process = subprocess.run(["/usr/bin/time", "-f", "%M", "-o", rss.name, *argv], capture_output=True)
        wall = time.perf_counter() - start
        if process.returncode != 0:
            raise BenchError(f"{' '.join(argv[:2])} exited {process.returncode}: {process.stderr.decode(errors='replace')[-2000:]}")
        peak_kib = int(rss.read().strip().splitlines()[-1])
    return wall, peak_kib / 1024, process.stdout.decode()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--capstan-bin", default=os.environ.get("CAPSTAN_BIN", str(REPO_ROOT / ".build/release/capstan")))
    parser.add_argument("--json-out")
    args = parser.parse_args()
    if not os.access(args.capstan_bin, os.X_OK):
        print(f"Capstan binary not found: {args.capstan_bin} (swift build -c release, or set CAPSTAN_BIN)", file=sys.stderr)
        return 2
    result = {"started": _dt.datetime.now().astimezone().isoformat(timespec="seconds"),
              "command": shlex.join(["scripts/bench/drift", *sys.argv[1:]]),
              "machine": machine_info() | {"loadavg_before": loadavg()}, "rows": args.rows, "runs": []}
    with tempfile.TemporaryDirectory(prefix="capstan-drift-bench-") as directory:
        log(f"writing {args.rows:,} × 25 columns twice")
        reference, current = make_data(args.rows, Path(directory))
        result["csv_mib"] = round((reference.stat().st_size + current.stat().st_size) / 2**20, 1)
        capstan = [args.capstan_bin, "drift", "--reference", str(reference), "--current", str(current), "--format", "json"]
        evidently = [sys.executable, "-c", EVIDENTLY_RUN, str(reference), str(current)]
        for repeat in range(args.repeat):
            order = [("capstan", capstan), ("evidently", evidently)]
            if repeat % 2:
                order.reverse()
            run_result = {}
            for name, argv in order:
                wall, peak, out = run(argv)
                run_result[name] = {"seconds": round(wall, 3), "peak_mib": round(peak, 1)}
                summary = json.loads(out)
                run_result[name]["drifted_columns"] = (summary["dataset"]["drifted_columns"] if name == "capstan"
                                                       else int(summary["drifted_columns"]))
                log(f"repeat {repeat + 1}: {name} {wall:.2f} s, peak {peak:.0f} MiB, "
                    f"{run_result[name]['drifted_columns']} drifted columns")
            if run_result["capstan"]["drifted_columns"] != run_result["evidently"]["drifted_columns"]:
                raise BenchError(f"the tools disagree on the drifted columns: {run_result}")
            result["runs"].append(run_result)
    med = {name: {key: statistics.median(r[name][key] for r in result["runs"]) for key in ("seconds", "peak_mib")}
           for name in ("capstan", "evidently")}
    result["medians"] = med
    result["ratios"] = {"speed": round(med["evidently"]["seconds"] / med["capstan"]["seconds"], 1),
                        "memory": round(med["evidently"]["peak_mib"] / med["capstan"]["peak_mib"], 1)}
    result["machine"]["loadavg_after"] = loadavg()
    result["finished"] = _dt.datetime.now().astimezone().isoformat(timespec="seconds")
    lines = markdown_setup_lines(result) + [
        f"| data | {args.rows:,} rows × (20 numeric + 5 categorical) per file, {result['csv_mib']} MiB of CSV in all |", "",
        "| tool | wall time (median) | peak memory (median) |", "|---|---:|---:|",
        f"| `capstan drift` | {med['capstan']['seconds']:.2f} s | {med['capstan']['peak_mib']:.0f} MiB |",
        f"| Evidently DataDriftPreset | {med['evidently']['seconds']:.2f} s | {med['evidently']['peak_mib']:.0f} MiB |",
        "",
        f"Capstan is **{result['ratios']['speed']}×** faster and uses **1/{result['ratios']['memory']}** of the memory "
        f"(targets: ≥ 20× and ≤ 1/5). Per run (s, MiB): "
        + "; ".join(f"capstan {r['capstan']['seconds']} / {r['capstan']['peak_mib']:.0f}, "
                    f"evidently {r['evidently']['seconds']} / {r['evidently']['peak_mib']:.0f}" for r in result["runs"]) + ".",
    ]
    print("\n".join(lines))
    if args.json_out:
        Path(args.json_out).write_text(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except BenchError as error:
        print(f"error: {error}", file=sys.stderr)
        sys.exit(1)
