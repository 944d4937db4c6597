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
SLUG = re.compile(r"[a-z0-9][a-z0-9_-]*")


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
    #: SPEC 13: an official publish adds a revision only for data the committee approved (同意公开)
    require_review: bool = False


@dataclass(frozen=True, slots=True)
class QueriesConf:
    """[queries] (SPEC 14): how many calendar days a village has to answer a villager's query."""

    reply_days: int = 10


@dataclass(frozen=True, slots=True)
class Rules:
    cash_limit: Decimal = Decimal("1000")
    resolution_threshold: Decimal = Decimal("50000")
    split_window_days: int = 3
    vague_terms: tuple[str, ...] = ("其他", "杂支", "杂费", "费用", "报销", "支出")
    min_summary_chars: int = 4
    #: 库存现金限额: cash on hand above it at the month's end is cash-on-hand-over-limit (SPEC 12.3)
    cash_on_hand_limit: Decimal = Decimal("5000")


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
    publish_receipts: bool | str = True  # True: covered, then published; "as-is": unchanged; False: not (SPEC 15)

    @property
    def covers_receipts(self) -> bool:
        """Scans are published with personal numbers covered (publish_receipts = true)."""
        return bool(self.receipts) and self.publish_receipts is True


@dataclass(frozen=True)
class Config:
    township: TownshipConf = field(default_factory=TownshipConf)
    publication: PublicationConf = field(default_factory=PublicationConf)
    rules: Rules = field(default_factory=Rules)
    chart: ChartConf = field(default_factory=ChartConf)
    villages: tuple[Village, ...] = ()
    queries: QueriesConf = field(default_factory=QueriesConf)
    #: the workspace folder (where villagefin.toml is); None for `check FILE...` with no workspace
    root: Path | None = None

    def village(self, village_id: str) -> Village | None:
        for v in self.villages:
            if v.id == village_id:
                return v
        return None


def _decimal(value: object, key: str) -> Decimal:
    if isinstance(value, bool):
        raise ConfigError(f"配置项 {key} 应是金额（如 \"1000\" 或 1000），不能是 true/false。")
    if isinstance(value, float):
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


_TOP_KEYS = {"township", "publication", "rules", "chart", "villages", "queries"}
_TOWNSHIP_KEYS = {"name", "county", "supervision_phone", "portal_url", "publication_day"}
_PUBLICATION_KEYS = {"paper", "orientation", "font", "require_review"}
_RULES_KEYS = {"cash_limit", "resolution_threshold", "split_window_days", "vague_terms", "min_summary_chars",
               "cash_on_hand_limit"}
_CHART_KEYS = {"system", "extra"}
_VILLAGE_KEYS = {"id", "name", "ledgers", "receipts", "publish_receipts"}


def _table(data: dict, key: str) -> dict:
    value = data.get(key, {})
    if not isinstance(value, dict):
        raise ConfigError(f"配置项 [{key}] 应是一个表（[{key}] 段），请检查 villagefin.toml。")
    return value


def _unknown(table: dict, allowed: set[str], prefix: str) -> None:
    for key in table:
        if key not in allowed:
            raise ConfigError(
                f"未知的配置项 {prefix}{key}，请删除或改正（可用的有：{'、'.join(sorted(allowed))}）。"
            )


def _str(table: dict, key: str, prefix: str, default: str) -> str:
    value = table.get(key, default)
    if not isinstance(value, str):
        raise ConfigError(f"配置项 {prefix}{key} 应是带引号的文字，例如 {key} = \"{default}\"。")
    return value


def _int(table: dict, key: str, prefix: str, default: int, low: int, high: int) -> int:
    value = table.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise ConfigError(f"配置项 {prefix}{key} 应是 {low} 到 {high} 之间的整数。")
    return value


def parse_config(data: dict, root: Path | None = None) -> Config:
    """Validate a parsed TOML document into a `Config`; raises `ConfigError` naming the key.

    The tables are checked in the order of the file (township, publication, queries, rules, chart, villages),
    so that the first mistake in the file is the one reported."""
    _unknown(data, _TOP_KEYS, "")
    township = _township(_table(data, "township"))
    publication = _publication(_table(data, "publication"))
    queries = _queries(_table(data, "queries"))
    rules = _rules(_table(data, "rules"))
    chart = _chart(_table(data, "chart"))
    villages = _villages(data.get("villages", []))
    return Config(township=township, publication=publication, rules=rules, chart=chart,
                  villages=villages, queries=queries, root=root)


def _township(t: dict) -> TownshipConf:
    _unknown(t, _TOWNSHIP_KEYS, "township.")
    defaults = TownshipConf()
    return TownshipConf(
        name=_str(t, "name", "township.", defaults.name),
        county=_str(t, "county", "township.", defaults.county),
        supervision_phone=_str(t, "supervision_phone", "township.", defaults.supervision_phone),
        portal_url=_str(t, "portal_url", "township.", defaults.portal_url).rstrip("/"),
        publication_day=_int(t, "publication_day", "township.", 5, 1, 28),
    )


