"""`run_check()`: find each village's ledgers, read and normalise them (in worker processes), apply the
rules, and return one sorted `CheckReport` (SPEC 4, 4.1). It never raises for bad input."""

from __future__ import annotations

import datetime as dt
import os
import pickle
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from decimal import Decimal
from typing import NamedTuple, TypeVar

from . import findings as F
from . import model as M
from . import rules as R
from .chart import load_chart
from .config import Config
from .ingest.normalise import SheetResult, normalise_sheet
from .ingest.read import ReadError, read_workbook
from .ledgers import Source, names_other_month, parse_month, resolve_sources
from .model import (
    DEFAULT_OPTIONS,
    CheckedVillage,
    CheckReport,
    Expense,
    Finding,
    Period,
    RunOptions,
    SheetRead,
)
from .receipts import receipt_findings
from .rules import RuleContext, duplicate_invoice, invoice_key, village_rules


@dataclass
class FileResult:
    sheets: list[SheetRead] = field(default_factory=list)
    expenses: list[Expense] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    vouchers: list[tuple[str, str, str | None, int]] = field(default_factory=list)
    codes: list[str] = field(default_factory=list)
    name: str = ""  # the file's name without extension, for telling another month's file
    #: income, other flows and transfers; balances; cash-journal rows below zero (SPEC 12)
    lines: list = field(default_factory=list)
    balances: list = field(default_factory=list)
    negative_rows: list[tuple] = field(default_factory=list)
    #: debits and credits on 101 and 102 from journals and 科目余额表 (账表相符, SPEC 12.2)
    movements: list = field(default_factory=list)


def _chart_loader(config: Config) -> Callable[[Iterable[str]], object]:
    def chart_for(codes: Iterable[str]):
        return load_chart(config.chart, codes)

    return chart_for


def check_source(src: Source, period: Period | None, config: Config, debug: bool = False) -> FileResult:
    """Read and normalise one ledger. Bad input becomes findings; nothing is raised."""
    result = FileResult(name=src.path.stem)
    try:
        book = read_workbook(src.path, only_sheet=src.sheet)
    except ReadError as exc:
        result.findings.append(F.make("unreadable-file", village=src.village, file=src.display,
                                      reason=getattr(exc, "reason", str(exc))))
        return result
    chart_for = _chart_loader(config)
    sheets: list[tuple[object, SheetResult]] = []
    # a configured workbook's sheet named for another month (「9月」 in a book of one sheet per month) is passed
    # over when it holds nothing of the month, even when no other sheet does (SPEC 16); in a FILE given, only
    # when another sheet holds the month
    strict = period is not None and not src.given and src.sheet is None
    passed_over = False
    for raw in book.sheets:
        try:
            res = normalise_sheet(raw, village=src.village, file=src.display, period=period, chart_for=chart_for,
                                  sheet=None if book.kind == "csv" else raw.name)
        except Exception as exc:  # a defect of ours must not hide the other files' findings
            if debug:
                raise
            result.findings.append(F.make(
                "unreadable-file", village=src.village, file=src.display,
                reason=f"工作表「{raw.name}」无法解析（程序内部错误 {type(exc).__name__}，请加 --debug 运行并报告）"))
            continue
        sheets.append((raw, res))
    any_header = any(res.has_header for _, res in sheets)
    month_sheet = period is not None and any(res.in_period for _, res in sheets)
    for raw, res in sheets:
        if not res.has_data:
            continue
        if strict and not res.in_period and names_other_month(raw.name, period):
            passed_over = True
            continue
        if not res.has_header and any_header:
            continue  # a notes or cover sheet beside the ledger
        if month_sheet and res.expenses and not res.in_period and names_other_month(raw.name, period):
            continue  # the "9月" sheet of a workbook kept one sheet per month
        if raw.hidden:
            result.findings.append(F.make("hidden-content", village=src.village, file=src.display,
                                          sheet=raw.name, what=f"工作表「{raw.name}」"))
        if res.read is not None:
            result.sheets.append(res.read)
        result.expenses.extend(res.expenses)
        result.findings.extend(res.findings)
        result.vouchers.extend(res.vouchers)
        result.lines.extend(res.lines)
        result.balances.extend(res.balances)
        result.movements.extend(res.movements)
        result.negative_rows.extend((src.display, res.read.sheet if res.read else raw.name, row, amount)
                                    for row, amount in res.negative_cash)
    if not any(res.has_data for _, res in sheets) and not passed_over:
        first = book.sheets[0].name if book.sheets and book.kind != "csv" else None
        result.findings.append(F.make("no-header", village=src.village, file=src.display, sheet=first,
                                      detail="文件中没有任何数据"))
    return result


