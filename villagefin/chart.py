"""The chart of accounts (会计科目表) of village collective economic organisations (SPEC 3.2).

Two national charts are built in, kept as data in `villagefin/data/chart.json`: the 2004 村集体经济组织会计制度
(财会〔2004〕12号) and the 2023 农村集体经济组织会计制度 (财会〔2023〕14号). Their codes collide (502 is an
expense in 2004 but 投资收益 in 2023; 511 the other way round), so a `Chart` is always one system, chosen by
`[chart] system` or detected from a journal's codes, plus the workspace's `[chart] extra` accounts.

A category text is matched by code ("51301", "513"), by name at any level ("办公费", "管理费用"), or by path
("管理费用_办公费", "管理费用/办公费", "513 管理费用", "51301 办公费"); spaces and full/half-width forms are ignored.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources

from .config import ChartConf

SYSTEMS: tuple[str, ...] = ("2004", "2023")
DEFAULT_SYSTEM = "2023"
UNCLASSIFIED = "未分类"
CASH = "现金"
BANK = "银行"

#: the kind of a first-level account (SPEC 12.1): where its money lines are published
EXPENSE = "expense"
INCOME = "income"
CASH_KIND = "cash"  # 101 库存现金 and 102 银行存款: the accounts money lines move money in and out of
OTHER = "other"
#: the type of an other flow whose account has none (published with the warning unclassified-flow)
OTHER_TYPE = "其他"
#: 一事一议 money booked on 2004's 113 内部往来 (SPEC 12.1): the summary says so
_YISHI = "一事一议"
#: 本年收益 and 收益分配: the accounts income and expense are closed into (结转)
CLOSING_PREFIXES = frozenset({"321", "322"})

# separators between the levels of an account path: 管理费用_办公费, 管理费用/办公费, 管理费用-办公费, 513 管理费用
_PATH_SPLIT = re.compile(r"[_/\\\-—–|>:、\s]+")
_CODE_NAME = re.compile(r"(\d{3,})(\D.*)")
_DIGITS = re.compile(r"\d+")
_FLOAT_CODE = re.compile(r"(\d+)\.0+")
_DOTTED_CODE = re.compile(r"\d{3}(?:[.\-]\d+)+")


@dataclass(frozen=True, slots=True)
class Account:
    """One account of a chart: `group` is the plain-language group shown to the public."""

    code: str
    name: str
    group: str
    expense: bool
    system: str
    #: kind of its first-level account: expense, income, cash or other (SPEC 12.1)
    kind: str = field(default=OTHER, compare=False)
    #: for an other account, the type its money flows are published under ("" = none: 其他 with a warning)
    flow_type: str = field(default="", compare=False)


def _norm(text: str) -> str:
    """Matching form of a name or code: NFKC (full-width → half-width), no whitespace, case-folded."""
    return "".join(unicodedata.normalize("NFKC", text).split()).casefold()


def _clean_code(code: str) -> str:
    text = _norm(str(code))
    match = _FLOAT_CODE.fullmatch(text)  # a code read from a numeric cell: 51301.0
    if match:
        return match.group(1)
    if _DOTTED_CODE.fullmatch(text):  # 513.01 or 513-01, as some bookkeeping software writes codes
        return text.replace(".", "").replace("-", "")
    return text


@lru_cache(maxsize=1)
def _data() -> dict:
    raw = resources.files("villagefin").joinpath("data", "chart.json").read_text(encoding="utf-8")
    return json.loads(raw)


class Chart:
    """One chart of accounts in use: a built-in system plus the workspace's extra accounts."""

    def __init__(self, system: str, accounts: Iterable[Account], aliases: Iterable[tuple[str, str]] = ()):
        self.system = system
        self.accounts: tuple[Account, ...] = tuple(accounts)
        self._by_code: dict[str, Account] = {}
        self._by_name: dict[str, Account] = {}
        for account in self.accounts:
            if account.code:
                self._by_code[account.code] = account
            self._by_name.setdefault(_norm(account.name), account)
        for alias, code in aliases:
            account = self._by_code.get(code)
            if account is not None:
                self._by_name.setdefault(_norm(alias), account)
        # first-level names of expense accounts, for paths whose detail level is unknown
        self._expense_prefixes = frozenset(a.code[:3] for a in self.accounts if a.expense and len(a.code) == 3)
        self._first: dict[str, Account] = {}
        for account in self.accounts:
            if len(account.code) == 3 and _DIGITS.match(account.code):
                self._first.setdefault(account.code, account)
        self._memo: dict[str, Account | None] = {}

    def __repr__(self) -> str:
        return f"Chart(system={self.system!r}, accounts={len(self.accounts)})"

    # -- lookups -------------------------------------------------------------------------------------------
    def lookup(self, text: str) -> Account | None:
        """The account a category text names, by code, name at any level, or path; None when unknown."""
        if text is None:
            return None
        text = str(text)
        if text in self._memo:
            return self._memo[text]
        found = self._lookup(text)
        if len(self._memo) < 100_000:
            self._memo[text] = found
        return found

    def _lookup(self, text: str) -> Account | None:
        key = _clean_code(text)
        if not key:
            return None
        found = self._one(key)
        if found is not None:
            return found
        best: Account | None = None
        for part in _PATH_SPLIT.split(unicodedata.normalize("NFKC", text)):
            part = _clean_code(part)
            if not part:
                continue
            pieces = [part]
            match = _CODE_NAME.fullmatch(part)
            if match:  # "51301办公费": a code glued to its name
                pieces = [match.group(1), match.group(2)]
            for piece in pieces:
                account = self._one(piece)
                if account is not None and (best is None or len(account.code) >= len(best.code)):
                    best = account
        return best

    def _one(self, key: str) -> Account | None:
        """One path segment (already normalised): a name, an exact code, or a code under a known account."""
        account = self._by_name.get(key)
        if account is not None:
            return account
        if _DIGITS.fullmatch(key):
            account = self._by_code.get(key)
            if account is not None:
                return account
            # a finer code than the chart has (5130101): the longest known prefix, at least first level
            for end in range(len(key) - 1, 2, -1):
                account = self._by_code.get(key[:end])
                if account is not None:
                    return account
        return None

    def is_expense(self, code: str = "", name: str = "") -> bool:
        """Whether an account is an expense account (SPEC 3.2): by code prefix, else by name or path."""
        code_key = _clean_code(code or "")
        if code_key:
            if _DIGITS.fullmatch(code_key):
                account = self._by_code.get(code_key)
                if account is not None:
                    return account.expense
                if code_key[:3] in self._expense_prefixes:
                    return True
                account = self._one(code_key)
                if account is not None:
                    return account.expense
            else:  # a name in the code column
                account = self.lookup(code)
                if account is not None:
                    return account.expense
        if name:
            account = self.lookup(name)
            if account is not None:
                return account.expense
        return False

    def group_of(self, category: str) -> str:
        """Plain-language public group of a category text ("办公费" → "管理费用"); unknown → the text itself."""
        text = (category or "").strip()
        if not text:
            return UNCLASSIFIED
        account = self.lookup(text)
        return account.group if account is not None else text

    def cash_or_bank(self, code: str = "", name: str = "") -> str | None:
        """"现金" for 库存现金 (101…), "银行" for 银行存款 (102…), else None."""
        code_key = _clean_code(code or "")
        if code_key and _DIGITS.fullmatch(code_key):
            account = self._by_code.get(code_key)
            prefix = account.code[:3] if account is not None else code_key[:3]
            if prefix == "101":
                return CASH
            if prefix == "102":
                return BANK
            return None
        text = name or (code if code_key else "")
        if not text:
            return None
        account = self.lookup(text)
        if account is not None:
            if account.code[:3] == "101":
                return CASH
            if account.code[:3] == "102":
                return BANK
            return None
        norm = _norm(text)
        if "现金" in norm:
            return CASH
        if "银行" in norm:
            return BANK
        return None

    def account_of(self, code: str = "", name: str = "") -> Account | None:
        """The account of a journal line: by its code (a known code, else its first-level prefix), else by its
        name at any level (first-level name, path or detail name); None when the chart cannot place it."""
        code_key = _clean_code(code or "")
        if code_key and _DIGITS.match(code_key):
            account = self._one(code_key)
            if account is None and len(code_key) >= 3:
                account = self._first.get(code_key[:3])
            if account is not None:
                return account
        elif code_key:  # a name in the code column
            account = self.lookup(code)
            if account is not None:
                return account
        return self.lookup(name) if name else None

    def first_level(self, account: Account) -> Account:
        """The first-level account an account belongs to (itself when it is first-level or has no known parent)."""
        return self._first.get(account.code[:3], account) if account.code else account

    def kind_of(self, code: str = "", name: str = "") -> str | None:
        """expense, income, cash or other for a journal line's account (SPEC 12.1); None when unknown.

        An expense account (as `is_expense` says, so `[chart] extra` accounts count) is always expense."""
        if self.is_expense(code, name):
            return EXPENSE
        account = self.account_of(code, name)
        if account is None:
            return None
        return self.first_level(account).kind

    def flow_type(self, code: str = "", name: str = "", summary: str = "") -> str:
        """The type an other flow on this account is published under (SPEC 12.1 table); "" when it has none.

        2004 books 一事一议 money on 113 内部往来 too: a 113 line whose summary says 一事一议 is 一事一议."""
        account = self.account_of(code, name)
        if account is None:
            return ""
        first = self.first_level(account)
        if self.system == "2004" and first.code == "113" and _YISHI in (summary or ""):
            return _YISHI
        return account.flow_type or first.flow_type

    def is_closing(self, code: str = "", name: str = "") -> bool:
        """Whether the line is on 321 本年收益 or 322 收益分配 (income and expense are closed into them: 结转)."""
        account = self.account_of(code, name)
        return account is not None and self.first_level(account).code in CLOSING_PREFIXES

    def expense_accounts(self) -> tuple[Account, ...]:
        """Every expense account, first-level accounts each followed by their detail accounts."""
        expense = [a for a in self.accounts if a.expense]
        return tuple(sorted(expense, key=lambda a: (a.code[:3], a.code) if a.code else ("999", a.name)))


