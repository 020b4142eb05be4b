#!/usr/bin/env python3
"""The file system's floor under a clean build: how long creating N small files takes.

A clean build of a 100,000-article archive creates some 150,000 files, and with
`pretty_urls` as many folders. This times the same file creation without any site
generator, so that a build's figures can be read against it:

    python3 bench/fs_floor.py 100000 /tmp/fs-floor

It creates N files of --size bytes (default 12,000, about a broadsheet page) in a tree
shaped like an archive (a folder per day), first as one file per page (`slug.html`), then
as one folder per page (`slug/index.html`), each into a fresh tree right after the
previous one was deleted, as a benchmark run does, and prints the seconds each took.
"""
import argparse
import pathlib
import shutil
import subprocess
import time


def create(root, n, size, folders):
    data = b"x" * size
    start = time.monotonic()
    for i in range(n):
        day = root / f"{i % 3650}"
        if i < 3650:
            day.mkdir(parents=True)
        if folders:
            page = day / f"a{i}"
            page.mkdir()
            path = page / "index.html"
        else:
            path = day / f"a{i}.html"
        with open(path, "wb") as f:
            f.write(data)
    return time.monotonic() - start


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("n", type=int)
    ap.add_argument("dir", type=pathlib.Path)
    ap.add_argument("--size", type=int, default=12000)
    args = ap.parse_args()
    for folders in (False, True):
        # rm -rf, as the benchmark clears an output before each clean build.
        subprocess.run(["rm", "-rf", str(args.dir)], check=False)
        took = create(args.dir, args.n, args.size, folders)
        layout = "a folder per page" if folders else "a file per page"
        print(f"{args.n} pages, {layout}: {took:.2f} s ({took / args.n * 1e6:.0f} us a page)")
    shutil.rmtree(args.dir, ignore_errors=True)


if __name__ == "__main__":
    main()
