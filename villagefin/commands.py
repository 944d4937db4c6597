"""The `villagefin` command line: the only module that imports click.

Each command parses options, calls one library function, prints its result and exits 0 / 1 / 2. Library
errors (`VillagefinError`) become one Chinese line and their exit code; `--debug` shows a traceback instead.
"""

from __future__ import annotations

import datetime as dt
import re
import sys
from pathlib import Path

import click

from .check import run_check
from .config import Config, find_config
from .demo import run_demo
from .errors import ConfigError, UsageError, VillagefinError
from .feedback import annotate_report
from .history import load_history, load_previous_closings
from .ledgers import parse_month
from .model import RunOptions
from .publish import run_publish
from .serve import serve as run_server
from .status import run_history, run_status
from .template import write_template
from .text import history_text, publish_text, report_json, report_text, status_text
from .workspace import init_workspace

EXIT_OK, EXIT_ERRORS, EXIT_USAGE = 0, 1, 2


# ---- shared options, defined once -------------------------------------------------------------------------
def config_option(f):
    return click.option("--config", "config_path", type=click.Path(path_type=Path),
                        help="villagefin.toml 的路径（默认：当前文件夹中的 villagefin.toml）。")(f)


def month_option(f, any_ok: bool = False):
    text = "月份 YYYY-MM（默认：上个月）" + ("；any 表示不限月份。" if any_ok else "。")
    return click.option("--month", default=None, metavar="YYYY-MM", help=text)(f)


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


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="villagefin", message="villagefin %(version)s")
def cli() -> None:
    """villagefin：村级财务支出公开工具（每月检查账表、生成公开栏 PDF 和网页）。

    \b
    每月流程：
      villagefin check            检查各村上月账表，报告每个问题
      villagefin publish          生成公开栏 PDF、网页、数据文件并存档
      villagefin status           查看各村报送、公开情况
    任何命令加 --debug 可显示详细的出错信息。
    """


@cli.command()
@click.argument("files", nargs=-1)
@village_option
@click.option("--month", default=None, metavar="YYYY-MM|any",
              help="检查的月份（默认：上个月）；any 表示不限月份（此时没有年份的日期算错误）。")
@config_option
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True,
              help="text 给人看；json 给程序用。")
@click.option("--annotate", type=click.Path(path_type=Path), default=None, metavar="DIR",
              help="把每个账表复制一份到 DIR/<村>/，标出每个问题并附「检查结果」表（原文件不改动）。")
def check(files, villages, month, config_path, fmt, annotate) -> None:
    """检查账表：报告每个问题的文件、工作表、行、列。

    不给 FILES 时检查工作目录中每个村配置的账表。退出码：0 没有错误，1 有错误，2 用法或配置错误。
    """
    config = _load(config_path, required=not files)
    period = parse_month(month)
    history = load_history(config.root, None if period is None else period.key)
    report = run_check(list(files) or None, config, month=month, villages=villages,
                       published_invoices=history, progress=_progress("读取账表"), keep_expenses=annotate is not None,
                       options=_options(),
                       previous_closing=load_previous_closings(config.root, period, [v.id for v in config.villages]))
    if annotate is not None:
        written = annotate_report(report, config, list(files) or None, villages, annotate)
        click.echo(f"已写出 {len(written)} 个标注后的账表到 {annotate}", err=True)
    if fmt == "json":
        _echo_utf8(report_json(report))
    else:
        click.echo(report_text(report))
    sys.exit(EXIT_ERRORS if report.errors else EXIT_OK)


def _echo_utf8(text: str) -> None:
    """JSON for tools is UTF-8 whatever the console's code page (SPEC 4.1): `> out.json` on Chinese Windows
    would otherwise write GBK."""
    buffer = getattr(sys.stdout, "buffer", None)
    if buffer is None:
        click.echo(text)
        return
    sys.stdout.flush()
    buffer.write(text.encode("utf-8") + b"\n")
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
    result = run_publish(config, month=month, villages=villages, out=out, preview=preview,
                         date=_parse_date(pub_date), correct=correct, with_receipts=with_receipts,
                         progress=_progress("生成"), options=_options())
    click.echo(publish_text(result))
    sys.exit(result.exit_code)


