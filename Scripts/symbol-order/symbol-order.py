#!/usr/bin/env python3
"""Regenerates charter.order (next to this file), the functions a Charter server runs, in the
order it first runs them, for the release link (Scripts/release-build.sh).

    python3 Scripts/symbol-order/symbol-order.py [--rounds N] [--fresh]   # needs cc

Each round builds the release binary with the current list, starts a server in a temporary home
with page-tracer.c preloaded (the executable's code pages start inaccessible; the first touch of
each 4 KB page is logged and the page given back), drives it with EnrollBenchmark (enrolls with
both kinds of secret, reenrolls) and the operations endpoints, and appends the function at each
logged address. A listed function moves to the front in the next round, so the pages it shared
with others get touched again by functions not yet listed; the rounds stop when one finds almost
nothing new.

The list only orders code: a name that no longer exists is ignored by the linker, so a stale list
costs memory, never correctness. Regenerate it after large changes to the request path.
"""

import argparse
import bisect
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
ORDER = os.path.join(HERE, "charter.order")
PORT = 17420


def run(arguments, **options):
    return subprocess.run(arguments, check=True, capture_output=True, text=True, **options).stdout


def build():
    """Links with the current list; returns the folder of the release binaries."""
    return run(["bash", os.path.join(ROOT, "Scripts", "release-build.sh")]).strip().splitlines()[-1]


def wait_for(url):
    for _ in range(150):
        if subprocess.run(["curl", "-sk", "--max-time", "2", url], capture_output=True).returncode == 0:
            return
        time.sleep(0.1)
    sys.exit(f"no answer from {url}")


def trace(bin_dir, tracer, log):
    """Runs one traced server under the benchmark's load; the touched addresses land in `log`."""
    home = tempfile.mkdtemp()
    environment = dict(os.environ, LD_PRELOAD=tracer, CHARTER_PAGE_TRACE=log, SWIFT_BACKTRACE="enable=no")
    server = subprocess.Popen(
        [os.path.join(bin_dir, "charter"), "server", "start", "-b", "admin:adminpw", "-H", home,
         "-p", str(PORT), "--address", "127.0.0.1", "--operations.listenaddress", f"127.0.0.1:{PORT + 1}"],
        env=environment, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    try:
        wait_for(f"https://127.0.0.1:{PORT}/cainfo")
        run([os.path.join(bin_dir, "EnrollBenchmark"), "--url", f"https://localhost:{PORT}",
             "--ca", os.path.join(home, "ca-cert.pem"), "--pid", str(server.pid), "--seconds", "1",
             "--clients", "1,8"])
        for path in ("metrics", "healthz", "version"):
            subprocess.run(["curl", "-sk", "--max-time", "2", f"http://127.0.0.1:{PORT + 1}/{path}"],
                           capture_output=True)
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=60)
    finally:
        if server.poll() is None:
            server.kill()
        shutil.rmtree(home, ignore_errors=True)


def functions_touched(charter, log):
    """Names of the functions at the logged addresses, in the order they were touched."""
    functions = []
    for line in run(["nm", "-S", "-t", "x", charter]).splitlines():
        fields = line.split()
        if len(fields) == 4 and fields[2] in "tTwW":
            functions.append((int(fields[0], 16), int(fields[1], 16), fields[3]))
    functions.sort()
    starts = [function[0] for function in functions]
    code = next(
        (int(fields[1], 16), int(fields[2], 16))
        for fields in (line.split() for line in run(["readelf", "-lW", charter]).splitlines())
        if fields and fields[0] == "LOAD" and "E" in fields[6:-1]
    )
    names = []
    lines = open(log).read().split()
    if len(lines) < 3 or lines[0] != "base":
        sys.exit("the page tracer logged nothing")
    mapped, mapped_offset = int(lines[1], 16), int(lines[2], 16)
    for word in lines[3:]:
        # Mapped address → file offset → the address nm names.
        address = int(word, 16) - mapped + mapped_offset - code[0] + code[1]
        index = bisect.bisect_right(starts, address) - 1
        if index >= 0 and address < starts[index] + max(functions[index][1], 1):
            names.append(functions[index][2])
    return names


def save(order):
    with open(ORDER, "w") as file:
        file.write("".join(name + "\n" for name in order))


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--fresh", action="store_true", help="start from an empty list")
    arguments = parser.parse_args()
    work = tempfile.mkdtemp()
    tracer = os.path.join(work, "page-tracer.so")
    run(["cc", "-O2", "-shared", "-fPIC", os.path.join(HERE, "page-tracer.c"), "-o", tracer])
    order = [] if arguments.fresh or not os.path.exists(ORDER) else open(ORDER).read().split()
    seen = set(order)
    log = os.path.join(work, "touched.txt")
    try:
        for round_number in range(arguments.rounds):
            save(order)
            bin_dir = build()
            trace(bin_dir, tracer, log)
            touched = functions_touched(os.path.join(bin_dir, "charter"), log)
            new = [name for name in dict.fromkeys(touched) if name not in seen]
            seen.update(new)
            order += new
            print(f"round {round_number + 1}: {len(touched)} pages touched, {len(new)} new functions, "
                  f"{len(order)} in all", flush=True)
            if len(new) < 20:
                break
        save(order)
        build()
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