def _crash(src: Source) -> FileResult:
    return FileResult(findings=[F.make(
        "unreadable-file", village=src.village, file=src.display,
        reason="读取时读取程序异常退出，文件可能已损坏或结构异常")])


class InvoiceLine(NamedTuple):
    """One expense with an invoice number, as a worker sends it back for duplicate-invoice across villages."""

    invoice: str
    voucher: str
    amount: Decimal
    file: str
    sheet: str | None
    row: int
    column: str | None  # the invoice column's letter
    code: str  # 发票代码
    payee: str


class VillageInvoices:
    """A village's invoice lines as a worker sends them back: the invoice keys (`invoice_key`) as they are,
    the lines packed, and unpacked in the parent only for a village whose key repeats (duplicate-invoice):
    most of a county's 90,000 invoice lines never need to be rebuilt there."""

    __slots__ = ("keys", "_rows", "_packed")

    def __init__(self, rows: Iterable[tuple], keys: Sequence[str] | None = None, packed: bytes | None = None):
        self._rows = None if packed is not None else list(rows)
        self._packed = packed
        self.keys = list(keys) if keys is not None else [invoice_key(row[0]) for row in self._rows]

    def __reduce__(self):
        if self._packed is None:
            self._packed = pickle.dumps(self._rows, pickle.HIGHEST_PROTOCOL)
        return (VillageInvoices, ((), self.keys, self._packed))

    def __iter__(self):
        if self._rows is None:
            self._rows = pickle.loads(self._packed)
        return map(InvoiceLine._make, self._rows)

    def __len__(self) -> int:
        return len(self.keys)


@dataclass
class VillageResult:
    """What one village's ledgers gave, after the rules that look at one village at a time."""

    village: str
    sheets: list[SheetRead]
    findings: list[Finding]
    count: int
    total: Decimal
    #: every expense with an invoice number, for duplicate-invoice across villages (decided in the parent, over
    #: the whole township)
    invoices: VillageInvoices
    expenses: list[Expense] | None = None  # only when the caller keeps them
    output: object = None  # what the run's `on_village` callback returned for the village
    months: frozenset[tuple[int, int]] = frozenset()  # (year, month) of its dates, when there is no workspace
    #: income, other flows and transfers (only when the caller keeps them), balances, and the figures
    #: `check --format json` gives for a 收支 village (SPEC 12.3)
    lines: list | None = None
    balances: list = field(default_factory=list)
    money: dict | None = None


#: called in the worker with each village's records after its rules; its (picklable) return goes into
#: `CheckReport.outputs` (publish: the village's public expenses.json, so that the heavy work stays parallel)
OnVillage = Callable[[CheckedVillage], object]


def check_village(village: str, sources: Sequence[Source], period: Period | None, config: Config,
                  keep: bool, on_village: OnVillage | None = None, debug: bool = False,
                  previous: Mapping[str, Decimal] | None = None) -> VillageResult:
    """Read every ledger of one village and apply the one-village rules (runs in a worker process)."""
    files = [check_source(s, period, config, debug) for s in sources]
    return finish_village(village, _this_month(files, period), period, config, keep, on_village, previous)


def _this_month(files: list[FileResult], period: Period | None) -> list[FileResult]:
    """A village folder that keeps a file per month ("2026-09.xlsx", "9月.xlsx" beside "2026-10.xlsx"): the
    files named for another month are passed over when they hold no expense of the period and another file
    does. Any other file is read in full, dates outside the period reported."""
    if period is None or not any(period.contains(e.date) for f in files for e in f.expenses):
        return files
    return [f for f in files if not (f.expenses and f.name and names_other_month(f.name, period)
                                     and not any(period.contains(e.date) for e in f.expenses))]


_WORKER: tuple = ()


def _set_worker_context(period: Period | None, config: Config, keep: bool, on_village: OnVillage | None,
                        debug: bool) -> None:
    """Runs once in each worker process: what every job of the run shares travels once, not with each job."""
    global _WORKER
    _WORKER = (period, config, keep, on_village, debug)


def _check_village_in_worker(village: str, sources: Sequence[Source],
                             previous: Mapping[str, Decimal] | None = None) -> VillageResult:
    period, config, keep, on_village, debug = _WORKER
    return check_village(village, sources, period, config, keep, on_village, debug, previous)


