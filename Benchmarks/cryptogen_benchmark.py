#!/usr/bin/env python3
"""Times `charter cryptogen generate` on a large network: 10 peer orgs x 100 peers x 20 users and an
orderer org with 5 orderers (fabric's cryptogen takes about 1.2 s on tmpfs and 1.7-2.1 s on ext4 for
it, single-threaded). Prints certificates and files per second, wall time and peak memory.

Usage: Benchmarks/cryptogen_benchmark.py [--binary PATH] [--cryptogen PATH] [--dir DIR] [--runs N]
With Fabric's cryptogen on PATH (or --cryptogen), measures it in the same run, side by side.
"""
import argparse
import os
import shutil
import subprocess
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def config(orgs=10, peers=100, users=20, orderers=5):
    lines = ["OrdererOrgs:", "  - Name: Orderer", "    Domain: example.com", "    EnableNodeOUs: true",
             "    Template:", f"      Count: {orderers}", "PeerOrgs:"]
    for i in range(1, orgs + 1):
        lines += [f"  - Name: Org{i}", f"    Domain: org{i}.example.com", "    EnableNodeOUs: true",
                  "    Template:", f"      Count: {peers}", "      SANS: [localhost, 127.0.0.1]", "    Users:", f"      Count: {users}"]
    return "\n".join(lines) + "\n"


def count_files(root):
    return sum(len(files) for _, _, files in os.walk(root))


def measure(name, command, work, runs):
    """Best of `runs` wall times of `command(out)`, with its CPU time (user + system) and peak RSS."""
    best = None
    peak_mb = 0.0
    for run in range(runs):
        out = os.path.join(work, f"{name}-out{run}")
        start = time.monotonic()
        process = subprocess.Popen(command(out), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        _, status, usage = os.wait4(process.pid, 0)  # this child's own CPU time and peak memory
        wall = time.monotonic() - start
        stderr = process.stderr.read().decode()
        process.stderr.close()
        if os.waitstatus_to_exitcode(status) != 0:
            raise SystemExit(f"{name}: {stderr}")
        cpu = usage.ru_utime + usage.ru_stime
        peak_mb = max(peak_mb, usage.ru_maxrss / 1024)
        certificates = sum(1 for _, _, files in os.walk(out) for f in files if f.endswith(("-cert.pem", ".crt"))
                           and f != "ca.crt")
        files = count_files(out)
        print(f"{name} run={run + 1} wall_s={wall:.3f} cpu_s={cpu:.3f} cert_files={certificates} files={files}")
        if best is None or wall < best[0]:
            best = (wall, cpu, files)
        shutil.rmtree(out)
    wall, cpu, files = best
    return wall, cpu, files, peak_mb


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--binary", default=os.path.join(ROOT, ".build-release", "release", "charter"))
    parser.add_argument("--cryptogen", default=shutil.which("cryptogen"),
                        help="Fabric's cryptogen, measured in the same run (default: the one on PATH, if any)")
    parser.add_argument("--dir", default="/dev/shm" if os.path.isdir("/dev/shm") else None,
                        help="where to write (default: /dev/shm, a tmpfs, so the figures measure the generators and not the disk)")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    work = tempfile.mkdtemp(prefix="charter-cryptogen-", dir=args.dir)
    cfg = os.path.join(work, "crypto-config.yaml")
    with open(cfg, "w") as f:
        f.write(config())
    try:
        fs = subprocess.run(["stat", "-f", "-c", "%T", work], capture_output=True, text=True).stdout.strip()
        wall, cpu, files, peak = measure(
            "charter", lambda out: [args.binary, "cryptogen", "generate", "--config", cfg, "--output", out], work, args.runs)
        print(f"cryptogen-benchmark: tool=charter files={files} wall_s={wall:.3f} cpu_s={cpu:.3f} "
              f"files_per_s={files / wall:.0f} peak_rss_mb={peak:.0f} fs={fs}")
        if args.cryptogen:
            ref_wall, ref_cpu, ref_files, ref_peak = measure(
                "cryptogen", lambda out: [args.cryptogen, "generate", "--config", cfg, "--output", out], work, args.runs)
            print(f"cryptogen-benchmark: tool=cryptogen files={ref_files} wall_s={ref_wall:.3f} cpu_s={ref_cpu:.3f} "
                  f"files_per_s={ref_files / ref_wall:.0f} peak_rss_mb={ref_peak:.0f} fs={fs}")
            print(f"cryptogen-benchmark: charter is {ref_wall / wall:.1f}x faster (wall) "
                  f"using {cpu / ref_cpu:.2f} of cryptogen's CPU")
    finally:
        shutil.rmtree(work)


if __name__ == "__main__":
    main()
