"""`villagefin.toml` → a frozen `Config` (SPEC 2). A bad config is a `ConfigError` naming the key (exit 2)."""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

from .errors import ConfigError

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

CONFIG_NAME = "villagefin.toml"
SLUG = re.compile(r"^[a-z0-9][a-z0-9_-]*$")


@dataclass(frozen=True, slots=True)
class TownshipConf:
    name: str = "某某镇"
    county: str = ""
    supervision_phone: str = ""
    portal_url: str = "https://example.org/cwgk"
    publication_day: int = 5


@dataclass(frozen=True, slots=True)
class PublicationConf:
    paper: str = "A4"  # A4 | A3
    orientation: str = "landscape"  # landscape | portrait
    font: str = ""


@dataclass(frozen=True, slots=True)
class Rules:
    cash_limit: Decimal = Decimal("1000")
    resolution_threshold: Decimal = Decimal("50000")
    split_window_days: int = 3
    vague_terms: tuple[str, ...] = ("其他", "杂支", "杂费", "费用", "报销", "支出")
    min_summary_chars: int = 4


@dataclass(frozen=True, slots=True)
class ExtraAccount:
    code: str
    name: str
    group: str


@dataclass(frozen=True, slots=True)
class ChartConf:
    system: str = "auto"  # "auto" | "2004" | "2023"
    extra: tuple[ExtraAccount, ...] = ()


@dataclass(frozen=True, slots=True)
class Village:
    id: str
    name: str
    ledgers: tuple[str, ...] = ()
    receipts: str | None = None
    publish_receipts: bool = True


@dataclass(frozen=True)
class Config:
    township: TownshipConf = field(default_factory=TownshipConf)
    publication: PublicationConf = field(default_factory=PublicationConf)
    rules: Rules = field(default_factory=Rules)
    chart: ChartConf = field(default_factory=ChartConf)
    villages: tuple[Village, ...] = ()
    #: the workspace folder (where villagefin.toml is); None for `check FILE...` with no workspace
    root: Path | None = None

    def village(self, village_id: str) -> Village | None:
        for v in self.villages:
            if v.id == village_id:
                return v
        return None


def _decimal(value: object, key: str) -> Decimal:
    if isinstance(value, bool) or isinstance(value, float):
        raise ConfigError(f"配置项 {key} 必须写成字符串或整数（如 \"1000\" 或 1000），不能是小数 {value!r}。")
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, str):
        try:
            d = Decimal(value.strip())
        except InvalidOperation:
            raise ConfigError(f"配置项 {key} 的值 {value!r} 不是金额，请写成如 \"1000\" 的数字。") from None
        if not d.is_finite():
            raise ConfigError(f"配置项 {key} 的值 {value!r} 不是金额，请写成如 \"1000\" 的数字。")
        return d
    raise ConfigError(f"配置项 {key} 的类型不对，应为字符串或整数金额。")
