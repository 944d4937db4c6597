"""The `villagefin` command line: the only module that imports click.

Each command parses options, calls one library function, prints its result and exits 0 / 1 / 2. Library
errors (`VillagefinError`) become one Chinese line and their exit code; `--debug` shows a traceback instead.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from .errors import VillagefinError

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


def _load(config_path: Path | None, required: bool = True):
    from .config import Config, find_config

    config = find_config(config_path)
    if config is None:
        if required:
            from .errors import ConfigError

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
    from .check import run_check
    from .report import report_json, report_text

    config = _load(config_path, required=not files)
    history = _published_invoices(config, month)
    report = run_check(list(files) or None, config, month=month, villages=villages,
                       published_invoices=history, progress=_progress("读取账表"))
    if annotate is not None:
        from .annotate_run import annotate_report

        written = annotate_report(report, config, list(files) or None, villages, annotate)
        click.echo(f"已写出 {len(written)} 个标注后的账表到 {annotate}", err=True)
    if fmt == "json":
        click.echo(report_json(report))
    else:
        click.echo(report_text(report))
    sys.exit(EXIT_ERRORS if report.errors else EXIT_OK)


def _published_invoices(config, month):
    """Invoices already published in other months, from the workspace archive (if any)."""
    if config.root is None:
        return {}
    try:
        from .archive import published_invoices
    except ImportError:
        return {}
    from .check import parse_month

    period = parse_month(month)
    label = None if period is None else f"{period.year:04d}-{period.month:02d}"
    return published_invoices(config.root, exclude_period=label)


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
        cli.main(args=args, prog_name="villagefin", standalone_mode=False)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except click.exceptions.Abort:
        click.echo("已中断。", err=True)
        sys.exit(130)
    except click.ClickException as exc:
        if debug:
            raise
        click.echo(f"用法错误：{exc.format_message()}（运行 villagefin --help 查看用法）", err=True)
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