@cli.command()
@out_option("演示输出文件夹（默认：当前文件夹中的 villagefin-demo/）。")
def demo(out) -> None:
    """用自带的示例乡镇（samples/，2026年10月）演示整个流程：检查、公开、网页。"""
    result = run_demo(out or Path("villagefin-demo"), progress=_progress("生成"))
    click.echo(result.text)


@cli.command()
@month_option
@config_option
def status(month, config_path) -> None:
    """各村本月情况：找到的账表、支出笔数和金额、错误和警告、公开情况（第几版、日期、按时/逾期/未公开）。"""
    config = _load(config_path)
    click.echo(status_text(run_status(config, month=month)))


@cli.command()
@village_option
@month_option
@config_option
def history(villages, month, config_path) -> None:
    """每次公开和更正的记录：月份、版本、公开日期和实际运行时间、按时/逾期/补登、笔数、金额、更正原因。"""
    config = _load(config_path)
    click.echo(history_text(run_history(config, villages=villages, month=month)))


@cli.command()
@out_option("要预览的网站文件夹（默认：工作目录中的 site/）。")
@click.option("--port", default=8000, show_default=True, help="端口（只在本机 127.0.0.1 上提供）。")
@config_option
def serve(out, port, config_path) -> None:
    """在本机（127.0.0.1）打开网站，上传前先看一看。按 Ctrl-C 结束。"""
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
@click.option("--township", default="某某镇", show_default=True, help="乡镇名称。")
def init(directory, township) -> None:
    """新建一个镇工作目录：带说明的 villagefin.toml、账表文件夹和空白账表模板。"""
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
    config = _load(config_path, required=False)
    village = villages[0] if villages else None
    if village and config.village(village) is None:
        raise UsageError(f"未知的村代号「{village}」。")
    path = write_template(output, config, village)
    click.echo(f"已生成账表模板：{path}")


def _usage_message(exc: click.ClickException) -> str:
    """click's usage errors, said in Chinese."""
    text = exc.format_message()
    if isinstance(exc, click.exceptions.NoSuchOption):
        return f"没有选项 {exc.option_name}"
    if isinstance(exc, click.exceptions.MissingParameter):
        hint = exc.param_hint or (" / ".join(exc.param.opts) if exc.param else "")
        return f"缺少必需的 {hint}"
    if isinstance(exc, click.exceptions.BadParameter):
        hint = exc.param_hint if isinstance(exc.param_hint, str) else (exc.param.opts[0] if exc.param else "")
        choice = re.search(r"'(.*)' is not one of (.*)\.", exc.message)
        if choice:
            return f"{hint} 的值「{choice.group(1)}」不可用，只能是 {choice.group(2)}"
        return f"{hint} 的值不对（{exc.message}）"
    command = re.match(r"No such command '(.*)'", text)
    if command:
        return f"没有命令「{command.group(1)}」；可用的命令有 check、publish、status、history、demo、serve、init、template"
    extra = re.match(r"Got unexpected extra arguments? \((.*)\)", text)
    if extra:
        return f"多余的参数：{extra.group(1)}"
    return text


def main(argv: list[str] | None = None) -> None:
    """Console entry point: one Chinese line and an exit code for every failure, never a traceback."""
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.reconfigure(errors="replace")  # a GBK console must never crash on a character
        except (AttributeError, ValueError):
            pass
    args = list(sys.argv[1:] if argv is None else argv)
    debug = "--debug" in args
    args = [a for a in args if a != "--debug"]
    try:
        cli.main(args=args, prog_name="villagefin", standalone_mode=False, obj=RunOptions(debug=debug))
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except click.exceptions.Abort:
        click.echo("已中断。", err=True)
        sys.exit(130)
    except click.ClickException as exc:
        if debug:
            raise
        click.echo(f"用法错误：{_usage_message(exc)}（运行 villagefin --help 查看用法）", err=True)
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
    sys.exit(EXIT_OK)
