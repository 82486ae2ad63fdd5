#!/usr/bin/env python3
"""Benchmarks on generated handbooks (scripts/make_corpus.py); prints Markdown tables.

    python scripts/bench.py                       # 1,000 and 10,000 records, 5 runs each
    python scripts/bench.py --sizes 100 --runs 3  # a quick run

`handbook check` is timed as whole processes, the way CI runs it:
- cold: the first run on a fresh corpus, nothing cached;
- warm: the median of --runs runs with the parse cache of `.cache/handbook/` filled;
- both without git: `--ignore HB104,HB202,HB203,HB207` leaves out the only checks that read git
  history, so what is timed is loading, the checks and the cache, not git;
- with git: one full `handbook check`, history included, for comparison; and reading the history
  alone (`read_history`), in process.
Near-duplicate detection is then timed alone on growing subsets of the largest corpus's policies,
with no cache, to show that it grows close to linearly (LSH: no comparison of every pair).
Generated corpora are kept in --workdir and reused when they are already there.
"""

from __future__ import annotations

import argparse
import dataclasses
import importlib.util
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
TODAY = "2026-11-25"
GIT_CODES = "HB104,HB202,HB203,HB207"


def make_corpus_module() -> Any:
    spec = importlib.util.spec_from_file_location("make_corpus", ROOT / "scripts" / "make_corpus.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["make_corpus"] = module
    spec.loader.exec_module(module)
    return module


def corpus(workdir: Path, records: int, seed: int) -> tuple[Path, dict[str, int]]:
    target = workdir / f"corpus-{records}-seed{seed}"
    make_corpus = make_corpus_module()
    if not (target / ".git").is_dir():
        started = time.perf_counter()
        counts = make_corpus.write_corpus(records, target, seed=seed)
        print(f"generated {records} records in {time.perf_counter() - started:.1f} s: {target}", file=sys.stderr)
    counts = {"policies": len(list((target / "policies").glob("*.md")))}
    return target, counts


def handbook_check(root: Path, *args: str) -> float:
    """Wall time of one `handbook check` process (exit 0 or 1 expected: findings are normal)."""
    command = [str(Path(sys.executable).parent / "handbook"), "check", str(root), "--today", TODAY, *args]
    started = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True)
    took = time.perf_counter() - started
    if done.returncode not in (0, 1):
        raise SystemExit(f"handbook check failed ({done.returncode}):\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}")
    return took


def history_seconds(root: Path) -> float:
    code = (
        "import sys, time; from pathlib import Path; from handbook.cli import load_settings; "
        "from handbook.loading import load_corpus; from handbook.history import read_history; "
        "c = load_corpus(load_settings(Path(sys.argv[1]))); t = time.perf_counter(); read_history(c); "
        "print(time.perf_counter() - t)"
    )
    done = subprocess.run([sys.executable, "-c", code, str(root)], capture_output=True, text=True, check=True)
    return float(done.stdout.strip())


def check_table(workdir: Path, sizes: list[int], runs: int, seed: int) -> list[Path]:
    rows = []
    roots = []
    for records in sizes:
        root, counts = corpus(workdir, records, seed)
        roots.append(root)
        cache = root / ".cache"
        if cache.exists():
            subprocess.run(["rm", "-rf", str(cache)], check=True)
        cold = handbook_check(root, "--ignore", GIT_CODES)
        warm = [handbook_check(root, "--ignore", GIT_CODES) for _ in range(runs)]
        full = handbook_check(root)
        history = history_seconds(root)
        rows.append((records, counts["policies"], cold, statistics.median(warm), min(warm), full, history))
        print(f"checked {records} records", file=sys.stderr)
    print(f"\n### `handbook check` ({runs} warm runs; seconds; wall time of whole processes)\n")
    print(
        "| records | policies | cold, no git | warm median, no git | warm best | full, with git (1 run) | history "
        "alone |"
    )
    print("|---:|---:|---:|---:|---:|---:|---:|")
    for records, policies, cold, median, best, full, history in rows:
        print(f"| {records:,} | {policies:,} | {cold:.2f} | {median:.2f} | {best:.2f} | {full:.2f} | {history:.2f} |")
    return roots


def near_duplicate_table(root: Path, steps: int = 4) -> None:
    sys.path.insert(0, str(ROOT / "src"))
    from handbook.checks import duplicates, minhash
    from handbook.cli import load_settings
    from handbook.history import History
    from handbook.loading import load_corpus

    full = load_corpus(load_settings(root))
    policies = list(full.policies.values())
    print("\n### Near-duplicate detection alone (no cache; MinHash + LSH, then exact Jaccard of candidates)\n")
    print("| policies | seconds | µs per policy | candidate pairs compared | all pairs |")
    print("|---:|---:|---:|---:|---:|")
    compared: list[int] = []
    real = minhash.jaccard

    def counting(a: set[int], b: set[int]) -> float:
        compared.append(1)
        return real(a, b)

    minhash.jaccard = counting  # type: ignore[assignment]
    try:
        for step in range(1, steps + 1):
            count = len(policies) * step // steps
            subset = {p.id: p for p in policies[:count]}
            view = dataclasses.replace(full, policies=subset, decisions={}, posts=())
            compared.clear()
            minhash._word_ids.clear()
            started = time.process_time()
            duplicates.copied_texts(view, History(complete=False), threshold=full.settings.duplicate_threshold)
            took = time.process_time() - started
            print(
                f"| {count:,} | {took:.2f} | {took / count * 1e6:.0f} | {len(compared):,} | "
                f"{count * (count - 1) // 2:,} |"
            )
    finally:
        minhash.jaccard = real  # type: ignore[assignment]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--sizes", default="1000,10000", help="records per corpus, comma-separated (default 1000,10000)"
    )
    parser.add_argument("--runs", type=int, default=5, help="warm runs per size; the median is reported (default 5)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--workdir", type=Path, default=Path(tempfile.gettempdir()) / "handbook-bench")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    args.workdir.mkdir(parents=True, exist_ok=True)
    roots = check_table(args.workdir, sizes, args.runs, args.seed)
    near_duplicate_table(roots[sizes.index(max(sizes))])
    return 0


if __name__ == "__main__":
    sys.exit(main())