def flow_types() -> tuple[str, ...]:
    """The types other flows are published under, in the order of SPEC 12.1's table (其他 last)."""
    return tuple(_data()["flow_types"])


def expense_groups() -> tuple[str, ...]:
    """The plain-language groups expenses are published under (管理费用, 公益支出, 经营支出, 其他支出, 税费)."""
    return tuple(_data()["expense_groups"])


@lru_cache(maxsize=4)
def _builtin(system: str) -> tuple[tuple[Account, ...], tuple[tuple[str, str], ...]]:
    entries = _data()["systems"][system]["accounts"]
    first: dict[str, dict] = {e["code"]: e for e in entries if len(e["code"]) == 3}
    accounts: list[Account] = []
    aliases: list[tuple[str, str]] = []
    for entry in entries:
        code = entry["code"]
        parent = first.get(code[:3], entry)
        expense = bool(entry.get("expense", parent.get("expense", False)))
        group = entry.get("group") or parent.get("group") or parent["name"]
        kind = entry.get("kind", parent.get("kind", EXPENSE if expense else OTHER))
        flow_type = entry.get("type", parent.get("type", ""))
        accounts.append(Account(code=code, name=entry["name"], group=group, expense=expense, system=system,
                                kind=kind, flow_type=flow_type))
        aliases.extend((alias, code) for alias in entry.get("aliases", ()))
    return tuple(accounts), tuple(aliases)


