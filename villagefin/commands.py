"""The `villagefin` command line: the only module that imports click.

Each command parses options, calls one library function, prints its result and exits 0 / 1 / 2. Library
errors (`VillagefinError`) become one Chinese line and their exit code; `--debug` shows a traceback instead.

Our modules import their heavy third-party libraries (reportlab, jinja2, openpyxl, PIL, pypdf, OCR) only where
they use them, and each other at the top. This module is the one exception, on purpose: each command imports
its library module inside the command, and only what `publish` needs to see that nothing changed is imported at
the top. All our modules together cost more to import than SPEC 9 allows an unchanged re-publish in all (under
10% of a full publish); `publish` first asks `replay.replay_unchanged`, which needs none of the others. Nothing
imports this module (the top layer), so these imports cannot hide a cycle, and import-linter and
tests/test_architecture.py see them as they see any other.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
import sys
from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path

import click

from .config import Config, find_config
from .errors import ConfigError, UsageError, VillagefinError
from .ledgers import MONTH_FORMS, parse_month, require_villages, shanghai_today
from .model import QUERY_CHANNELS, Period, QueryState, ReviewConclusion, RunOptions
from .replay import prepare_publish, replay_unchanged
from .text import (
    history_text,
    publish_text,
    query_added_text,
    query_answered_text,
    query_list_json,
    query_list_text,
    report_json_chunks,
    report_text,
    review_decision_text,
    review_history_text,
    review_text,
    status_text,
)

EXIT_OK, EXIT_ERRORS, EXIT_USAGE = 0, 1, 2


# ---- click in Chinese ---------------------------------------------------------------------------------------
# click's own words (Usage, Options, --help, its usage errors) come from gettext with no Chinese catalogue; they
# are said here instead, by subclassing, so nothing depends on the locale or on click's English sentences.
_HEADINGS = {"Options": "选项", "Commands": "命令", "Positional arguments": "参数", "Arguments": "参数"}
_EXTRA = re.compile(r"\[([^\[\]]*)\]$")  # click's "[default: 8000; 1<=x<=65535]" after an option's help


def _extra_in_chinese(match: re.Match[str]) -> str:
    items = [item.strip() for item in match.group(1).split(";")]
    said = []
    for item in items:
        if item.startswith("default: "):
            item = "默认：" + item[len("default: "):]
        elif item.startswith("env var: "):
            item = "环境变量：" + item[len("env var: "):]
        elif item == "required":
            item = "必填"
        said.append(item)
    return "[" + "；".join(said) + "]"


class ChineseFormatter(click.HelpFormatter):
    """Help pages with Chinese headings: 用法：, 选项：, 命令：."""

    def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        super().write_usage(prog, args, prefix="用法：" if prefix is None else prefix)

    def write_heading(self, heading: str) -> None:
        self.write(f"{'':>{self.current_indent}}{_HEADINGS.get(heading, heading)}：\n")

    def write_dl(self, rows, col_max: int = 30, col_spacing: int = 2) -> None:
        super().write_dl([(term, _EXTRA.sub(_extra_in_chinese, text)) for term, text in rows], col_max,
                         col_spacing)


class ChineseContext(click.Context):
    formatter_class = ChineseFormatter


class _ChineseCommandMixin:
    """What every villagefin command shares: a Chinese help page, the --help option's own words, and
    unexpected extra arguments said in Chinese."""

    context_class = ChineseContext

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("options_metavar", "[选项]")
        super().__init__(*args, **kwargs)

    def get_help_option(self, ctx: click.Context) -> click.Option | None:
        option = super().get_help_option(ctx)
        if option is not None:
            option.help = "显示本帮助并退出。"
        return option

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        allowed = ctx.allow_extra_args
        ctx.allow_extra_args = True  # click's own refusal is in English: the same check, said here
        try:
            rest = super().parse_args(ctx, args)
        except click.UsageError as exc:
            if exc.ctx is None:  # click's parser raises some without their command: name it for the hint
                exc.ctx = ctx
            raise
        finally:
            ctx.allow_extra_args = allowed
        if rest and not allowed and not ctx.resilient_parsing:
            raise click.UsageError(f"多余的参数：{' '.join(rest)}", ctx)
        return rest


class ChineseCommand(_ChineseCommandMixin, click.Command):
    pass


class VillagefinGroup(_ChineseCommandMixin, click.Group):
    """The `villagefin` group: Chinese help and usage errors, and one place that turns every failure into one
    Chinese line and an exit code (also under click's CliRunner)."""

    command_class = ChineseCommand

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("subcommand_metavar", "命令 [参数]...")
        super().__init__(*args, **kwargs)

    def resolve_command(self, ctx: click.Context, args: list[str]):
        name = args[0] if args else ""
        if (name and not name.startswith("-") and self.get_command(ctx, name) is None
                and not ctx.resilient_parsing):
            known = self.list_commands(ctx)
            close = difflib.get_close_matches(name, known)
            hint = f"，您是不是要用 {'、'.join(close)}？" if close else "。"
            raise click.UsageError(f"没有命令「{name}」{hint}可用的命令有 {'、'.join(known)}", ctx)
        return super().resolve_command(ctx, args)

    def main(self, args=None, prog_name=None, complete_var=None, standalone_mode=True, **extra):
        if not standalone_mode:
            return super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        args = list(sys.argv[1:] if args is None else args)
        debug = "--debug" in args
        args = [a for a in args if a != "--debug"]
        extra.setdefault("obj", RunOptions(debug=debug))  # passed down explicitly, never through the environment
        try:
            code = super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        except click.exceptions.Exit as exc:
            sys.exit(exc.exit_code)
        except click.exceptions.Abort:
            click.echo("已中断。", err=True)
            sys.exit(130)
        except click.ClickException as exc:
            if debug:
                raise
            command = exc.ctx.command_path if getattr(exc, "ctx", None) is not None else "villagefin"
            click.echo(f"用法错误：{_usage_message(exc)}（运行 {command} --help 查看用法）", err=True)
            sys.exit(EXIT_USAGE)
        except VillagefinError as exc:
            if debug:
                raise
            click.echo(f"错误：{exc}", err=True)
            sys.exit(exc.exit_code)
        except KeyboardInterrupt:
            click.echo("已中断。", err=True)
            sys.exit(130)
        except Exception as exc:  # the last line of defence: one line, and how to learn more
            if debug:
                raise
            click.echo(f"错误：程序内部错误（{type(exc).__name__}: {exc}）；请加 --debug 重新运行，并把输出发给维护人员。",
                       err=True)
            sys.exit(EXIT_USAGE)
        sys.exit(code if isinstance(code, int) else EXIT_OK)  # an int: the code of --help / --version


class ChineseChoice(click.Choice):
    """click.Choice whose refusal is said in Chinese."""

    def convert(self, value, param, ctx):
        if value in self.choices:
            return value
        self.fail(f"「{value}」不可用，只能是 {'、'.join(map(str, self.choices))}", param, ctx)


class ChineseIntRange(click.IntRange):
    """click.IntRange whose refusals are said in Chinese."""

    def convert(self, value, param, ctx):
        try:
            number = int(value)
        except (TypeError, ValueError):
            self.fail(f"「{value}」不是整数", param, ctx)
        if (self.min is not None and number < self.min) or (self.max is not None and number > self.max):
            self.fail(f"{number} 不在 {self.min} 到 {self.max} 之间", param, ctx)
        return number


class MonthType(click.ParamType):
    """--month as people write it (`Period.parse`): 2026-11, 2026/11, 2026.11, 202611, 2026年11月, 11月; passed on
    as YYYY-MM (or "any" where allowed)."""

    name = "month"

    def __init__(self, any_ok: bool = False) -> None:
        self.any_ok = any_ok

    def convert(self, value, param, ctx):
        if self.any_ok and str(value).strip().lower() == "any":
            return "any"
        period = Period.parse(str(value), shanghai_today())
        if period is None:
            more = "，或 any（不限月份）" if self.any_ok else ""
            self.fail(f"「{value}」看不懂，请写成 {MONTH_FORMS}{more}", param, ctx)
        return period.key


# ---- shared options, defined once -------------------------------------------------------------------------
def config_option(f):
    return click.option("--config", "config_path", type=click.Path(path_type=Path),
                        help="villagefin.toml 的路径（默认：当前文件夹中的 villagefin.toml）。")(f)


def month_option(f):
    return click.option("--month", type=MonthType(), default=None, metavar="YYYY-MM",
                        help="月份，如 2026-10、2026年10月、10月（默认：上个月）。")(f)


def village_option(f):
    return click.option("--village", "villages", multiple=True, metavar="ID",
                        help="只处理这个村（村代号，可重复）。")(f)


def out_option(default_help: str):
    def deco(f):
        return click.option("--out", type=click.Path(path_type=Path), default=None, help=default_help)(f)

    return deco


def _progress(label: str):
    """A progress callback that draws on a terminal and stays silent when output is redirected."""
    if not sys.stderr.isatty():
        return None

    def show(done: int, total: int) -> None:
        end = "\n" if done >= total else ""
        click.echo(f"\r{label} {done}/{total}", err=True, nl=False)
        if end:
            click.echo("", err=True)

    return show


def _options() -> RunOptions:
    """The run options `main` put on the click context (--debug); defaults when a command is invoked directly."""
    ctx = click.get_current_context(silent=True)
    obj = ctx.find_object(RunOptions) if ctx is not None else None
    return obj if obj is not None else RunOptions()


def _load(config_path: Path | None, required: bool = True):
    config = find_config(config_path)
    if config is None:
        if required:
            raise ConfigError("当前文件夹中没有 villagefin.toml；请进入镇工作目录运行，或用 --config 指定，"
                              "或先运行 villagefin init 目录 创建。")
        return Config()
    return config


@click.group(cls=VillagefinGroup, invoke_without_command=True,
             context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="villagefin", message="villagefin %(version)s", help="显示版本号并退出。")
@click.pass_context
def cli(ctx: click.Context) -> None:
    """villagefin：村级财务支出公开工具（每月检查账表、生成公开栏 PDF 和网页）。

    \b
    每月流程：
      villagefin check            检查各村上月账表，报告每个问题
      villagefin review           打印审核稿，登记村务监督委员会的审核结论
      villagefin publish          生成公开栏 PDF、网页、数据文件并存档
      villagefin status           查看各村报送、公开情况
    任何命令加 --debug 可显示详细的出错信息。
    """
    if ctx.invoked_subcommand is None:  # `villagefin` alone: its help, not an error
        click.echo(ctx.get_help())


@cli.command()
@click.argument("files", nargs=-1)
@village_option
@click.option("--month", type=MonthType(any_ok=True), default=None, metavar="YYYY-MM|any",
              help="检查的月份，如 2026-10、2026年10月、10月（默认：上个月）；any 表示不限月份（此时没有年份的日期算错误）。")
@config_option
@click.option("--format", "fmt", type=ChineseChoice(["text", "json"]), default="text", show_default=True,
              help="text 给人看；json 给程序用。")
@click.option("--annotate", type=click.Path(path_type=Path), default=None, metavar="DIR",
              help="把每个账表复制一份到 DIR/<村>/，标出每个问题并附「检查结果」表（原文件不改动）。")
def check(files, villages, month, config_path, fmt, annotate) -> None:
    """检查账表：报告每个问题的文件、工作表、行、列。

    不给 FILES 时检查工作目录中每个村配置的账表。退出码：0 没有错误，1 有错误或没有找到任何账表，2 用法或配置错误。
    """
    from .check import run_check  # see the module docstring
    from .feedback import annotate_report, refuse_input_folder
    from .history import history_for_check, load_previous_closings

    config = _load(config_path, required=not files)
    if annotate is not None:  # before anything is read: the originals must never be written (SPEC 18)
        refuse_input_folder(config, list(files) or None, villages, annotate)
    period = parse_month(month)
    history, notes = history_for_check(config.root, None if period is None else period.key)
    report = run_check(list(files) or None, config, month=month, villages=villages,
                       published_invoices=history, progress=_progress("读取账表"), keep_expenses=False,
                       options=_options(),
                       previous_closing=load_previous_closings(config.root, period, [v.id for v in config.villages]))
    if notes:  # a damaged archive: checked without the history, and said first
        report = replace(report, findings=(*notes, *report.findings))
    if fmt == "json":
        _echo_utf8(report_json_chunks(report))
    else:
        click.echo(report_text(report))
    code = EXIT_ERRORS if report.errors or report.found_no_ledger else EXIT_OK
    if annotate is not None:  # after the report: it is printed whatever happens to a copy
        outcome = annotate_report(report, config, list(files) or None, villages, annotate)
        click.echo(f"已写出 {len(outcome.written)} 个标注后的账表到 {annotate}", err=True)
        for line in outcome.failed:
            click.echo(f"错误：{line}", err=True)
        if outcome.failed:
            code = EXIT_USAGE
    sys.exit(code)


def _echo_utf8(text: str | Iterable[str]) -> None:
    """JSON for tools is UTF-8 whatever the console's code page (SPEC 4.1): `> out.json` on Chinese Windows
    would otherwise write GBK. Pieces are written as they come (a big report is never held twice)."""
    pieces = [text] if isinstance(text, str) else text
    buffer = getattr(sys.stdout, "buffer", None)
    if buffer is None:
        click.echo("".join(pieces))
        return
    sys.stdout.flush()
    for piece in pieces:
        buffer.write(piece.encode("utf-8"))
    buffer.write(b"\n")
    buffer.flush()


def _parse_date(text: str | None):
    if text is None:
        return None
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        raise UsageError(f"日期「{text}」格式不对，请写成 YYYY-MM-DD，例如 2026-11-05。") from None


@cli.command()
@month_option
@village_option
@out_option("输出文件夹（默认：工作目录中的 site/；预览时为 preview/）。")
@click.option("--preview", is_flag=True, help="生成带「预览稿」水印的草稿：允许有错误，不存档，不覆盖正式公开的月份。")
@click.option("--date", "pub_date", default=None, metavar="YYYY-MM-DD",
              help="印在公开表上的公开日期（默认：今天和公开日中较晚的一天）。")
@click.option("--correct", default=None, metavar="原因", help="已公开的月份数据有变化时，发布更正版，并写明更正原因。")
@click.option("--with-receipts", is_flag=True, help="把原始票据扫描件附在公开表 PDF 后面。")
@config_option
def publish(month, villages, out, preview, pub_date, correct, with_receipts, config_path) -> None:
    """生成上个月（或 --month）的公开栏 PDF、网页、数据文件和上传压缩包，并存档。

    没有错误的村正式公开；有错误的村列出问题并跳过。退出码：0 全部公开，1 有村被跳过，2 用法、配置或字体问题。
    """

    config = _load(config_path)
    asked = prepare_publish(config, month=month, villages=villages, out=out, preview=preview,
                            date=_parse_date(pub_date), correct=correct, with_receipts=with_receipts,
                            progress=_progress("生成"), options=_options())
    result = replay_unchanged(asked)
    if result is None:  # there is work: check, archive, draw
        from .publish import publish_prepared  # see the module docstring

        result = publish_prepared(asked)
    click.echo(publish_text(result))
    sys.exit(result.exit_code)


@cli.command()
@out_option("演示输出文件夹（默认：当前文件夹中的 villagefin-demo/）。")
def demo(out) -> None:
    """用自带的示例乡镇（samples/，2026年10月）演示整个流程：检查、公开、网页。"""
    from .demo import run_demo  # see the module docstring

    result = run_demo(out or Path("villagefin-demo"), progress=_progress("生成"))
    click.echo(result.text)


@cli.command()
@month_option
@config_option
def status(month, config_path) -> None:
    """各村本月情况：找到的账表、支出笔数和金额、错误和警告、公开情况（第几版、日期、按时/逾期/未公开）。"""
    from .status import run_status  # see the module docstring

    config = _load(config_path)
    click.echo(status_text(run_status(config, month=month)))


@cli.command()
@village_option
@month_option
@config_option
def history(villages, month, config_path) -> None:
    """每次公开和更正的记录：月份、版本、公开日期和实际运行时间、按时/逾期/补登、笔数、金额、更正原因。"""
    from .status import run_history, run_review_history  # see the module docstring

    config = _load(config_path)
    click.echo(history_text(run_history(config, villages=villages, month=month)))
    reviews = review_history_text(run_review_history(config, villages=villages, month=month))
    if reviews:
        click.echo(reviews)


@cli.command()
@month_option
@village_option
@click.option("--approve", "conclusion", flag_value=ReviewConclusion.APPROVE.value, default=None,
              help="登记审核结论：同意公开。")
@click.option("--revise", "conclusion", flag_value=ReviewConclusion.REVISE.value, help="登记审核结论：修改后公开。")
@click.option("--reject", "conclusion", flag_value=ReviewConclusion.REJECT.value, help="登记审核结论：不同意公开。")
@click.option("--by", default=None, metavar="姓名,姓名", help="审核人姓名，多人用逗号分隔（登记结论时必填）。")
@click.option("--opinion", default=None, metavar="TEXT", help="审核意见（默认：审核结论）；公开在公开表和网页上。")
@click.option("--date", "review_date", default=None, metavar="YYYY-MM-DD", help="审核日期（默认：今天）。")
@click.option("--fingerprint", default=None, metavar="HEX16",
              help="审核稿上的数据指纹（默认：该村本月最近一份审核稿的指纹）。")
@config_option
def review(month, villages, conclusion, by, opinion, review_date, fingerprint, config_path) -> None:
    """公开前审核：打印审核稿（review/<月份>/<村>-审核稿.pdf），或登记村务监督委员会的审核结论。

    \b
    不加 --approve/--revise/--reject：为没有错误的村生成审核稿。退出码：0 每个村都有审核稿，1 有村有错误。
    加结论：--village 村代号 --approve --by "王建国,李秀英" --opinion "同意公开"。数据在审核后改动过时
    不登记，退出码 1。
    """
    from .review import run_review, run_review_decision  # see the module docstring

    config = _load(config_path)
    if conclusion is None:
        for flag, value in (("--by", by), ("--opinion", opinion), ("--date", review_date), ("--fingerprint", fingerprint)):
            if value is not None:
                raise UsageError(f"{flag} 只在登记审核结论时使用，请同时写 --approve、--revise 或 --reject。")
        run = run_review(config, month=month, villages=villages, progress=_progress("审核稿"))
        click.echo(review_text(run))
        sys.exit(run.exit_code)
    if len(villages) != 1:
        raise UsageError("登记审核结论时须用 --village 指明一个村，例如 --village xinjie --approve --by \"王建国\"。")
    if by is None:
        raise UsageError("登记审核结论时须用 --by 写明审核人，例如 --by \"王建国,李秀英\"。")
    decision = run_review_decision(config, village=villages[0], conclusion=ReviewConclusion(conclusion), by=by,
                                   opinion=opinion, date=_parse_date(review_date), fingerprint_=fingerprint,
                                   month=month)
    click.echo(review_decision_text(decision))
    sys.exit(decision.exit_code)


@cli.group()
def query() -> None:
    """村民质询与答复：登记质询（add）、登记答复（answer）、列出质询（list）。下次 publish 时公开。"""


@query.command("add")
@click.option("--village", required=True, metavar="ID", help="村代号。")
@click.option("--month", required=True, metavar="YYYY-MM", help="质询的是哪个月的公开表。")
@click.option("--item", default=None, metavar="N", help="公开表上的序号（最新一版），如 12、收3、其2。")
@click.option("--voucher", default=None, metavar="V", help="或：凭证号，例如 记-012。")
@click.option("--question", required=True, metavar="TEXT", help="质询内容（将公开，请按公开的措辞写）。")
@click.option("--channel", type=ChineseChoice(list(QUERY_CHANNELS)), default="电话", show_default=True, help="收到的途径。")
@click.option("--received", default=None, metavar="YYYY-MM-DD", help="收到日期（默认：今天）。")
@click.option("--asker", default="", metavar="NAME", help="提问人（只存档，不公开）。")
@config_option
def query_add(village, month, item, voucher, question, channel, received, asker, config_path) -> None:
    """登记一条村民质询，打印编号 Q年份-序号；答复期限为收到后 [queries] reply_days 天。"""
    from .queries import run_query_add  # see the module docstring

    config = _load(config_path)
    line = run_query_add(config, village=village, month=month, item=item, voucher=voucher, question=question,
                         channel=channel, received=_parse_date(received), asker=asker)
    click.echo(line.record.number)
    click.echo(query_added_text(line))


@query.command("answer")
@click.argument("number")
@click.option("--answer", required=True, metavar="TEXT", help="答复内容（将公开）。")
@click.option("--by", default="", metavar="NAME", help="答复人或单位（只存档）。")
@click.option("--date", "answer_date", default=None, metavar="YYYY-MM-DD", help="答复日期（默认：今天）。")
@config_option
def query_answer(number, answer, by, answer_date, config_path) -> None:
    """登记质询 NUMBER 的答复；再次答复会替换公开的答复，此前的答复仍存档。"""
    from .queries import run_query_answer  # see the module docstring

    config = _load(config_path)
    line = run_query_answer(config, number, answer=answer, by=by, date=_parse_date(answer_date))
    click.echo(query_answered_text(line))


@query.command("list")
@click.option("--month", default=None, metavar="YYYY-MM", help="只列这个月公开表的质询。")
@village_option
@click.option("--open", "only_open", is_flag=True, help="只列未答复的（含逾期）。")
@click.option("--overdue", is_flag=True, help="只列逾期未答复的。")
@click.option("--format", "fmt", type=ChineseChoice(["text", "json"]), default="text", show_default=True,
              help="text 给人看；json 给程序用。")
@config_option
def query_list(month, villages, only_open, overdue, fmt, config_path) -> None:
    """列出质询：编号、村、月份、涉及的一笔、收到日期、途径、答复期限、答复日期、状态。"""
    from .queries import run_query_list  # see the module docstring

    config = _load(config_path)
    only = QueryState.OVERDUE if overdue else QueryState.OPEN if only_open else None
    lines = run_query_list(config, month=month, villages=villages, only=only)
    if fmt == "json":
        _echo_utf8(query_list_json(lines))
    else:
        click.echo(query_list_text(lines))


@cli.command()
@out_option("要预览的网站文件夹（默认：工作目录中的 site/）。")
@click.option("--port", type=ChineseIntRange(1, 65535), default=8000, show_default=True,
              help="端口（只在本机 127.0.0.1 上提供）。")
@config_option
def serve(out, port, config_path) -> None:
    """在本机（127.0.0.1）打开网站，上传前先看一看。按 Ctrl-C 结束。"""
    from .serve import serve as run_server  # see the module docstring

    site = out
    if site is None:
        config = _load(config_path)
        site = config.root / "site"
    if not Path(site, "index.html").is_file():
        raise UsageError(f"{site} 中没有网站（index.html）；请先运行 villagefin publish，或用 --out 指定网站文件夹。")
    click.echo(f"网站地址：http://127.0.0.1:{port}/ （按 Ctrl-C 结束）")
    run_server(Path(site), port)


@cli.command()
@click.argument("directory", type=click.Path(path_type=Path))
@click.option("--township", default=None,
              help="乡镇名称（默认：文件夹名以镇、乡或街道结尾时就是文件夹名，否则为「某某镇」，公开前须改成本镇名称）。")
def init(directory, township) -> None:
    """新建一个镇工作目录：带说明的 villagefin.toml、账表文件夹和空白账表模板。"""
    from .workspace import init_workspace  # see the module docstring

    written = init_workspace(directory, township=township)
    click.echo(f"已创建工作目录 {directory}：")
    for p in written:
        click.echo(f"  {p}")
    click.echo("下一步：编辑 villagefin.toml 填写乡镇和各村信息，把各村账表放进 ledgers/ 后运行 villagefin check。")


@cli.command()
@village_option
@click.option("-o", "--output", "output", type=click.Path(path_type=Path), required=True, metavar="FILE.xlsx",
              help="模板保存到哪里（.xlsx）。")
@config_option
def template(villages, output, config_path) -> None:
    """生成村里填写用的空白账表模板（表头、下拉选项、数据校验、填写说明）。"""
    from .template import write_template  # see the module docstring

    config = _load(config_path, required=False)
    village = villages[0] if villages else None
    if village:
        require_villages(config, [village])
    path = write_template(output, config, village)
    click.echo(f"已生成账表模板：{path}")


def _usage_message(exc: click.ClickException) -> str:
    """click's usage errors, said in Chinese from their parts (never from click's English sentences)."""
    if isinstance(exc, click.exceptions.NoSuchOption):
        close = getattr(exc, "possibilities", None) or []
        hint = f"，您是不是要用 {'、'.join(close)}？" if close else ""
        return f"没有选项 {exc.option_name}{hint}"
    if isinstance(exc, click.exceptions.MissingParameter):
        param = exc.param
        if isinstance(param, click.Argument):
            return f"缺少必需的参数 {param.human_readable_name}"
        if param is not None:
            return f"缺少必需的选项 {' / '.join(param.opts)}"
        return "缺少必需的参数"
    if isinstance(exc, click.exceptions.BadParameter):
        param = exc.param
        hint = ((" / ".join(param.opts) if isinstance(param, click.Option) else param.human_readable_name)
                if param is not None else (exc.param_hint if isinstance(exc.param_hint, str) else "参数"))
        return f"{hint} 的值不对：{exc.message}"
    if isinstance(exc, click.exceptions.BadOptionUsage):
        option = _option_named(exc.ctx, exc.option_name)
        if option is not None and option.is_flag:
            return f"选项 {exc.option_name} 不带值"
        return f"选项 {exc.option_name} 后面缺少值"
    return exc.format_message()


def _option_named(ctx: click.Context | None, name: str) -> click.Option | None:
    if ctx is None:
        return None
    for param in ctx.command.params:
        if isinstance(param, click.Option) and name in (*param.opts, *param.secondary_opts):
            return param
    return None


def main(argv: list[str] | None = None) -> None:
    """Console entry point: one Chinese line and an exit code for every failure, never a traceback
    (the handling itself is `VillagefinGroup.main`, so that click's test runner sees it too)."""
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.reconfigure(errors="replace")  # a GBK console must never crash on a character
        except (AttributeError, ValueError):
            pass
    cli.main(args=list(sys.argv[1:] if argv is None else argv), prog_name="villagefin")
