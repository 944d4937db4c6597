"""Publish under attack (SPEC 16, 18): file modes a web server can read, an output folder that cannot be
written, a full disk, a damaged archive, months published in any order, a damaged output, settings that
change, placeholders. Through the command line where it can be: real folders, a real full disk (a small tmpfs,
mounted as root, as CI runs), real archive files damaged by hand."""

from __future__ import annotations

import datetime as dt
import errno
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from conftest import REPO, sample_workspace

from villagefin.archive import Archive
from villagefin.config import load_config
from villagefin.errors import ConfigError, StorageError
from villagefin.publish import run_publish

TODAY = dt.date(2026, 11, 5)
OCTOBER = ("publish", "--month", "2026-10", "--date", "2026-11-05")


def cli(*args: str, cwd: Path, umask: int | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(REPO / "cli.py"), *args], cwd=cwd, capture_output=True, text=True,
                          encoding="utf-8", timeout=300,
                          preexec_fn=None if umask is None else (lambda: os.umask(umask)))


def one_clear_line(proc: subprocess.CompletedProcess) -> str:
    """A failure is one Chinese line on stderr, exit 2: never a traceback, never an internal error."""
    assert proc.returncode == 2, (proc.returncode, proc.stdout, proc.stderr)
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("错误："), proc.stderr
    assert "Traceback" not in proc.stderr and "程序内部错误" not in proc.stderr and "rollback" not in proc.stderr
    return lines[0]


def revisions(ws: Path) -> list[tuple[str, str, int]]:
    if not (ws / ".villagefin" / "archive.sqlite").exists():
        return []
    with Archive(ws) as arc:
        return [(p.period, p.village, p.revision) for p in arc.history()]


def manifest_holds(month: Path) -> None:
    doc = json.loads((month / "manifest.json").read_text(encoding="utf-8"))
    for entry in doc["files"]:
        assert hashlib.sha256((month / entry["path"]).read_bytes()).hexdigest() == entry["sha256"], entry["path"]


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    return sample_workspace(tmp_path / "新街镇")


@pytest.fixture
def small_disk(tmp_path: Path):
    """small_disk(name, size) → a folder on its own tmpfs of `size` (mounted as root, as CI runs); unmounted
    at the end. `fill(folder)` then takes every byte left."""
    mounted: list[Path] = []

    def mount(name: str, size: str = "1m") -> Path:
        folder = tmp_path / name
        folder.mkdir()
        proc = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size},mode=755", "tmpfs", str(folder)],
                              capture_output=True, text=True)
        assert proc.returncode == 0, f"these tests mount a small tmpfs and need root, as CI runs: {proc.stderr}"
        mounted.append(folder)
        return folder

    yield mount
    for folder in mounted:
        subprocess.run(["umount", "-l", str(folder)], check=False)


def fill(folder: Path, leave: int = 0) -> None:
    """Take every byte of `folder`'s disk, then give back `leave` bytes."""
    fd = os.open(folder / "filler", os.O_WRONLY | os.O_CREAT, 0o644)
    try:
        while True:
            os.write(fd, b"\0" * 4096)
    except OSError as exc:
        assert exc.errno == errno.ENOSPC
    finally:
        os.close(fd)
    size = (folder / "filler").stat().st_size
    os.truncate(folder / "filler", size - leave)


# ---- 5. files a web server can read ---------------------------------------------------------------------------
def test_published_files_are_0644_and_folders_0755_zip_entries_too(workspace):
    proc = cli(*OCTOBER, "--village", "hexi", cwd=workspace, umask=0o022)
    assert proc.returncode == 0, proc.stderr
    site = workspace / "site"
    modes = {p.relative_to(site).as_posix(): p.stat().st_mode & 0o777 for p in [site, *site.rglob("*")]}
    assert modes["index.html"] == modes["villagefin-2026-10.zip"] == modes["2026-10/hexi/noticeboard.pdf"] == 0o644
    assert modes["2026-10"] == modes["assets"] == modes["2026-10/hexi"] == 0o755
    assert {m for p, m in modes.items() if (site / p).is_file()} == {0o644}
    assert {m for p, m in modes.items() if (site / p).is_dir()} == {0o755}
    with zipfile.ZipFile(site / "villagefin-2026-10.zip") as zf:
        assert {(i.external_attr >> 16) & 0o777 for i in zf.infolist()} == {0o644}
        assert "index.html" in zf.namelist()
    # "less what the umask removes": a stricter umask is kept
    proc = cli("publish", "--month", "2026-10", "--village", "xinjie", "--date", "2026-11-05", "--out", "strict",
               cwd=workspace, umask=0o027)
    assert proc.returncode == 0, proc.stderr
    strict = workspace / "strict"
    assert (strict / "index.html").stat().st_mode & 0o777 == 0o640
    assert (strict / "2026-10").stat().st_mode & 0o777 == 0o750


