"""The voucher rules (SPEC 4): duplicate-voucher and voucher-gap."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence

from ..config import Config
from ..findings import make
from ..model import CASH_JOURNAL, Expense, Finding
from ..vouchers import format_voucher
from .context import RuleContext, _has_number, _index, _others, _where


def duplicate_voucher(expenses: Sequence[Expense], config: Config, context: RuleContext) -> Iterable[Finding]:
    """One voucher number of one village in two different files or sheets (a revised file beside the old).

    Journals' vouchers count too, expense or not. One finding per row involved.
    """
    index = _index(expenses, context)
    # village → key → the first sheet it was seen in (a sheet id, or (file, sheet) for a journal's voucher)
    home: dict[str, dict[tuple, object]] = {}
    clashes: dict[tuple, set[tuple]] = {}

    def where(place: object) -> tuple:
        return index.sheets[place][1:] if isinstance(place, int) else place  # type: ignore[index]

    def clash(village: str, key: tuple, known: object, place: object) -> None:
        a, b = where(known), where(place)
        if a != b:
            clashes.setdefault((village, key), {a}).add(b)

    for sid, (village, _file, _sheet) in enumerate(index.sheets):
        seen = home.setdefault(village, {})
        for key in index.sheet_groups[sid]:
            if _has_number(key):
                known = seen.setdefault(key, sid)
                if known != sid:
                    clash(village, key, known, sid)
    for village, per_key in index.journal.items():
        seen = home.setdefault(village, {})
        for key, places in per_key.items():
            for place in places:
                known = seen.setdefault(key, place)
                if known is not place:
                    clash(village, key, known, place)
    if not clashes:
        return
    # every row involved, expense rows first: (village, key, file, sheet) → {row: (voucher, column)}
    rows: dict[tuple, dict[int, tuple[str, str | None]]] = {}
    clash_keys: dict[str, set[tuple]] = {}
    for village, key in clashes:
        clash_keys.setdefault(village, set()).add(key)
    wanted: set[int] = set()
    for sid, (village, _file, _sheet) in enumerate(index.sheets):
        groups = index.sheet_groups[sid]
        wanted.update(groups[key] for key in clash_keys.get(village, ()) if key in groups)
    for g, members in sorted(index.members(wanted).items()):
        village, file, sheet = index.sheets[index.group_sheet[g]]
        key = index.group_key[g]
        for i in members:
            e = expenses[i]
            rows.setdefault((village, key, file, sheet), {}).setdefault(e.row, (e.voucher, e.column_of("voucher")))
    if context.journal_vouchers:  # every line of a clashing voucher in a journal is a row involved
        columns = _voucher_columns(expenses)
        for village, entries in context.journal_vouchers.items():
            if village not in clash_keys:
                continue
            for voucher, file, sheet, row in entries:
                key = index.key_of(village, voucher)
                if (village, key) in clashes:
                    rows.setdefault((village, key, file, sheet), {}).setdefault(
                        row, (voucher, columns.get((file, sheet))))
    for (village, key, file, sheet), found in rows.items():
        others = _others([_where(f, s) for f, s in sorted(clashes[(village, key)], key=_place_key)
                          if (f, s) != (file, sheet)])
        for row, (voucher, column) in sorted(found.items()):
            yield make("duplicate-voucher", village=village, file=file, sheet=sheet, row=row, column=column,
                       voucher=voucher, other=others)


def _place_key(place: tuple[str, str | None]) -> tuple[str, str]:
    return (place[0], place[1] or "")


def _voucher_columns(expenses: Sequence[Expense]) -> dict[tuple[str, str | None], str | None]:
    columns: dict[tuple[str, str | None], str | None] = {}
    last = None
    for e in expenses:
        where = (e.file, e.sheet)
        if where != last and where not in columns:
            columns[where] = e.column_of("voucher")
        last = where
    return columns


# -- warnings --------------------------------------------------------------------------------------------------
def voucher_gap(expenses: Sequence[Expense], config: Config, context: RuleContext) -> Iterable[Finding]:
    """Voucher numbers that skip within the month (记-011 then 记-013), per village and series.

    All the village's vouchers count, whichever file or sheet holds them (a run split across two files is no
    gap), and in journals every voucher, expense or not; a cash or bank journal's do not. The finding is on the first row of the voucher after
    the gap. With period "any", each month of the dates is looked at separately.
    """
    index = _index(expenses, context)
    by_month = context.period == "any"
    # (village, month, series) → the numbers used; where a number is, is looked up only for the gaps found
    numbers: dict[tuple, set[int]] = {}
    months_of: dict[str, set[str]] = {}
    group_month: dict[tuple, str] = {}
    for sid, (village, file, sheet) in enumerate(index.sheets):
        buckets: dict[str, set[int]] = {}
        groups = index.sheet_groups[sid]
        if groups and expenses[index.first[next(iter(groups.values()))]].layout == CASH_JOURNAL:
            continue  # a cash or bank journal holds only the vouchers that moved its money (SPEC 16)
        for key, g in groups.items():
            if not _has_number(key):
                continue
            if by_month:
                month = expenses[index.first[g]].date.strftime("%Y-%m")
                months_of.setdefault(village, set()).add(month)
                group_month[(village, file, sheet, key)] = month
                numbers.setdefault((village, month, key[0]), set()).add(key[1])
            else:
                found = buckets.get(key[0])
                if found is None:
                    found = buckets[key[0]] = numbers.setdefault((village, "", key[0]), set())
                found.add(key[1])
    for village, per_key in index.journal.items():
        for key, places in per_key.items():
            if not by_month:
                numbers.setdefault((village, "", key[0]), set()).add(key[1])
                continue
            for file, sheet in places:
                month = group_month.get((village, file, sheet, key))
                if month is None:
                    only = months_of.get(village, set())
                    if len(only) != 1:
                        continue  # a non-expense voucher of an unknown month
                    month = next(iter(only))
                numbers.setdefault((village, month, key[0]), set()).add(key[1])
    columns: dict | None = None

    def where(village: str, month: str, key: tuple) -> tuple:
        """(file, sheet, row, voucher as written, column) of the first row of a voucher."""
        nonlocal columns
        best: tuple | None = None
        for sid in index.sheets_of.get(village, ()):
            v, file, sheet = index.sheets[sid]
            g = index.sheet_groups[sid].get(key)
            if g is None:
                continue
            e = expenses[index.first[g]]
            if by_month and group_month.get((v, file, sheet, key)) != month:
                continue
            spot = (file, sheet or "", e.row, e.voucher, e.column_of("voucher"), sheet)
            if best is None or spot[:3] < best[:3]:
                best = spot
        for (file, sheet), (row, text) in index.journal.get(village, {}).get(key, {}).items():
            if by_month and group_month.get((village, file, sheet, key), month) != month:
                continue
            spot = (file, sheet or "", row, text, None, sheet)
            if best is None or spot[:3] < best[:3]:
                if columns is None:
                    columns = _voucher_columns(expenses)
                best = (*spot[:4], columns.get((file, sheet)), sheet)
        return best or ("", "", 0, format_voucher(*key), None, None)

    for (village, month, series), found in numbers.items():
        ordered = sorted(found)
        for before, after in zip(ordered, ordered[1:], strict=False):
            if after - before <= 1:
                continue
            file, _s, row, text, column, sheet = where(village, month, (series, after))
            before_text = where(village, month, (series, before))[3]
            width = _width(text)
            count = after - before - 1
            if count <= 3:
                missing = "、".join(format_voucher(series, n, width) for n in range(before + 1, after))
            else:
                missing = (f"{format_voucher(series, before + 1, width)} 至 "
                           f"{format_voucher(series, after - 1, width)}（共 {count} 张）")
            yield make("voucher-gap", village=village, file=file, sheet=sheet, row=row, column=column,
                       voucher=text, before=before_text, after=text, missing=missing)


def _width(voucher: str) -> int:
    digits = re.search(r"(\d+)\D*$", unicodedata.normalize("NFKC", voucher or ""))
    return len(digits.group(1)) if digits else 3
