#!/usr/bin/env python3
"""Audits a Charter database of 1,000,000 certificate records (a fabric-ca home written by
RegistryGenerator, imported with `charter server import`) with every check, streaming, and prints
records per second and peak memory. Also audits a tenth of it, to show that memory does not grow
with the record count.

Usage: Benchmarks/audit_benchmark.py [--count N] [--dir DIR]
"""
import argparse
import os
import resource
import shutil
import subprocess
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.path.join(ROOT, ".build-release", "release")


def audit(folder, count):
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.monotonic()
    # wait4 gives this child's own peak memory, not the largest of all children so far
    process = subprocess.Popen([os.path.join(BIN, "charter"), "audit", "--db", os.path.join(folder, "charter.db"), "--format", "csv"],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    lines = sum(1 for _ in process.stdout)
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.monotonic() - start
    cpu = usage.ru_utime + usage.ru_stime
    return wall, cpu, usage.ru_maxrss / 1024, lines - 1, os.waitstatus_to_exitcode(status)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=1_000_000)
    parser.add_argument("--dir", default=None)
    args = parser.parse_args()
    work = tempfile.mkdtemp(prefix="charter-audit-", dir=args.dir)
    try:
        results = []
        for count in (args.count // 10, args.count):
            folder = os.path.join(work, str(count))
            source = folder + "-fabric-ca"
            subprocess.run([os.path.join(BIN, "RegistryGenerator"), str(count), source], check=True, stdout=subprocess.DEVNULL)
            subprocess.run([os.path.join(BIN, "charter"), "server", "import", "--from", source, "-H", folder],
                           check=True, stdout=subprocess.DEVNULL)
            shutil.rmtree(source)
            wall, cpu, peak, findings, code = audit(folder, count)
            print(f"records={count} wall_s={wall:.1f} records_per_s={count / wall:.0f} cpu_s={cpu:.1f} "
                  f"cores_used={cpu / wall:.2f} peak_rss_mb={peak:.0f} findings={findings} exit={code}")
            results.append((count, wall, peak))
            shutil.rmtree(folder)
        count, wall, peak = results[-1]
        print(f"audit-benchmark: records={count} wall_s={wall:.1f} records_per_s={count / wall:.0f} peak_rss_mb={peak:.0f} "
              f"peak_rss_mb_at_tenth={results[0][2]:.0f}")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