@lru_cache(maxsize=1)
def _only_in() -> tuple[frozenset[str], frozenset[str]]:
    """First-level codes that exist in one system alone (SPEC 12.1), from the data: (2004 only, 2023 only).

    Codes that exist in both, whatever they mean in each (502, 511, 521, 211, 212, 221, 231, 241…), are absent."""
    first = {name: {e["code"] for e in system["accounts"] if len(e["code"]) == 3}
             for name, system in _data()["systems"].items()}
    return frozenset(first["2004"] - first["2023"]), frozenset(first["2023"] - first["2004"])


#: a first-level name the two systems do not share but that villages write in both (现金 for 库存现金): no vote
_COLLOQUIAL = frozenset({"现金"})
_NAME_PARTS = re.compile(r"[/_\\\-—－:：>＞]")


@lru_cache(maxsize=1)
def _names_only_in() -> tuple[frozenset[str], frozenset[str]]:
    """First-level names that exist in one system alone, in matching form: (2004 only, 2023 only) — e.g. 发包及上交收入
    and 农业税附加返还收入 (2004), 公益支出 and 应付劳务费 (2023)."""
    first = {name: {_norm(e["name"]) for e in system["accounts"] if len(e["code"]) == 3}
             for name, system in _data()["systems"].items()}
    colloquial = {_norm(n) for n in _COLLOQUIAL}
    return frozenset(first["2004"] - first["2023"] - colloquial), frozenset(first["2023"] - first["2004"] - colloquial)


