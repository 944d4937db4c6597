"""`villagefin init DIR` (SPEC 8): a new township workspace.

It writes a `villagefin.toml` in which every key of SPEC 2 is explained in Chinese (with one example village),
the village's ledger and receipts folders, and the blank ledger template. It never overwrites an existing
`villagefin.toml`.

The template goes to the workspace root (账表模板.xlsx), not into `ledgers/<id>/`: a blank ledger there would
match the village's ledger glob every month, and the village would be published as 本月无支出 instead of
being listed as 未报送.
"""

from __future__ import annotations

import json
from pathlib import Path

from .config import (
    CONFIG_NAME,
    PLACEHOLDER_TOWNSHIP,
    Config,
    PublicationConf,
    Rules,
    TownshipConf,
    parse_config,
)
from .errors import UsageError
from .ledgers import shanghai_today
from .template import write_template

TEMPLATE_NAME = "账表模板.xlsx"
EXAMPLE_ID = "xinjie"
EXAMPLE_NAME = "新街村"


def _q(text: str) -> str:
    """A TOML basic string (JSON string syntax is valid TOML for these)."""
    return json.dumps(text, ensure_ascii=False)


def config_text(township: str = PLACEHOLDER_TOWNSHIP) -> str:
    """The commented villagefin.toml of a new workspace (the defaults of SPEC 2, one example village)."""
    return "".join((_intro_toml(), _township_toml(township), _publication_toml(), _queries_toml(), _rules_toml(),
                    _chart_toml(), _village_toml()))


def _intro_toml() -> str:
    """How the file is read."""
    return """\
# villagefin 工作目录配置文件（一个乡镇一个工作目录）。
# 以 # 开头的行是说明，不影响配置。改完后运行 villagefin check 检查各村账表。
# 金额写成带引号的数字或整数，例如 "1000" 或 1000；不要写成小数 1000.5。
# 路径用 / 分隔（Windows 上也可以），相对于本文件所在的文件夹。

"""


def _township_toml(township: str) -> str:
    """[township]: who publishes, where and when."""
    t = TownshipConf()
    return f"""\
[township]
# 乡镇名称，印在公开表和网页的标题上
name = {_q(township)}
# 所属县（市、区），例如 "天长市"
county = {_q(t.county)}
# 监督电话，印在每张公开表和每个网页上，例如 "0550-7000000"
supervision_phone = {_q(t.supervision_phone)}
# 网站上线后的地址；公开表上的二维码指向这里
portal_url = {_q(t.portal_url)}
# 每月几号公开（1–28，默认 5 日）
publication_day = {t.publication_day}

"""


def _publication_toml() -> str:
    """[publication]: paper, font and the review before publishing."""
    p = PublicationConf()
    return f"""\
[publication]
# 公开表纸张："A4" 或 "A3"
paper = {_q(p.paper)}
# 纸张方向："landscape"（横向）或 "portrait"（纵向）
orientation = {_q(p.orientation)}
# 公开表 PDF 用的中文字体文件（.ttf 或 .ttc）；留空则自动查找，例如 "C:/Windows/Fonts/simsun.ttc"
font = {_q(p.font)}
# 公开前须经村务监督委员会审核（villagefin review 打印审核稿，审核同意后 villagefin review --approve 登记）：
# true 时未经审核同意的数据不会正式公开；false 时只记录审核，不拦截
require_review = true

"""


def _queries_toml() -> str:
    """[queries]: how long a villager's query may wait for its answer."""
    return """\
[queries]
# 村民质询的答复期限（收到后几天内答复并公开，默认 10 天）
reply_days = 10

"""


def _rules_toml() -> str:
    """[rules]: the limits of the checks (SPEC 2 defaults)."""
    r = Rules()
    return f"""\
[rules]
# 一张凭证现金支付合计超过这个金额（元）时提示“现金支付超限”
cash_limit = {_q(f"{r.cash_limit:f}")}
# 一张凭证合计超过这个金额（元）时，备注中必须写明决议（如“村民代表会议决议”）
resolution_threshold = {_q(f"{r.resolution_threshold:f}")}
# 同一收款方几天之内的多张凭证合计超过上面的金额、每张又都不超过时，提示“疑似拆分支付”
split_window_days = {r.split_window_days}
# 摘要只写这些词时提示“摘要笼统”
vague_terms = [{", ".join(_q(term) for term in r.vague_terms)}]
# 摘要少于几个字时提示“摘要笼统”
min_summary_chars = {r.min_summary_chars}

"""