# ---- 8. an output folder that cannot be written ---------------------------------------------------------------
def test_an_output_folder_that_cannot_be_written_stops_before_archiving(workspace, small_disk):
    line = one_clear_line(cli(*OCTOBER, "--village", "hexi", "--out", "/proc/villagefin-site", cwd=workspace))
    assert "/proc/villagefin-site" in line and "--out" in line
    read_only = small_disk("ro")
    subprocess.run(["mount", "-o", "remount,ro", str(read_only)], check=True)
    line = one_clear_line(cli(*OCTOBER, "--village", "hexi", "--out", str(read_only / "site"), cwd=workspace))
    assert "只读" in line and str(read_only / "site") in line
    full = small_disk("full")
    fill(full)
    line = one_clear_line(cli(*OCTOBER, "--village", "hexi", "--out", str(full / "site"), cwd=workspace))
    assert "磁盘空间不足" in line and str(full / "site") in line
    assert revisions(workspace) == []  # nothing archived
    proc = cli("status", "--month", "2026-10", cwd=workspace)
    assert "已公开" not in proc.stdout and "已存档" not in proc.stdout


def test_output_that_fails_after_archiving_is_said_and_rebuilt_by_the_next_run(workspace, small_disk):
    out = small_disk("site", "200k")  # room for the probe, not for the month
    line = one_clear_line(cli(*OCTOBER, "--village", "hexi", "--out", str(out), cwd=workspace))
    assert "磁盘空间不足" in line and "已存档" in line and "重新运行 publish" in line
    assert revisions(workspace) == [("2026-10", "hexi", 1)]
    status = cli("status", "--month", "2026-10", cwd=workspace).stdout
    hexi = next(x for x in status.splitlines() if "河西村" in x)
    assert "输出未完成，请重新运行 publish" in hexi and "已公开" not in hexi
    assert not [p for p in out.rglob("*") if p.name.startswith(".vf-")]  # no temp files left
    subprocess.run(["mount", "-o", "remount,size=64m", str(out)], check=True)
    proc = cli(*OCTOBER, "--village", "hexi", "--out", str(out), cwd=workspace)
    assert proc.returncode == 0, proc.stderr
    assert "已按存档重写输出" in proc.stdout
    assert (out / "2026-10/hexi/noticeboard.pdf").is_file() and (out / "villagefin-2026-10.zip").is_file()
    manifest_holds(out / "2026-10")
    assert revisions(workspace) == [("2026-10", "hexi", 1)]
    status = cli("status", "--month", "2026-10", cwd=workspace).stdout
    assert "已公开 第1版" in next(x for x in status.splitlines() if "河西村" in x)


# ---- 9. a full disk in the workspace --------------------------------------------------------------------------
def test_a_full_workspace_disk_says_so_and_names_the_folder(workspace, small_disk):
    disk = small_disk("villagefin", "4m")
    state = workspace / ".villagefin"
    if state.exists():  # the samples' OCR cache moves onto the small disk with the rest
        shutil.copytree(state, disk, dirs_exist_ok=True)
        shutil.rmtree(state)
    state.symlink_to(disk)
    assert cli(*OCTOBER, "--village", "hexi", cwd=workspace).returncode == 0
    # room to open the archive, not to write a village into it: the transaction meets the full disk
    # (was "cannot rollback - no transaction is active")
    fill(disk, leave=64 << 10)
    line = one_clear_line(cli(*OCTOBER, "--village", "xinjie", cwd=workspace))
    assert "磁盘空间不足" in line and str(workspace / ".villagefin") in line and "正被另一个" not in line
    # no room at all: opening the archive meets it (was "存档正被另一个 villagefin 进程使用")
    os.unlink(disk / "filler")
    fill(disk)
    line = one_clear_line(cli(*OCTOBER, "--village", "xinjie", cwd=workspace))
    assert "磁盘空间不足" in line and str(workspace / ".villagefin") in line and "正被另一个" not in line
    os.unlink(disk / "filler")
    assert revisions(workspace) == [("2026-10", "hexi", 1)]  # nothing half-recorded
    assert cli(*OCTOBER, "--village", "xinjie", cwd=workspace).returncode == 0
    assert revisions(workspace) == [("2026-10", "hexi", 1), ("2026-10", "xinjie", 1)]