def finish_village(village: str, files: Sequence[FileResult], period: Period | None, config: Config,
                   keep: bool, on_village: OnVillage | None = None,
                   previous: Mapping[str, Decimal] | None = None) -> VillageResult:
    expenses = [e for f in files for e in f.expenses]
    vouchers = tuple(v for f in files for v in f.vouchers)
    if any(s.layout == M.JOURNAL for f in files for s in f.sheets):
        # where a village has a 序时账, its 日记账 give balances only (SPEC 12.2): nothing counted twice, and
        # duplicate-voucher does not fire between them
        daybooks = {(s.path, s.sheet) for f in files for s in f.sheets if s.layout == M.CASH_JOURNAL}
        expenses = [e for e in expenses if (e.file, e.sheet) not in daybooks]
        vouchers = tuple(v for v in vouchers if (v[1], v[2]) not in daybooks)
    else:
        # a voucher that moves money between the cash and bank journals is in both: not duplicate-voucher
        moved = {ln.voucher for f in files for ln in f.lines if ln.kind == M.TRANSFER and ln.layout == M.CASH_JOURNAL}
        daybooks = {(s.path, s.sheet) for f in files for s in f.sheets if s.layout == M.CASH_JOURNAL}
        if moved:
            home: dict[str, tuple] = {}  # each such voucher stays in the first journal that shows it
            for v in vouchers:
                if v[0] in moved and (v[1], v[2]) in daybooks:
                    home.setdefault(v[0], (v[1], v[2]))
            vouchers = tuple(v for v in vouchers if v[0] not in home or (v[1], v[2]) == home[v[0]]
                             or (v[1], v[2]) not in daybooks)
    findings = [x for f in files for x in f.findings]
    context = RuleContext(period=_label(period), chart=load_chart(config.chart, [e.account_code for e in expenses
                                                                                 if e.account_code]),
                          journal_vouchers={village: vouchers} if vouchers else {})
    for rule in village_rules():
        findings.extend(rule(expenses, config, context))
    lines, balances = village_flows(files)
    money = R.VillageMoney(village=village, lines=lines, expenses=expenses, balances=balances,
                         negative_rows=[n for f in files for n in f.negative_rows],
                         previous_closing=previous or {},
                         movements=[m for f in files for m in f.movements])
    findings.extend(R.apply_money_rules(money, config))
    findings.extend(R.line_rules(lines, config, context))
    conf = config.village(village)
    if conf is not None and conf.receipts:
        findings.extend(receipt_findings(config, expenses, [village], period))
    letters: dict[int, str | None] = {}  # one invoice column per sheet: its expenses share their columns
    rows = [(e.invoice, e.voucher, e.amount, e.file, e.sheet, e.row,
             letters[id(e.columns)] if id(e.columns) in letters
             else letters.setdefault(id(e.columns), e.column_of("invoice")), e.invoice_code, e.payee)
            for e in expenses if e.invoice]
    # other payments are checked as expenses, duplicate-invoice included (SPEC 12.3); receipts are not. Paying
    # a payable whose expense was accrued (挂账) under the same invoice is that expense's payment, not a second use.
    accrued = {invoice_key(e.invoice) for e in expenses if e.invoice and e.method == M.ACCRUED_METHOD}
    rows += [(ln.invoice, ln.voucher, ln.amount, ln.file, ln.sheet, ln.row, ln.column_of("invoice"), "", ln.payer)
             for ln in lines if ln.kind == M.OTHER_OUT and ln.column and ln.invoice
             and invoice_key(ln.invoice) not in accrued]
    invoices = VillageInvoices(rows)
    return VillageResult(village=village, sheets=[s for f in files for s in f.sheets], findings=findings,
                         count=len(expenses), total=sum((e.amount for e in expenses), Decimal("0.00")),
                         invoices=invoices, expenses=expenses if keep else None,
                         # for the --month hint of a check without a workspace (run_check)
                         months=frozenset((d.year, d.month) for d in {e.date for e in expenses})
                         if config.root is None else frozenset(),
                         output=on_village(CheckedVillage(
                             village=village, name=conf.name if conf else village, expenses=tuple(expenses),
                             lines=tuple(lines), balances=tuple(balances), chart=context.chart))
                         if on_village is not None else None,
                         lines=lines if keep else None, balances=balances,
                         money=money_summary(lines, money.funds) if lines or balances else None)