def _publication(p: dict) -> PublicationConf:
    _unknown(p, _PUBLICATION_KEYS, "publication.")
    paper = _str(p, "paper", "publication.", "A4").upper()
    if paper not in ("A4", "A3"):
        raise ConfigError("配置项 publication.paper 只能是 \"A4\" 或 \"A3\"。")
    orientation = _str(p, "orientation", "publication.", "landscape").lower()
    if orientation not in ("landscape", "portrait"):
        raise ConfigError("配置项 publication.orientation 只能是 \"landscape\"（横向）或 \"portrait\"（纵向）。")
    require_review = p.get("require_review", False)
    if not isinstance(require_review, bool):
        raise ConfigError("配置项 publication.require_review 只能是 true（公开前须经村务监督委员会审核同意）或 false。")
    return PublicationConf(paper=paper, orientation=orientation, font=_str(p, "font", "publication.", ""),
                           require_review=require_review)


def _queries(q: dict) -> QueriesConf:
    _unknown(q, {"reply_days"}, "queries.")
    return QueriesConf(reply_days=_int(q, "reply_days", "queries.", 10, 1, 366))


def _rules(r: dict) -> Rules:
    _unknown(r, _RULES_KEYS, "rules.")
    terms = r.get("vague_terms", list(Rules().vague_terms))
    if not isinstance(terms, list) or not all(isinstance(x, str) for x in terms):
        raise ConfigError("配置项 rules.vague_terms 应是文字列表，例如 [\"其他\", \"杂支\"]。")
    limits = {key: _decimal(r.get(key, default), f"rules.{key}")
              for key, default in (("cash_limit", "1000"), ("resolution_threshold", "50000"),
                                   ("cash_on_hand_limit", "5000"))}
    for key, value in limits.items():
        if value < 0:
            raise ConfigError(f"配置项 rules.{key} 不能是负数（现在是 {value}）。")
    return Rules(
        cash_limit=limits["cash_limit"],
        resolution_threshold=limits["resolution_threshold"],
        split_window_days=_int(r, "split_window_days", "rules.", 3, 0, 366),
        vague_terms=tuple(terms),
        min_summary_chars=_int(r, "min_summary_chars", "rules.", 4, 0, 100),
        cash_on_hand_limit=limits["cash_on_hand_limit"],
    )


def _chart(c: dict) -> ChartConf:
    _unknown(c, _CHART_KEYS, "chart.")
    system = c.get("system", "auto")
    if system not in ("auto", "2004", "2023"):
        raise ConfigError("配置项 chart.system 只能是 \"auto\"、\"2004\" 或 \"2023\"。")
    extra = c.get("extra", [])
    if not isinstance(extra, list):
        raise ConfigError("配置项 chart.extra 应是列表，例如 [{code = \"54105\", name = \"误工补贴\", group = \"管理费用\"}]。")
    return ChartConf(system=system, extra=tuple(_extra_account(f"chart.extra[{i}]", item)
                                                for i, item in enumerate(extra)))


def _extra_account(key: str, item: object) -> ExtraAccount:
    if not isinstance(item, dict):
        raise ConfigError(f"配置项 {key} 应写成 {{code = \"54105\", name = \"误工补贴\", group = \"管理费用\"}}。")
    _unknown(item, {"code", "name", "group"}, key + ".")
    code = item.get("code", "")
    if isinstance(code, int) and not isinstance(code, bool):
        code = str(code)
    return ExtraAccount(
        code=_str({"code": code}, "code", key + ".", ""),
        name=_str(item, "name", key + ".", ""),
        group=_str(item, "group", key + ".", ""),
    )


def _villages(villages_raw: object) -> tuple[Village, ...]:
    if not isinstance(villages_raw, list):
        raise ConfigError("村庄应写成 [[villages]] 段，每个村一段。")
    seen: set[str] = set()
    claims: dict[str, str] = {}  # a ledger file (or file#sheet) → the village that claims it
    return tuple(_village(f"villages[{i}]", v, seen, claims) for i, v in enumerate(villages_raw))


