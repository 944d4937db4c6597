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

SUMMARIES = ["购买村部办公用打印纸和墨盒", "支付村部10月电费", "村道坑洼修补材料款", "支付保洁员10月工资",
             "村民代表会议误工补贴", "购买防汛沙袋和雨衣", "支付村部网络宽带费", "更换太阳能路灯电池",
             "环境整治垃圾清运费", "订阅2027年度党报党刊", "河道巡查误工补贴", "绿化带补植苗木款"]
CATEGORIES = ["管理费用/办公费", "管理费用/水电费", "公益支出/道路维修", "公益支出/保洁费", "管理费用/误工补贴",
              "公益支出/防汛", "其他支出"]
PAYEES = ["天长市供电公司", "天长市文具店", "中国电信天长分公司", "天长市绿源苗木场", "王五建材商店", "新街镇自来水厂",
          "天长市福满楼餐饮店", "天长市路桥工程有限公司", "天长市华联超市", "天长市光明电器维修部"] + [
          f"{s}{g}" for s in "张王李赵刘陈杨黄周吴" for g in ("明华", "秀英", "建国", "桂兰", "志强")]
HEADER = ["日期", "凭证号", "摘要", "科目", "收款方", "金额（元）", "支付方式", "经手人", "审核人", "审批人",
          "发票号码", "附件张数", "备注"]


INCOME_HEADER = ["日期", "凭证号", "摘要", "类别", "付款方", "收入金额", "结算方式", "经手人", "审核人", "审批人",
                 "附件张数"]
#: (summary, category, payer): income accounts and, now and then, other money in (专项应付款, 应付款)
INCOME_KINDS = [("收到镇财政所拨付村级组织运转经费", "补助收入", "新街镇财政所"),
                ("收到集体厂房季度租金", "发包及上交收入", "天长市华联超市"),
                ("收到鱼塘承包费", "发包及上交收入", "张明华"),
                ("收到村部场地租用费", "其他收入", "天长市福满楼餐饮店"),
                ("收到农村道路专项资金", "专项应付款", "天长市交通运输局"),
                ("收到工程履约保证金", "应付款", "天长市路桥工程有限公司")]