def village_flows(files: Sequence[FileResult]) -> tuple[list, list]:
    """A village's money lines and balances from all its files (SPEC 12.2): where it has a 序时账, its 日记账
    give balances only; a transfer in both its cash and bank journals (same voucher, same amount) is one."""
    lines = [ln for f in files for ln in f.lines]
    has_journal = any(s.layout == M.JOURNAL for f in files for s in f.sheets)
    if has_journal:
        lines = [ln for ln in lines if ln.layout != M.CASH_JOURNAL]
    else:
        seen: set[tuple] = set()
        kept = []
        for ln in lines:
            if ln.kind == M.TRANSFER and ln.voucher:
                key = (ln.voucher, ln.amount, ln.column, ln.source)
                if key in seen:
                    continue
                seen.add(key)
            kept.append(ln)
        lines = kept
    return lines, [b for f in files for b in f.balances]


def money_summary(lines: Sequence, funds) -> dict:
    """The figures `check --format json` adds for a 收支 village: income, income_total, flows, balances
    (`funds`: the village's money table, public.Funds, as the money rules worked it out)."""
    income = [ln for ln in lines if ln.kind == M.INCOME]
    return {"income": len(income), "income_total": sum((ln.amount for ln in income), Decimal("0.00")),
            "flows": sum(1 for ln in lines if ln.kind != M.INCOME), "balances": funds.as_record()}


def _label(period: Period | None) -> str:
    return "any" if period is None else period.key


def _run_jobs(groups: dict[str, list[Source]], period: Period | None, config: Config, keep: bool,
              progress: Callable[[int, int], None] | None, on_village: OnVillage | None = None,
              options: RunOptions = DEFAULT_OPTIONS,
              previous: Mapping[str, Mapping[str, Decimal]] | None = None) -> list[VillageResult]:
    """One job per village in worker processes: both cores are used, and a reader that aborts the process
    (SPEC 11) kills only its worker; its village is then read file by file, each in a fresh process."""
    names = list(groups)
    results: dict[str, VillageResult] = {}
    total = len(names)

    def tick() -> None:
        if progress:
            progress(len(results), total)

    if options.inline or not names:
        for v in names:
            results[v] = check_village(v, groups[v], period, config, keep, on_village, options.debug,
                                       (previous or {}).get(v))
            tick()
        return [results[v] for v in names]
    workers = min(len(names), max(1, os.cpu_count() or 1))
    try:
        # the config goes to each worker once, not with each of a county's 300 jobs
        with ProcessPoolExecutor(max_workers=workers, initializer=_set_worker_context,
                                 initargs=(period, config, keep, on_village, options.debug)) as pool:
            futures = {pool.submit(_check_village_in_worker, v, groups[v], (previous or {}).get(v)): v
                       for v in names}
            for fut in as_completed(futures):
                try:
                    results[futures[fut]] = fut.result()
                except BrokenProcessPool:
                    continue
                tick()
    except BrokenProcessPool:
        pass
    for v in names:
        if v in results:
            continue
        files = []
        for src in groups[v]:
            try:
                with ProcessPoolExecutor(max_workers=1) as pool:
                    files.append(pool.submit(check_source, src, period, config, options.debug).result())
            except BrokenProcessPool:
                files.append(_crash(src))
        results[v] = finish_village(v, _this_month(files, period), period, config, keep, on_village,
                                    (previous or {}).get(v))
        tick()
    return [results[v] for v in names]


_T = TypeVar("_T")
_R = TypeVar("_R")


def run_isolated(fn: Callable[[_T], _R], items: Sequence[_T], *,
                 initializer: Callable[[], None] | None = None) -> list[_R | None]:
    """fn(item) for every item in worker processes, in order. A process that dies (a reader aborting on a
    hostile file, SPEC 11, 18) costs only its own item: the items it took down with it are run again, each
    alone in a fresh process, and an item that kills that one too gives None. `fn` must be a module-level
    function; it should turn its own exceptions into results."""
    results: dict[int, _R] = {}
    if os.environ.get("VILLAGEFIN_INLINE") == "1" or not items:
        return [fn(item) for item in items]
    try:
        with ProcessPoolExecutor(max_workers=min(len(items), max(1, os.cpu_count() or 1)),
                                 initializer=initializer) as pool:
            futures = {pool.submit(fn, item): i for i, item in enumerate(items)}
            for fut in as_completed(futures):
                try:
                    results[futures[fut]] = fut.result()
                except BrokenProcessPool:
                    continue
    except BrokenProcessPool:
        pass
    out: list[_R | None] = []
    for i, item in enumerate(items):
        if i not in results:
            try:
                with ProcessPoolExecutor(max_workers=1, initializer=initializer) as pool:
                    results[i] = pool.submit(fn, item).result()
            except BrokenProcessPool:
                out.append(None)
                continue
        out.append(results[i])
    return out