def _chart_toml() -> str:
    """[chart]: the accounting system and the township's own accounts."""
    return """\
[chart]
# 会计制度："2023"（农村集体经济组织会计制度，2024 年起执行）、"2004"（村集体经济组织会计制度）
# 或 "auto"（按序时账里的科目编码自动判断；没有编码时按一级科目名称）
system = "auto"
# 本镇自设的科目，每个写明编码、名称和公开时归入的类别（管理费用、公益支出、经营支出、其他支出、税费），例如：
# extra = [{code = "54105", name = "误工补贴", group = "管理费用"}]
extra = []

"""


def _village_toml() -> str:
    """One [[villages]] table, the example to copy for each village."""
    return f"""\
# 每个村一段 [[villages]]。添加村时，复制下面整段并修改。
[[villages]]
# 村代号：只用小写英文字母、数字、- 和 _（例如村名拼音），用作文件夹名和网址
id = {_q(EXAMPLE_ID)}
# 村名，印在公开表和网页上
name = {_q(EXAMPLE_NAME)}
# 本村的账表文件，可用 * 通配；"ledgers/all.xlsx#{EXAMPLE_NAME}" 表示只读该工作簿中名为“{EXAMPLE_NAME}”的工作表
ledgers = ["ledgers/{EXAMPLE_ID}/*.xlsx"]
# 原始票据扫描件所在文件夹（可以不写）。凭证号每月从头编，所以文件夹里按月份分子文件夹：
#   receipts/2026-10/记-012.jpg、receipts/2026-10/记-012-2.jpg（也可写成 2026年10月/ 或 10月/）
# 扫描件按凭证号命名；直接放在 receipts/ 下而不分月份时，检查会提醒（上月的 记-012 会被当成本月的）
receipts = "ledgers/{EXAMPLE_ID}/receipts"
# 票据扫描件怎样公开：
#   true    —— 先识别并遮盖身份证号、手机号、银行卡号，再放到网站和公开表上（识别不出的手写号码需人工核对，
#              publish 会生成票据核对页 .villagefin/receipts-review/月份/村代号.pdf）
#   "as-is" —— 原样公开（已人工逐张核对过，确认没有个人信息）
#   false   —— 不公开扫描件，只在村部备查
publish_receipts = true
"""


def township_from_folder(directory: Path) -> str:
    """The township name a new workspace gets: the folder's name when it ends in 镇, 乡 or 街道 (SPEC 16),
    else the placeholder, which an official publish refuses until it is replaced."""
    name = Path(directory).resolve().name.strip()
    return name if name.endswith(("镇", "乡", "街道")) else PLACEHOLDER_TOWNSHIP


def init_workspace(directory: Path, *, township: str | None = None) -> list[Path]:
    """Create a workspace in `directory`; return the files and folders created. Without `township`, the name
    comes from the folder (`township_from_folder`).

    Raises UsageError when `directory` already has a villagefin.toml (it is never overwritten) or cannot be
    written.
    """
    directory = Path(directory)
    config_path = directory / CONFIG_NAME
    if config_path.exists():
        raise UsageError(f"{config_path} 已经存在，不会覆盖。请换一个空文件夹，或直接编辑现有的配置文件。")
    if directory.exists() and not directory.is_dir():
        raise UsageError(f"{directory} 是一个文件，不是文件夹；请换一个文件夹名。")
    text = config_text(township if township is not None else township_from_folder(directory))
    _check(text)
    created: list[Path] = []
    try:
        if not directory.exists():
            directory.mkdir(parents=True)
            created.append(directory)
        # "x": never replace a villagefin.toml that appeared meanwhile
        with open(config_path, "x", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
        created.append(config_path)
        receipts = directory / "ledgers" / EXAMPLE_ID / "receipts"
        for folder in (directory / "ledgers" / EXAMPLE_ID, receipts, receipts / _this_month()):
            if not folder.is_dir():
                folder.mkdir(parents=True)
                created.append(folder)
    except FileExistsError:
        raise UsageError(f"{config_path} 已经存在，不会覆盖。") from None
    except OSError as exc:
        raise UsageError(f"无法在 {directory} 中创建工作目录：{exc.strerror or exc}。请检查路径和写入权限。") from None
    template = directory / TEMPLATE_NAME
    if not template.exists():
        write_template(template, Config())
        created.append(template)
    return created


def _this_month() -> str:
    """The month subfolder the accountant fills next: the month before today (what publish works on)."""
    today = shanghai_today()
    year, month = (today.year - 1, 12) if today.month == 1 else (today.year, today.month - 1)
    return f"{year:04d}-{month:02d}"


def _check(text: str) -> None:
    """The text must load as a valid config (a township name with quotes or line breaks included)."""
    import sys

    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - Python 3.10
        import tomli as tomllib
    try:
        parse_config(tomllib.loads(text))
    except Exception as exc:  # pragma: no cover - a defect of ours, or an impossible township name
        raise UsageError(f"乡镇名称无法写入配置文件：{exc}") from None