def test_a_full_disk_anywhere_is_one_line_naming_the_folder(workspace, monkeypatch):
    """The lowest write failing with ENOSPC in the middle of the output (any platform)."""
    def full(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device", str(workspace / "site" / ".vf-tmp-x"))

    monkeypatch.setattr("villagefin.site.build.copy_tree", full)
    config = load_config(workspace)
    run_publish(config, month="2026-10", today=TODAY, villages=["hexi"])
    with pytest.raises(StorageError) as exc:
        run_publish(config, month="2026-10", today=TODAY, villages=["xinjie"])
    assert "磁盘空间不足" in str(exc.value) and str(workspace / "site") in str(exc.value)
    assert "已存档" in str(exc.value)


# ---- 10. a damaged archive ------------------------------------------------------------------------------------
@pytest.mark.parametrize("damage", ["garbage", "truncated"])
def test_a_damaged_archive_is_named_check_runs_without_it_publish_refuses(workspace, damage):
    assert cli(*OCTOBER, "--village", "hexi", cwd=workspace).returncode == 0
    db = workspace / ".villagefin" / "archive.sqlite"
    if damage == "garbage":
        db.write_bytes(b"this is not a database " * 200)
    else:
        data = db.read_bytes()
        assert len(data) > 8192 and not db.with_name("archive.sqlite-wal").exists()
        db.write_bytes(data[:4096] + b"\xff" * (len(data) - 4096))  # every page after the first overwritten
    proc = cli("check", "--month", "2026-10", "--village", "hexi", cwd=workspace)
    assert proc.returncode == 0, proc.stdout + proc.stderr  # the ledgers are fine: check still runs
    assert "archive-unreadable" in proc.stdout and "跨月重复发票" in proc.stdout
    proc = cli("check", "--month", "2026-10", "--village", "hexi", "--format", "json", cwd=workspace)
    assert "archive-unreadable" in [f["code"] for f in json.loads(proc.stdout)["findings"]]
    for args in (OCTOBER, ("status", "--month", "2026-10"), ("history",)):
        line = one_clear_line(cli(*args, cwd=workspace))
        assert ".villagefin/archive.sqlite" in line and "损坏" in line and "备份" in line
    assert not (workspace / "site/2026-10/xinjie").exists()


# ---- 15. months in any order ----------------------------------------------------------------------------------
def test_an_earlier_month_published_after_a_later_one_relinks_it_and_rebuilds_its_zip(workspace):
    csv = workspace / "ledgers" / "hexi" / "2026年10月.csv"
    october = csv.read_bytes()
    # the same spending a month earlier, on other invoices (a repeated invoice would be a duplicate-invoice)
    september = re.sub(r"(?<=,)(\d)(\d{7,})(?=,)", lambda m: str((int(m.group(1)) + 1) % 10) + m.group(2),
                       october.decode("gb18030").replace("2026/10/", "2026/9/")).encode("gb18030")
    config = load_config(workspace)
    assert run_publish(config, month="2026-10", today=TODAY, villages=["hexi"]).exit_code == 0
    site = workspace / "site"
    assert "2026-09" not in (site / "2026-10/hexi/index.html").read_text(encoding="utf-8")
    csv.unlink()
    (workspace / "ledgers" / "hexi" / "2026年9月.csv").write_bytes(september)
    sep = run_publish(config, month="2026-09", today=TODAY, villages=["hexi"])
    assert sep.exit_code == 0, [(o.outcome, [f.message for f in o.errors]) for o in sep.outcomes]
    # October's page now links back to September, and September's forward to October
    assert "../../2026-09/hexi/index.html" in (site / "2026-10/hexi/index.html").read_text(encoding="utf-8")
    assert "../../2026-10/hexi/index.html" in (site / "2026-09/hexi/index.html").read_text(encoding="utf-8")
    manifest_holds(site / "2026-10")
    root = (site / "index.html").read_bytes()
    assert b"2026-09/index.html" in root and b"2026-10/index.html" in root
    for label in ("2026-09", "2026-10"):  # every zip holds the current root index and the month as it is now
        with zipfile.ZipFile(site / f"villagefin-{label}.zip") as zf:
            assert zf.read("index.html") == root, label
            assert zf.read(f"{label}/hexi/index.html") == (site / label / "hexi/index.html").read_bytes()
    assert revisions(workspace) == [("2026-09", "hexi", 1), ("2026-10", "hexi", 1)]


# ---- 16. an unchanged re-publish checks the files -------------------------------------------------------------
def test_an_unchanged_republish_restores_a_missing_or_changed_file_from_the_archive(workspace):
    assert cli(*OCTOBER, "--village", "hexi", "--village", "xinjie", cwd=workspace).returncode == 0
    month = workspace / "site" / "2026-10"
    pdf = (month / "hexi/noticeboard.pdf").read_bytes()
    csv = (month / "xinjie/expenses.csv").read_bytes()
    summary = (month / "summary.pdf").read_bytes()
    (month / "hexi/noticeboard.pdf").unlink()
    (month / "xinjie/expenses.csv").write_bytes(csv.replace(b"1", b"7"))
    (month / "summary.pdf").unlink()
    proc = cli(*OCTOBER, "--village", "hexi", "--village", "xinjie", cwd=workspace)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.count("已按存档重写输出") == 2
    assert (month / "hexi/noticeboard.pdf").stat().st_size > len(pdf) // 2
    assert (month / "xinjie/expenses.csv").read_bytes() == csv
    assert (month / "summary.pdf").is_file() and len(summary) > 0
    manifest_holds(month)
    assert revisions(workspace) == [("2026-10", "hexi", 1), ("2026-10", "xinjie", 1)]
    again = cli(*OCTOBER, "--village", "hexi", "--village", "xinjie", cwd=workspace)
    assert "数据未变，未重写" in again.stdout and "重写输出" not in again.stdout


# ---- SPEC 16: settings changes reach published months ---------------------------------------------------------
def test_a_settings_change_rewrites_the_month_from_the_archive_without_a_revision(workspace):
    assert cli(*OCTOBER, "--village", "hexi", cwd=workspace).returncode == 0
    toml = workspace / "villagefin.toml"
    toml.write_text(toml.read_text(encoding="utf-8").replace("0550-7000000", "0550-7123456"), encoding="utf-8")
    proc = cli(*OCTOBER, "--village", "hexi", cwd=workspace)
    assert proc.returncode == 0 and "数据未变，已按新设置重新生成" in proc.stdout, proc.stdout + proc.stderr
    page = (workspace / "site/2026-10/hexi/index.html").read_text(encoding="utf-8")
    assert "0550-7123456" in page and "0550-7000000" not in page
    with zipfile.ZipFile(workspace / "site/villagefin-2026-10.zip") as zf:
        assert "0550-7123456" in zf.read("2026-10/index.html").decode("utf-8")
    # the same through --correct, and with a workspace template: no revision either
    (workspace / "templates").mkdir()
    (workspace / "templates" / "village.html").write_text(
        '{% extends "default:village.html" %}{% block title %}新街镇公开栏 {{ super() }}{% endblock %}',
        encoding="utf-8")
    proc = cli(*OCTOBER, "--village", "hexi", "--correct", "改了模板", cwd=workspace)
    assert proc.returncode == 0 and "数据未变，已按新设置重新生成" in proc.stdout, proc.stdout + proc.stderr
    assert "新街镇公开栏" in (workspace / "site/2026-10/hexi/index.html").read_text(encoding="utf-8")
    assert revisions(workspace) == [("2026-10", "hexi", 1)]
    manifest_holds(workspace / "site/2026-10")
    assert "数据未变，未重写" in cli(*OCTOBER, "--village", "hexi", cwd=workspace).stdout


# ---- SPEC 16: placeholders never go public --------------------------------------------------------------------
@pytest.mark.parametrize(("old", "new", "key"), [
    ('name = "新街镇"', 'name = "某某镇"', "township.name"),
    ('name = "新街镇"', 'name = " "', "township.name"),
    ('supervision_phone = "0550-7000000"', 'supervision_phone = ""', "township.supervision_phone"),
    ('portal_url = "https://cwgk.xinjiezhen.gov.cn"', 'portal_url = "https://example.org/cwgk"', "township.portal_url"),
    ('portal_url = "https://cwgk.xinjiezhen.gov.cn"', 'portal_url = "http://www.Example.com/"', "township.portal_url"),
])
def test_an_official_publish_refuses_placeholders(workspace, old, new, key):
    toml = workspace / "villagefin.toml"
    text = toml.read_text(encoding="utf-8")
    assert old in text
    toml.write_text(text.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(ConfigError, match=re.escape(key)):
        run_publish(load_config(workspace), month="2026-10", today=TODAY)
    assert not (workspace / "site").exists() and revisions(workspace) == []
    # a preview is a draft: it may show them
    assert run_publish(load_config(workspace), month="2026-10", today=TODAY, preview=True).exit_code == 0


def test_placeholders_through_the_command_line(workspace):
    toml = workspace / "villagefin.toml"
    toml.write_text(toml.read_text(encoding="utf-8").replace("https://cwgk.xinjiezhen.gov.cn",
                                                             "https://example.com/x"), encoding="utf-8")
    line = one_clear_line(cli(*OCTOBER, cwd=workspace))
    assert "township.portal_url" in line and "example.com" in line


@pytest.mark.parametrize(("folder", "name"), [("新街镇", "新街镇"), ("桥头乡", "桥头乡"), ("城关街道", "城关街道"),
                                              ("新街镇2026", "某某镇"), ("ws", "某某镇")])
def test_init_takes_the_township_from_the_folder(tmp_path, folder, name):
    proc = cli("init", str(tmp_path / folder), cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert load_config(tmp_path / folder).township.name == name
    explicit = cli("init", str(tmp_path / "x" / folder), "--township", "别的镇", cwd=tmp_path)
    assert explicit.returncode == 0 and load_config(tmp_path / "x" / folder).township.name == "别的镇"