def run_check(
    paths: Sequence[str] | None,
    config: Config,
    *,
    month: str | None = None,
    villages: Sequence[str] = (),
    published_invoices: Mapping[str, tuple] | None = None,
    progress: Callable[[int, int], None] | None = None,
    today: dt.date | None = None,
    keep_expenses: bool = True,
    on_village: OnVillage | None = None,
    options: RunOptions = DEFAULT_OPTIONS,
    previous_closing: Mapping[str, Mapping[str, Decimal]] | None = None,
) -> CheckReport:
    """Check the given FILEs (or every configured ledger) for `month` ("YYYY-MM", "any", None = previous).

    `keep_expenses=False` leaves the expense records in the workers (the report then carries only counts and
    totals): what `check` needs, and much faster on a county. `on_village` is called in the worker with each
    village's records after its rules (see `OnVillage`). `previous_closing` gives each village's closing
    balances published for the month before (SPEC 12.3: its opening must equal them)."""
    period = parse_month(month, today)
    sources = resolve_sources(config, paths, villages, period)
    groups: dict[str, list[Source]] = {}
    for src in sources:
        groups.setdefault(src.village, []).append(src)
    if villages and not paths and config.root is not None:
        # duplicate-invoice looks across the township: the other villages are read too, but not reported
        for src in resolve_sources(config, None, period=period):
            if src.village not in villages:
                groups.setdefault(src.village, []).append(src)
    everything = _run_jobs(groups, period, config, keep_expenses, progress, on_village, options, previous_closing)
    results = [r for r in everything if not villages or paths or r.village in villages]
    names: dict[str, str] = {}
    if paths:
        for src in sources:
            v = config.village(src.village)
            names.setdefault(src.village, v.name if v else src.village)
    else:
        for v in config.villages:
            if not villages or v.id in villages:
                names[v.id] = v.name
    files = [s for r in results for s in r.sheets]
    found = [f for r in results for f in r.findings]
    found.extend(f for f in _duplicate_invoices(everything, config, period, published_invoices or {})
                 if not villages or paths or f.village in villages)
    expenses: list[Expense] = [e for r in results for e in (r.expenses or ())]
    notes: list[str] = []
    months = frozenset().union(*(r.months for r in results))
    if paths and config.root is None and month is None and period is not None and len(months) == 1:
        (y, m), = months
        if (y, m) != (period.year, period.month):
            # a first check of last month's file, a month later: forty date-outside-period errors say less
            notes.append(f"账表日期都在{y}年{m}月，是否要加 --month {y:04d}-{m:02d}？")
    return CheckReport(
        period=_label(period),
        files=tuple(files),
        expenses=tuple(expenses),
        findings=F.sorted_findings(found, [(s.path, s.sheet) for s in files]),
        village_names=names,
        village_counts={r.village: (r.count, r.total) for r in results},
        money={r.village: r.money for r in results if r.money is not None},
        lines=tuple(ln for r in results for ln in (r.lines or ())),
        outputs={r.village: r.output for r in results if r.output is not None},
        notes=tuple(notes),
    )


_NO_DATE = dt.date(1, 1, 1)


def _duplicate_invoices(results: Sequence[VillageResult], config: Config, period: Period | None,
                        published: Mapping[str, tuple]) -> list[Finding]:
    """duplicate-invoice over the whole township, on the few expenses whose invoice number repeats."""
    seen: dict[str, int] = {}
    for r in results:
        for k in r.invoices.keys:
            if k:
                seen[k] = seen.get(k, 0) + 1
    wanted = {k for k, n in seen.items() if n > 1 or k in published}
    if not wanted:
        return []
    subset = []
    for r in results:
        if wanted.isdisjoint(r.invoices.keys):
            continue
        for inv, k in zip(r.invoices, r.invoices.keys, strict=True):
            if k in wanted:
                subset.append(Expense(village=r.village, file=inv.file, sheet=inv.sheet, row=inv.row, date=_NO_DATE,
                                      voucher=inv.voucher, summary="", amount=inv.amount, invoice=inv.invoice,
                                      columns=(("invoice", inv.column),) if inv.column else (),
                                      invoice_code=inv.code, payee=inv.payee))
    context = RuleContext(period=_label(period), chart=load_chart(config.chart), published_invoices=published)
    return list(duplicate_invoice(subset, config, context))