def detect_system(codes: Iterable[str]) -> str:
    """For `[chart] system = "auto"`: which chart a journal's accounts belong to (default 2023).

    Only codes that exist in one system alone vote (2004: 202, 522, 531, 541, 551, 561; 2023: 133, 134, 162,
    171, 181, 213, 214, 503, 504, 512–515); codes in both, such as 502 and 511 with opposite meanings, do not.
    Where no code votes (a journal that gives names only, or only codes both systems have), the first-level
    names that exist in one system alone vote the same way (发包及上交收入 is 2004's; 公益支出 is 2023's; 现金,
    written in both, is not counted). A tie, or no vote, is 2023.
    """
    only_2004, only_2023 = _only_in()
    names_2004, names_2023 = _names_only_in()
    votes_2004 = votes_2023 = 0
    name_2004 = name_2023 = 0
    for code in codes:
        key = _clean_code(code or "")
        if len(key) >= 3 and _DIGITS.fullmatch(key):
            prefix = key[:3]
            votes_2004 += prefix in only_2004
            votes_2023 += prefix in only_2023
        elif key and not key[0].isdigit():  # a name (or a path of names): its first level votes
            first = _NAME_PARTS.split(key, maxsplit=1)[0]
            name_2004 += first in names_2004
            name_2023 += first in names_2023
    if not (votes_2004 or votes_2023):
        votes_2004, votes_2023 = name_2004, name_2023
    return "2004" if votes_2004 > votes_2023 else DEFAULT_SYSTEM


def load_chart(conf: ChartConf | None = None, codes: Iterable[str] = ()) -> Chart:
    """The chart in use: `conf.system`, or the one `codes` point to when "auto", plus `conf.extra`.

    An extra account counts as an expense when its code has an expense prefix of the system or its group is
    an expense group (or the name of an expense account, e.g. 管理费用).
    """
    conf = conf or ChartConf()
    system = conf.system if conf.system in SYSTEMS else detect_system(codes)
    return _chart(conf, system)


@lru_cache(maxsize=8)
def _chart(conf: ChartConf, system: str) -> Chart:
    """One `Chart` per configuration and system: a county's 300 villages share it, and its lookups' memo."""
    accounts, aliases = _builtin(system)
    by_code = {a.code: a for a in accounts}
    expense_prefixes = {a.code for a in accounts if a.expense and len(a.code) == 3}
    groups = set(expense_groups()) | {a.name for a in accounts if a.expense and len(a.code) == 3}
    extras: list[Account] = []
    for extra in conf.extra:
        code = _clean_code(extra.code or "")
        group = (extra.group or "").strip()
        parent = by_code.get(code[:3]) if code else None
        if not group:
            group = parent.group if parent is not None else extra.name
        expense = (code[:3] in expense_prefixes) or group in groups
        kind = EXPENSE if expense else (parent.kind if parent is not None else OTHER)
        flow_type = parent.flow_type if parent is not None and not expense else ""
        extras.append(Account(code=code, name=extra.name.strip(), group=group, expense=expense, system=system,
                              kind=kind, flow_type=flow_type))
    extra_codes = {a.code for a in extras if a.code}
    # extra accounts come first so that they win over a built-in account of the same code or name
    kept = [a for a in accounts if a.code not in extra_codes]
    kept_aliases = [(alias, code) for alias, code in aliases if code not in extra_codes]
    return Chart(system, [*extras, *kept], kept_aliases)
