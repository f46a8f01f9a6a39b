#!/usr/bin/env python3
"""Opens SITE/search.html?q=QUERY in headless Chromium from file:// RUNS times and prints, per
run, the time from running the query to results on screen (the page's data-search-ms) and the
bytes of index files the page loaded for it (data-search-files), then the median (the machine
is noisy: take 5 runs or more)."""
import os
import re
import statistics
import subprocess
import sys
import urllib.parse

site, query, runs = sys.argv[1], sys.argv[2], int(sys.argv[3]) if len(sys.argv) > 3 else 3
url = "file://" + os.path.abspath(site) + "/search.html?q=" + urllib.parse.quote(query)
times = []
for _ in range(runs):
    dom = subprocess.run(["chromium", "--headless", "--no-sandbox", "--disable-gpu", "--timeout=5000", "--dump-dom", url],
                         capture_output=True, text=True).stdout
    ms = re.search(r'data-search-ms="([^"]*)"', dom)
    files = re.search(r'data-search-files="([^"]*)"', dom)
    size = sum(os.path.getsize(os.path.join(site, f)) for f in files.group(1).split()) if files else 0
    shown = ms.group(1) if ms else "?"
    if ms:
        times.append(float(ms.group(1)))
    print(f"  {query[:48]!r:50} {shown:>7} ms  {size / 1024:7.0f} KiB loaded")
if times:
    print(f"  {'median of ' + str(len(times)):50} {statistics.median(times):7.1f} ms")