def write_ledger(path: Path, index: int, rows: int) -> None:
    """A clean village month as a village would fill it: title, header, expenses, total, footer; then (SPEC 9a)
    an income list with a fifth of the month's lines (income and other money in) and a 资金余额 sheet whose
    balances add up to the fen. Invoice numbers are unique across the county and cash is used for small sums,
    so the county publishes whole."""
    import datetime as dt
    import random

    import openpyxl

    rnd = random.Random(index)
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "10月支出"
    ws.append([f"第{index}村2026年10月支出明细"])
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(HEADER))
    ws.append(HEADER)
    total = 0
    spent = {"现金": 0, "转账": 0}
    for i in range(rows):
        # amounts as villages spend: mostly tens to a few thousand yuan, now and then a project payment
        cash = rnd.random() < 0.2
        cents = int(10 ** rnd.uniform(3.3, 5.0)) if cash else int(10 ** rnd.uniform(4.0, 6.6))
        total += cents
        spent["现金" if cash else "转账"] += cents
        ws.append([dt.date(2026, 10, 1 + i * 30 // rows), f"记-{i + 1:03d}", rnd.choice(SUMMARIES),
                   rnd.choice(CATEGORIES), rnd.choice(PAYEES), cents / 100, "现金" if cash else "转账", "张会计",
                   "李理财", "王书记", f"3411{index:04d}{i:06d}", rnd.randint(1, 5), ""])
    ws.append(["本月合计", "", "", "", "", total / 100])
    ws.append(["制表人：张会计", "", "审核：李理财"])
    # a fifth of all lines: income and other money in
    received = {"现金": 0, "转账": 0}
    income = wb.create_sheet("10月收入")
    income.append([f"第{index}村2026年10月收入明细"])
    income.append(INCOME_HEADER)
    incoming = max(1, rows // 4)
    in_total = 0
    for i in range(incoming):
        summary, category, payer = INCOME_KINDS[rnd.randrange(len(INCOME_KINDS))]
        cash = rnd.random() < 0.1
        cents = int(10 ** rnd.uniform(3.5, 4.5)) if cash else int(10 ** rnd.uniform(5.0, 6.5))
        in_total += cents
        received["现金" if cash else "转账"] += cents
        income.append([dt.date(2026, 10, 1 + i * 30 // incoming), f"收-{i + 1:03d}", summary, category, payer,
                       cents / 100, "现金" if cash else "转账", "张会计", "李理财", "王书记", rnd.randint(1, 3)])
    income.append(["本月合计", "", "", "", "", in_total / 100])
    # balances that add up: opening + money in − money out = closing, per column
    cash_open = max(0, spent["现金"] - received["现金"]) + 300000
    bank_open = spent["转账"] + 10000000
    funds = wb.create_sheet("资金余额")
    funds.append(["项目", "上月结余", "本月结余"])
    funds.append(["库存现金", cash_open / 100, (cash_open + received["现金"] - spent["现金"]) / 100])
    funds.append(["银行存款", bank_open / 100, (bank_open + received["转账"] - spent["转账"]) / 100])
    wb.save(path)


def ensure_files(folder: Path, files: int, rows: int) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = [folder / f"村{i:03d}.xlsx" for i in range(files)]
    missing = [i for i, p in enumerate(paths) if not p.exists()]
    if missing:
        print(f"writing {len(missing)} ledgers into {folder} ...", flush=True)
    for i in missing:
        write_ledger(paths[i], i, rows)
    return paths

VILLAGEFIN = [sys.executable, str(Path(__file__).resolve().parent.parent / "cli.py")]


def make_workspace(villages: int, rows: int) -> Path:
    """A workspace of `villages` ledgers × `rows` expenses for 2026-10 (cached in the temp folder)."""
    root = Path(tempfile.gettempdir()) / "villagefin-bench" / f"county-ws-{villages}x{rows}-money"
    ledgers = ensure_files(Path(tempfile.gettempdir()) / "villagefin-bench" / f"county-{villages}x{rows}-money",
                           villages, rows)
    (root / "ledgers").mkdir(parents=True, exist_ok=True)
    lines = ['[township]\nname = "测试镇"\ncounty = "测试县"\nsupervision_phone = "0550-7000000"\n'
             'portal_url = "https://cwgk.ceshizhen.gov.cn"\n',
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
    """Memory (bytes, PSS) of a process and all its descendants, from /proc (Linux)."""
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
        try:  # proportional set size: pages shared after fork() are counted once, not once per worker
            with open(f"/proc/{p}/smaps_rollup") as f:
                for line in f:
                    if line.startswith("Pss:"):
                        total += int(line.split()[1]) * 1024
                        break
        except OSError:
            pass
    return total


def run_sampled(cmd: list[str], cwd: Path | None = None) -> tuple[int, float, int, bytes, bytes]:
    """Run `cmd` as an installed package runs (with its bytecode cached: this workplace sets
    PYTHONDONTWRITEBYTECODE), sampling its process tree's memory every 20 ms:
    (exit code, wall seconds, peak tree bytes, stdout, stderr)."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    peak = 0
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not done.is_set():
            peak = max(peak, _tree_rss(proc.pid))
            time.sleep(0.02)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    out, err = proc.communicate()
    wall = time.perf_counter() - start
    done.set()
    sampler.join()
    return proc.returncode, wall, peak, out, err


def measure(cmd: list[str], cwd: Path | None = None) -> dict:
    """Run `cmd`; wall seconds, CPU seconds of the whole tree, peak tree RSS in MB, exit code."""
    before = os.times()
    rc, wall, peak, _out, err = run_sampled(cmd, cwd)
    after = os.times()
    cpu = (after.children_user - before.children_user) + (after.children_system - before.children_system)
    return {"wall": wall, "cpu": cpu, "peak_mb": peak / 1e6, "rc": rc, "stderr": err.decode()[-2000:]}


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
