"""Size of the prebuilt labextension's JavaScript, raw and gzipped (gzip -9).

Reads ``jupyter_sagerun/labextension/static/*.js`` as built (``jlpm build:prod``, or
what the wheel ships); builds nothing. A development build (``jlpm build``) carries
source maps and unminified code and is several times larger: the script says so when
it sees one.

``--build-in-tmp`` first makes a production build in a throw-away copy of the sources
(``jlpm build:prod``, node_modules linked from the checkout) and measures that: the
figure users get, whatever build the checkout holds, and without touching it.
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _checkout import REPO

from testkit.stats import verdict

DEFAULT_DIR = REPO / "jupyter_sagerun" / "labextension"
#: The goal "keep what holds": the JavaScript a user's JupyterLab loads from us.
TARGET_KIB = 100
TARGET_GZIP_KIB = 30


def dev_build_signs(static: Path, scripts: list[Path]) -> list[str]:
    signs: list[str] = []
    maps = sorted(p.name for p in static.glob("*.map"))
    if maps:
        signs.append(f"source map files: {', '.join(maps)}")
    for path in scripts:
        text = path.read_text(encoding="utf-8", errors="replace")
        if re.search(r"//# sourceMappingURL=[^\s'\"]+\.map", text):
            signs.append(f"{path.name} points to a source map")
        if "eval(" in text and "webpack://" in text:
            signs.append(f"{path.name} uses eval source maps")
        lines = text.count("\n") + 1
        if len(text) > 20_000 and len(text) / lines < 200:
            signs.append(f"{path.name} looks unminified ({lines} lines)")
    return signs


def live_files(labextension: Path, scripts: list[Path]) -> set[str] | None:
    """The scripts the current build uses: the remoteEntry that ``package.json`` names
    (``jupyterlab._build.load``), ``style.js``, and every chunk whose content hash that
    remoteEntry mentions. None when package.json names no remoteEntry. Builds do not
    delete an earlier build's chunks: whatever else is in static/ is stale."""
    package = labextension / "package.json"
    try:
        load = json.loads(package.read_text(encoding="utf-8"))["jupyterlab"]["_build"]["load"]
    except (OSError, ValueError, KeyError, TypeError):
        return None
    entry = labextension / str(load)
    if not entry.is_file():
        return None
    text = entry.read_text(encoding="utf-8", errors="replace")
    live = {entry.name, "style.js"}
    for path in scripts:
        parts = path.name.split(".")
        if len(parts) >= 3 and parts[-2] in text:
            live.add(path.name)
    return live


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument(
        "--labextension",
        type=Path,
        default=DEFAULT_DIR,
        help=f"the built labextension folder (default: {DEFAULT_DIR.relative_to(REPO)})",
    )
    parser.add_argument(
        "--build-in-tmp",
        action="store_true",
        help="measure a fresh `jlpm build:prod` made in a temporary copy of the sources",
    )
    args = parser.parse_args(argv)
    if args.build_in_tmp:
        with tempfile.TemporaryDirectory(prefix="sagerun-bundle-") as tmp:
            built = build_in_tmp(Path(tmp))
            if built is None:
                return 1
            return report(built)
    return report(args.labextension)


def build_in_tmp(tmp: Path) -> Path | None:
    """``jlpm build:prod`` in a copy of the sources; the labextension it built."""
    copy = tmp / "src"
    skip = {"node_modules", "ui-tests", ".git", "lib", "tsconfig.tsbuildinfo", "labextension"}
    skip |= {".mypy_cache", ".ruff_cache", ".pytest_cache", ".benchmarks"}
    shutil.copytree(REPO, copy, ignore=lambda folder, names: [n for n in names if n in skip])
    (copy / "node_modules").symlink_to(REPO / "node_modules", target_is_directory=True)
    jlpm = shutil.which("jlpm")
    if jlpm is None:
        print("jlpm is not on PATH (it comes with jupyterlab)")
        return None
    print(f"building in {copy}: jlpm build:prod ...", flush=True)
    started = time.perf_counter()
    done = subprocess.run(
        [jlpm, "build:prod"],
        cwd=copy,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    if done.returncode != 0:
        print(done.stdout[-3000:], done.stderr[-3000:], sep="\n")
        print(f"jlpm build:prod failed ({done.returncode})")
        return None
    print(f"built in {time.perf_counter() - started:.0f} s")
    return copy / "jupyter_sagerun" / "labextension"


def report(labextension: Path) -> int:
    static = labextension / "static"
    scripts = sorted(static.glob("*.js"))
    if not scripts:
        print(f"no JavaScript in {static}: build it first (jlpm install && jlpm build:prod)")
        return 1
    package = labextension / "package.json"
    version = "?"
    if package.is_file():
        version = json.loads(package.read_text(encoding="utf-8")).get("version", "?")
    live = live_files(labextension, scripts)
    print(f"{static} (labextension version {version})")
    print(f"{'file':<40} {'bytes':>10} {'gzip -9':>10}  build")
    sizes: dict[str, tuple[int, int]] = {}
    for path in scripts:
        data = path.read_bytes()
        sizes[path.name] = (len(data), len(gzip.compress(data, compresslevel=9, mtime=0)))
        state = "?" if live is None else ("current" if path.name in live else "STALE")
        print(f"{path.name:<40} {sizes[path.name][0]:>10,} {sizes[path.name][1]:>10,}  {state}")

    def total(names: list[str], label: str) -> tuple[int, int]:
        raw = sum(sizes[n][0] for n in names)
        gz = sum(sizes[n][1] for n in names)
        print(
            f"{label:<40} {raw:>10,} {gz:>10,}  "
            f"({raw / 1024:.1f} KiB, gzipped {gz / 1024:.1f} KiB, {len(names)} files)"
        )
        return raw, gz

    current = [n for n in sizes if live is None or n in live]
    raw, gz = total(current, "total, current build")
    stale = [n for n in sizes if n not in current]
    if stale:
        total(list(sizes), "total, all files in static/")
        print(
            f"{len(stale)} stale file(s) from an earlier build are in static/ and would ship "
            "in a wheel: jlpm clean:labextension (or clean:all) before building"
        )
    maps = sorted(static.glob("*.map"))
    if maps:
        print(f"source maps: {len(maps)} files, {sum(p.stat().st_size for p in maps):,} bytes")
    signs = dev_build_signs(static, [static / n for n in current])
    if signs:
        print("this looks like a DEVELOPMENT build:")
        for sign in signs:
            print(f"  - {sign}")
        print("for the figures users get, rebuild: jlpm clean:all && jlpm build:prod")
    else:
        print("production build (no source maps, minified)")
    met = raw <= TARGET_KIB * 1024 and gz <= TARGET_GZIP_KIB * 1024
    print(
        f"target current build <= {TARGET_KIB} KiB, {TARGET_GZIP_KIB} KiB gzipped: {verdict(met)}"
    )
    # A missed target is a failing exit, so that run_all.py reports it as missed.
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