def _village(key: str, v: object, seen: set[str], claims: dict[str, str]) -> Village:
    """One [[villages]] table; `seen` and `claims` collect the ids and ledger files of the villages before it."""
    if not isinstance(v, dict):
        raise ConfigError(f"配置项 {key} 应是一个 [[villages]] 段。")
    key += "."
    _unknown(v, _VILLAGE_KEYS, key)
    vid = v.get("id")
    if not isinstance(vid, str) or not SLUG.fullmatch(vid):
        raise ConfigError(
            f"配置项 {key}id 的值 {vid!r} 不可用：村代号只能用小写英文字母、数字、- 和 _（如 \"xinjie\"），用于网址和文件夹名。"
        )
    if vid in seen:
        raise ConfigError(f"配置项 {key}id：村代号 \"{vid}\" 重复了，每个村的 id 必须不同。")
    seen.add(vid)
    name = _str(v, "name", key, vid)
    ledgers = _village_ledgers(key, v, vid, claims)
    receipts = v.get("receipts")
    if receipts is not None and not isinstance(receipts, str):
        raise ConfigError(f"配置项 {key}receipts 应是文件夹路径文字，例如 \"ledgers/{vid}/receipts\"。")
    pr = v.get("publish_receipts", True)
    if not isinstance(pr, bool) and pr != "as-is":
        raise ConfigError(f"配置项 {key}publish_receipts 只能是 true（遮盖个人号码后公开）、\"as-is\"（原样公开，"
                          "已人工核对）或 false（不公开扫描件）。")
    return Village(id=vid, name=name, ledgers=ledgers, receipts=receipts, publish_receipts=pr)


def _village_ledgers(key: str, v: dict, vid: str, claims: dict[str, str]) -> tuple[str, ...]:
    """A village's ledger paths; a file (or sheet) claimed by an earlier village is refused."""
    ledgers = v.get("ledgers", [])
    if isinstance(ledgers, str):
        ledgers = [ledgers]
    if not isinstance(ledgers, list) or not all(isinstance(x, str) and x.strip() for x in ledgers):
        raise ConfigError(f"配置项 {key}ledgers 应是文件路径列表，例如 [\"ledgers/{vid}/*.xlsx\"]。")
    for pattern in ledgers:
        claim = _claim_key(pattern)
        if claim in claims and claims[claim] != vid:
            raise ConfigError(
                f"配置项 {key}ledgers：\"{pattern}\" 已被村 \"{claims[claim]}\" 使用；同一个文件（或工作表）只能属于一个村，"
                "同一工作簿的不同工作表请用 \"文件.xlsx#工作表名\" 分开。"
            )
        claims[claim] = vid
    return tuple(ledgers)


def _claim_key(pattern: str) -> str:
    """What one ledger entry claims: the path (normalised) and, with "#name", that sheet."""
    path, _, sheet = pattern.partition("#")
    path = path.strip().replace("\\", "/")
    while path.startswith("./"):
        path = path[2:]
    return f"{path}#{sheet.strip()}" if sheet else path


def load_config(path: Path) -> Config:
    """Read `villagefin.toml` at `path` (a file, or a folder holding one)."""
    path = Path(path)
    if path.is_dir():
        path = path / CONFIG_NAME
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise ConfigError(f"找不到配置文件 {path}；请在工作目录中运行，或用 --config 指定，或先运行 villagefin init 创建。") from None
    except OSError as exc:
        raise ConfigError(f"无法读取配置文件 {path}：{exc.strerror or exc}。") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ConfigError(f"配置文件 {path} 不是 UTF-8 编码；请用记事本“另存为”UTF-8 编码。") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"配置文件 {path} 格式错误：{exc}。请检查引号、括号和等号。") from None
    return parse_config(data, root=path.parent.resolve())


def find_config(explicit: Path | None = None, cwd: Path | None = None) -> Config | None:
    """The workspace config: `--config PATH` if given, else villagefin.toml in the current folder, else None."""
    if explicit is not None:
        return load_config(explicit)
    here = Path(cwd or Path.cwd()) / CONFIG_NAME
    if here.is_file():
        return load_config(here)
    return None


#: the township name of a new workspace, until the accountant writes the real one
PLACEHOLDER_TOWNSHIP = "某某镇"
#: portals of the documentation examples (RFC 2606): a QR code pointing there leads nowhere
EXAMPLE_DOMAINS = ("example.org", "example.com")


def check_not_placeholders(config: Config) -> None:
    """An official publish never prints a placeholder (SPEC 16): raises ConfigError naming the key."""
    from urllib.parse import urlsplit

    t = config.township
    if not t.name.strip() or t.name.strip() == PLACEHOLDER_TOWNSHIP:
        raise ConfigError(f"配置项 township.name 还是「{t.name.strip() or '（空）'}」：正式公开前请在 villagefin.toml 中"
                          "写上本乡镇的名称，例如 name = \"新街镇\"。")
    if not t.supervision_phone.strip():
        raise ConfigError("配置项 township.supervision_phone（监督电话）为空：正式公开前请在 villagefin.toml 中填写，"
                          "例如 supervision_phone = \"0550-7000000\"；它印在每张公开表和每个网页上。")
    try:
        host = (urlsplit(t.portal_url.strip()).hostname or "").lower().rstrip(".")
    except ValueError:
        host = ""
    if any(host == d or host.endswith("." + d) for d in EXAMPLE_DOMAINS):
        raise ConfigError(f"配置项 township.portal_url 还是示例地址「{t.portal_url}」：公开表上的二维码会指向不存在的网站。"
                          "正式公开前请在 villagefin.toml 中写上本镇公开网站的地址。")
