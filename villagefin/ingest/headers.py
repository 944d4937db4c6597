"""Find the header of a sheet and decide its layout (SPEC 3.2, 3.3).

A header is the first row (or pair of rows, for a two-row header) in which date, voucher, summary and amount
columns can all be named from their aliases. Matching ignores spaces, line breaks, full/half-width forms and
unit suffixes such as （元）.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from ..model import EXPENSE_LIST, JOURNAL

# field → aliases, in order of preference (SPEC 3.2)
ALIASES: dict[str, tuple[str, ...]] = {
    # FDATE, FNUM, FEXP …: 金蝶 KIS's voucher table (a .dbf) as Excel shows it once opened and saved (SPEC 16)
    "date": ("日期", "记账日期", "凭证日期", "支付日期", "发生日期", "报销日期", "FDATE"),
    "voucher": ("凭证号", "凭证字号", "凭证编号", "记账凭证号", "凭证", "凭证号数"),
    "summary": ("摘要", "事由", "用途", "支出事项", "内容", "支出内容", "FEXP"),
    "amount": ("金额", "支出金额", "报销金额", "借方金额", "发生额", "FAMOUNT"),
    "category": ("科目", "科目名称", "会计科目", "支出类别", "费用类别", "类别", "对方科目"),
    "payee": ("收款方", "收款单位", "收款人", "领款人", "对方单位", "收款单位（人）", "收款单位(人)"),
    "handler": ("经手人", "经办人", "报账人", "制单人", "制单", "FPREPARE"),
    "reviewer": ("审核人", "民主理财小组", "理财小组审核", "监委会审核", "FCHECKER"),
    "approver": ("审批人", "批准人", "村负责人"),
    "invoice": ("发票号码", "发票号", "票据号码", "票据号"),
    "invoice_code": ("发票代码", "票据代码"),
    "attachments": ("附件张数", "附件数", "附件", "单据张数", "原始凭证张数", "FATTACHMENTS"),
    "method": ("支付方式", "结算方式", "付款方式"),
    "remarks": ("备注", "说明"),
    # parts and layout markers
    "year": ("年",),
    "month": ("月",),
    "day": ("日",),
    "voucher_word": ("凭证字", "FGROUP", "FGROUPID"),
    "voucher_no": ("凭证号", "号", "FNUM"),
    "account_code": ("科目编码", "科目代码", "科目编号", "FACCTID"),
    "account_name": ("科目名称",),
    "debit": ("借方", "借方金额", "借方发生额", "FDEBIT"),
    "credit": ("贷方", "贷方金额", "贷方发生额", "FCREDIT"),
    "direction": ("方向", "借贷方向", "借或贷", "FDC"),
    "income": ("收入", "收入金额", "收入(借方)"),
    "outgoing": ("支出", "支出(贷方)"),
    "balance": ("余额", "结余", "借方余额"),
}

_UNIT = re.compile(r"(?:[(（\[【]?(?:单位[:：]?)?(?:人民币)?元[)）\]】]?|/元)$")
_SPACE = re.compile(r"\s+")


def norm_label(text: object) -> str:
    """Normalise a header cell: NFKC (full → half width), no spaces or line breaks, no unit suffix."""
    if text is None:
        return ""
    if type(text) is str:
        return _norm_text_label(text)  # the same labels and titles come back in every ledger of a county
    return _norm_label(str(text))


@lru_cache(maxsize=32768)
def _norm_text_label(text: str) -> str:
    return _norm_label(text)


def _norm_label(text: str) -> str:
    s = unicodedata.normalize("NFKC", text)
    s = _SPACE.sub("", s).strip("*:：").upper()  # FDATE, fdate: Excel keeps a .dbf's field names as typed
    if len(s) > 1:
        s = _UNIT.sub("", s) or s
    return s


_LOOKUP: dict[str, list[str]] = {}
#: (field, normalised alias) → the alias's rank among the field's aliases (the first of equal ones)
_RANK: dict[tuple[str, str], int] = {}
for _field, _names in ALIASES.items():
    for _rank, _name in enumerate(_names):
        _LOOKUP.setdefault(norm_label(_name), []).append(_field)
        _RANK.setdefault((_field, norm_label(_name)), _rank)

_YEAR_LABEL = re.compile(r"(\d{4})年?")


@dataclass
class Header:
    """Where the fields of a sheet are: field → 0-based column index."""

    row: int  # 0-based index of the last header row; data starts after it
    first_row: int  # 0-based index of the first header row
    layout: str
    cols: dict[str, int] = field(default_factory=dict)
    cash_journal: bool = False
    header_year: int | None = None  # "2026年" standing over 月 / 日

    def has(self, name: str) -> bool:
        return name in self.cols


def _text(rows: Sequence[Sequence[object]], r: int, c: int) -> str:
    row = rows[r] if r < len(rows) else ()
    if c < len(row):
        v = row[c]
        if isinstance(v, str):
            return v
        if v is None or v == "":
            return ""
        return str(v)
    return ""


def _assign(labels: Sequence[Sequence[str]]) -> dict[str, int]:
    """labels[c] = candidate labels of column c, best first → field → column (first column wins)."""
    cols: dict[str, int] = {}
    # one pass per alias rank so that "日期" beats "记账日期" wherever they stand
    found: dict[str, tuple[int, int]] = {}
    for c, candidates in enumerate(labels):
        for cand in candidates:
            key = norm_label(cand)
            if not key:
                continue
            fields = _LOOKUP.get(key)
            if not fields:
                continue
            for f in fields:
                rank = _RANK[(f, key)]
                prev = found.get(f)
                if prev is None or rank < prev[0]:
                    found[f] = (rank, c)
            break  # first candidate label that names something decides the column
    for f, (_, c) in found.items():
        cols[f] = c
    return cols


def _complete(cols: dict[str, int]) -> str | None:
    """The layout if `cols` has everything a header needs, else None."""
    has = cols.__contains__
    date_ok = has("date") or (has("month") and has("day"))
    voucher_ok = has("voucher") or has("voucher_no") or has("voucher_word")
    if not (date_ok and voucher_ok and has("summary")):
        return None
    account = has("account_code") or has("account_name")
    pair = has("debit") and has("credit")
    cash = (has("income") and has("outgoing")) or (pair and has("balance") and not has("account_code"))
    if cash:
        return "cash"
    if account and (pair or (has("amount") and has("direction"))):
        return JOURNAL
    if has("amount") or has("debit") or has("outgoing"):
        return EXPENSE_LIST
    return None


def _fix_voucher(cols: dict[str, int]) -> None:
    # 凭证字 + 凭证号 in two columns: "voucher" becomes the number column, the word column is kept apart
    if "voucher_word" in cols and "voucher_no" in cols:
        cols["voucher"] = cols["voucher_no"]
    elif "voucher" not in cols and "voucher_no" in cols:
        cols["voucher"] = cols["voucher_no"]
    elif "voucher" not in cols and "voucher_word" in cols:
        cols["voucher"] = cols.pop("voucher_word")


def _finish(cols: dict[str, int], layout: str, first: int, last: int, year: int | None) -> Header:
    _fix_voucher(cols)
    cash = layout == "cash"
    if cash:
        cols["amount"] = cols["outgoing"] if "outgoing" in cols else cols["credit"]
        layout = EXPENSE_LIST
    elif layout == EXPENSE_LIST and "amount" not in cols:
        cols["amount"] = cols["debit"] if "debit" in cols else cols["outgoing"]
    if layout == JOURNAL and "category" in cols and "account_name" in cols:
        del cols["category"]
    return Header(row=last, first_row=first, layout=layout, cols=cols, cash_journal=cash, header_year=year)


def _row_labels(rows, r: int, width: int, hspans: dict[tuple[int, int], int]) -> list[str]:
    out = []
    for c in range(width):
        t = _text(rows, r, c)
        if not t and (r, c) in hspans:
            t = _text(rows, r, hspans[(r, c)])
        out.append(t)
    return out


def _candidates(
    rows: Sequence[Sequence[object]],
    merged: Sequence[tuple[int, int, int, int]],
    scan: int,
) -> Iterator[tuple[dict[str, int], int, int, int | None]]:
    """Every row (or pair of rows) that might be the header, top down: (field → column, first row, last row,
    the year standing over 月 / 日)."""
    limit = min(len(rows), scan)
    width = max((len(rows[r]) for r in range(limit)), default=0)
    # a merged header cell lends its text to every column it spans (凭证 over 字 / 号)
    hspans: dict[tuple[int, int], int] = {}
    for r0, c0, r1, c1 in merged:
        if r0 >= limit:
            continue
        for r in range(r0, min(r1, limit - 1) + 1):
            for c in range(c0, c1 + 1):
                if (r, c) != (r0, c0):
                    hspans[(r, c)] = c0
    # vertically merged header cells (日期 spanning two header rows) read from their top-left cell
    vtop: dict[tuple[int, int], tuple[int, int]] = {}
    for r0, c0, r1, c1 in merged:
        for r in range(r0 + 1, r1 + 1):
            for c in range(c0, c1 + 1):
                vtop[(r, c)] = (r0, c0)
    for r in range(limit):
        top = _row_labels(rows, r, width, hspans)
        if not any(top):
            continue
        # two-row header: the row below names sub-columns (字 / 号, 月 / 日, 借方 / 贷方)
        # (a title merged across the sheet is one text, not the top of a two-row header)
        distinct = {_text(rows, r, c) for c in range(width)} - {""}
        if r + 1 < len(rows) and len(distinct) >= 2:
            sub = [_text(rows, r + 1, c) for c in range(width)]
            if any(sub) and _looks_like_labels(sub):
                labels = []
                year = None
                for c in range(width):
                    t, s = top[c], sub[c]
                    if (r + 1, c) in vtop:
                        s = ""
                    if s:
                        m = _YEAR_LABEL.fullmatch(norm_label(t))
                        if m and norm_label(s) in ("月", "日"):
                            year = int(m.group(1))
                        labels.append((s, t + s, t))
                    else:
                        labels.append((t,))
                yield _assign(labels), r, r + 1, year
        yield _assign([(t,) for t in top]), r, r, None


def find_header(
    rows: Sequence[Sequence[object]],
    merged: Sequence[tuple[int, int, int, int]] = (),
    scan: int = 40,
) -> Header | None:
    """The header of a sheet, or None (no-header)."""
    for cols, first, last, year in _candidates(rows, merged, scan):
        layout = _complete(cols)
        if layout:
            return _finish(cols, layout, first, last, year)
    return None


#: the required fields (SPEC 3.2) as a no-header finding names them, and what stands for each
REQUIRED_LABELS: tuple[tuple[str, str, tuple[tuple[str, ...], ...]], ...] = (
    ("date", "日期", (("date",), ("month", "day"))),
    ("voucher", "凭证号", (("voucher",), ("voucher_no",), ("voucher_word",))),
    ("summary", "摘要", (("summary",),)),
    ("amount", "金额", (("amount",), ("debit",), ("outgoing",))),
)


def missing_columns(
    rows: Sequence[Sequence[object]],
    merged: Sequence[tuple[int, int, int, int]] = (),
    scan: int = 40,
) -> tuple[int, tuple[str, ...]] | None:
    """For a sheet without a header: the row that looks most like one (at least two of the four required
    columns named) and the required columns it lacks, as (0-based row, Chinese names); None when no row does.
    """
    best: tuple[int, int, tuple[str, ...]] | None = None
    for cols, first, _last, _year in _candidates(rows, merged, scan):
        missing = tuple(label for _f, label, ways in REQUIRED_LABELS
                        if not any(all(w in cols for w in way) for way in ways))
        found = len(REQUIRED_LABELS) - len(missing)
        if found >= 2 and missing and (best is None or found > best[0]):
            best = (found, first, missing)
    return None if best is None else (best[1], best[2])


def _looks_like_labels(cells: Sequence[str]) -> bool:
    """A row of short texts with no numbers or dates: a header's second row, not data."""
    seen = 0
    for t in cells:
        if not t:
            continue
        n = norm_label(t)
        if not n:
            continue
        if len(n) > 8 or any(ch.isdigit() for ch in n):
            return False
        seen += 1
    return seen > 0
