#!/usr/bin/env python3
"""CPU time (user + system) of several commands, run in interleaved rounds, as medians and ratios.

On a shared machine wall time drifts with whatever else runs, and a tool like hyperfine runs all of one
command's runs before the next command's, so a busy minute lands on one command only. Here every round runs
each command once, in turn, and the CPU time the command itself used is read from its resource usage.

    bench/cpu-interleaved.py --dir DIR --rounds 7 parse="hindsight check . --parse-only -j 1" full="hindsight check . -j 1"

The first command is the baseline of the ratios.
"""

import argparse
import resource
import shlex
import statistics
import subprocess


def cpu_seconds(command: list[str], cwd: str) -> float:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run(command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dir", default=".", help="directory the commands run in")
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("commands", nargs="+", help="NAME=COMMAND")
    args = parser.parse_args()
    named = [c.split("=", 1) for c in args.commands]
    times: dict[str, list[float]] = {name: [] for name, _ in named}
    for name, command in named:  # one warm-up each: file cache, page cache of the binary
        cpu_seconds(shlex.split(command), args.dir)
    for _ in range(args.rounds):
        for name, command in named:
            times[name].append(cpu_seconds(shlex.split(command), args.dir))
    base = statistics.median(times[named[0][0]])
    print(f"| command | median CPU s ({args.rounds} interleaved rounds) | vs {named[0][0]} |")
    print("|---|---|---|")
    for name, _ in named:
        median = statistics.median(times[name])
        print(f"| {name} | {median:.3f} | {median / base:.2f}x |")


if __name__ == "__main__":
    main()
