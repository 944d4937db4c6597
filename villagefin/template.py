"""The blank ledger a village fills in (`villagefin template`, SPEC 8).

One sheet 「支出明细」 with the canonical headers (the ones `check` reads best), data validation (real dates;
amounts not zero with at most two decimals, negative only for a reversal; category and payment-method
drop-downs), a frozen header and print settings; a sheet 「收入明细」 (money in: income and other receipts, with a
付款方 column, SPEC 12.2) and a sheet 「资金余额」 (库存现金 and 银行存款, 上月结余 and 本月结余); and a sheet
「填写说明」 saying how to fill each column, the 合计 row, the two money sheets, and how to name the receipt scans
(SPEC 10, 15). The category list is the chart in use plus `[chart] extra`, kept on the 填写说明 sheet and
referenced by a defined name.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from .chart import Account, load_chart
from .config import Config, Rules
from .errors import UsageError
from .money import in_sentence
from .output import save_workbook

LEDGER_SHEET = "支出明细"
INCOME_SHEET = "收入明细"
FUNDS_SHEET = "资金余额"
GUIDE_SHEET = "填写说明"
INCOME_HEADERS: tuple[str, ...] = (
    "日期", "凭证号", "摘要", "类别", "付款方", "收入金额（元）", "结算方式", "经手人", "审核人", "审批人", "附件张数",
    "备注",
)
#: the 类别 drop-down of 收入明细: income accounts (收入) and the other kinds of money in (其他收款, SPEC 12.1)
INCOME_CATEGORIES: tuple[str, ...] = (
    "经营收入", "发包及上交收入", "补助收入", "投资收益", "其他收入",
    "专项应付款", "一事一议资金", "公积公益金", "短期借款", "应付款", "内部往来", "应收款",
)
FUNDS_HEADERS: tuple[str, ...] = ("项目", "上月结余（元）", "本月结余（元）")
FUNDS_ROWS: tuple[str, ...] = ("库存现金", "银行存款")
HEADERS: tuple[str, ...] = (
    "日期", "凭证号", "摘要", "科目", "收款方", "金额（元）", "经手人", "审核人", "审批人", "发票号码", "附件张数",
    "支付方式", "备注",
)
METHODS: tuple[str, ...] = ("现金", "转账", "银行", "微信", "支付宝")
#: rows below the header that carry validation and formats
INPUT_ROWS = 1000
ACCOUNTS_NAME = "Accounts"

_WIDTHS = (12, 10, 32, 16, 18, 13, 9, 9, 9, 14, 9, 10, 30)
_FORMATS = {"A": "yyyy-mm-dd", "B": "@", "F": "#,##0.00", "J": "@", "K": "0"}
_HEADER_FILL = "DDEBF7"
_EXAMPLE = ("2026-10-08", "记-001", "购买村部办公用打印纸10包", "办公费", "新华书店", "120.00", "张三", "李四",
            "王五", "04400123", "1", "转账", "")


def write_template(path: Path, config: Config, village_id: str | None = None) -> Path:
    """Write the blank ledger to `path` (an .xlsx) and return it. A village id puts its name in a title row."""
    from openpyxl import Workbook

    village_name = None
    if village_id is not None:
        village = config.village(village_id)
        if village is None:
            known = "、".join(v.id for v in config.villages) or "（配置中还没有村）"
            raise UsageError(f"没有代号为「{village_id}」的村，请检查 --village（已配置的村：{known}）。")
        village_name = village.name
    path = Path(path)
    if path.suffix.lower() != ".xlsx":
        raise UsageError(f"模板文件名应以 .xlsx 结尾：{path}")
    wb = Workbook()
    ledger = wb.active
    ledger.title = LEDGER_SHEET
    guide = wb.create_sheet(GUIDE_SHEET)
    accounts = _accounts(config)
    first_account_row = _write_guide(guide, config, accounts)
    _define_accounts(wb, first_account_row, len(accounts))
    _write_ledger(ledger, config, village_name)
    _write_income(wb.create_sheet(INCOME_SHEET, 1), village_name)
    _write_funds(wb.create_sheet(FUNDS_SHEET, 2), village_name)
    wb.active = 0
    save_workbook(wb, path, "模板")
    return path


def _accounts(config: Config) -> list[Account]:
    """The category drop-down: every expense account of the chart in use, and every extra account."""
    chart = load_chart(config.chart)
    out = list(chart.expense_accounts())
    extra_codes = {e.code.strip() for e in config.chart.extra}
    seen = {(a.code, a.name) for a in out}
    for account in chart.accounts:
        if account.code in extra_codes and (account.code, account.name) not in seen:
            out.append(account)
    return out


def _write_ledger(ws, config: Config, village_name: str | None) -> None:
    from openpyxl.worksheet.datavalidation import DataValidation

    header_row = _table(ws, f"{village_name}支出明细" if village_name else None, HEADERS, _WIDTHS, _FORMATS)
    top, bottom = header_row + 1, header_row + INPUT_ROWS
    rules = config.rules

    def rng(letter: str) -> str:
        return f"{letter}{top}:{letter}{bottom}"

    def add(dv: DataValidation, letter: str, title: str, prompt: str) -> None:
        dv.promptTitle, dv.prompt = title[:32], prompt[:255]
        dv.showInputMessage = True
        dv.showErrorMessage = True
        dv.add(rng(letter))
        ws.add_data_validation(dv)

    # 2000-01-01 .. 2099-12-31 as Excel serial numbers (what Excel itself stores for a date rule)
    add(DataValidation(type="date", operator="between", formula1="36526", formula2="73050", allow_blank=True,
                       errorTitle="日期不对", error="请填写真实存在的日期，例如 2026-10-08。"),
        "A", "日期", "支付或报销的日期，例如 2026-10-08。")
    add(DataValidation(type="textLength", operator="lessThanOrEqual", formula1="30", allow_blank=True,
                       errorStyle="warning", errorTitle="凭证号", error="凭证号一般写成 记-001。"),
        "B", "凭证号", "记账凭证号，例如 记-001；同一凭证的几行填同一个号，每月连续编号。")
    add(DataValidation(type="textLength", operator="greaterThanOrEqual", formula1=str(max(rules.min_summary_chars, 1)),
                       allow_blank=True, errorStyle="warning", errorTitle="摘要太短",
                       error=f"摘要至少写 {rules.min_summary_chars} 个字，写清为什么花钱、买了什么。"),
        "C", "摘要", "写清为什么花钱、买了什么，例如「购买村部办公用打印纸10包」；不要只写「其他」「费用」。")
    add(DataValidation(type="list", formula1=ACCOUNTS_NAME, allow_blank=True, errorStyle="warning",
                       errorTitle="科目", error="这个科目不在下拉列表中，检查时会提示「科目不明」。确定要用吗？"),
        "D", "科目", "从下拉列表选择会计科目（科目表见「填写说明」），也可以填科目编码。")
    add(DataValidation(type="textLength", operator="greaterThan", formula1="0", allow_blank=True),
        "E", "收款方", "收款单位或收款人姓名。")
    f = f"F{top}"
    add(DataValidation(type="custom", formula1=f"AND(ISNUMBER({f}),{f}<>0,ROUND({f},2)={f})", allow_blank=True,
                       errorTitle="金额不对", error="金额不能为 0，最多两位小数，例如 1234.50。冲销（红字）才填负数。"),
        "F", "金额（元）", "不为 0，最多两位小数。冲销（红字）原凭证时才填负数，并在摘要中写明冲销的凭证号，例如「冲销记-012」。")
    for letter, title, prompt in (("G", "经手人", "经办这笔支出的人。"),
                                  ("H", "审核人", "民主理财小组（村务监督委员会）审核人。"),
                                  ("I", "审批人", "村负责人。")):
        add(DataValidation(type="textLength", operator="greaterThan", formula1="0", allow_blank=True),
            letter, title, prompt)
    add(DataValidation(type="textLength", operator="lessThanOrEqual", formula1="40", allow_blank=True),
        "J", "发票号码", "发票上的号码（按文本填写，开头的 0 会保留）；同一张发票只能报销一次。")
    add(DataValidation(type="whole", operator="between", formula1="0", formula2="999", allow_blank=True,
                       errorTitle="附件张数", error="附件张数填整数，例如 2。"),
        "K", "附件张数", "所附原始票据的张数（整数）。没有票据的支出是白条，请补齐票据。")
    add(DataValidation(type="list", formula1='"' + ",".join(METHODS) + '"', allow_blank=True, errorStyle="warning",
                       errorTitle="支付方式", error="支付方式一般从下拉列表选择。确定要用这个写法吗？"),
        "L", "支付方式", f"从下拉列表选择。现金支付一张凭证超过 {in_sentence(rules.cash_limit)} 元会提示。")
    add(DataValidation(type="textLength", operator="lessThanOrEqual", formula1="255", allow_blank=True),
        "M", "备注", f"一张凭证超过 {in_sentence(rules.resolution_threshold)} 元的，写明决议，例如「2026年第3次村民代表会议决议」。")


def _table(ws, title: str | None, headers: Sequence[str], widths: Sequence[int], formats: dict[str, str]) -> int:
    """A sheet's title row (when given), its bold filled header, column widths and formats, frozen header and
    A4 print settings; returns the header's row."""
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.utils import get_column_letter

    header_row = 1
    if title:
        ws.cell(row=1, column=1, value=title)
        ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(headers))
        ws["A1"].font = Font(bold=True, size=16)
        ws["A1"].alignment = Alignment(horizontal="center", vertical="center")
        ws.row_dimensions[1].height = 30
        header_row = 2
    thin = Side(style="thin", color="808080")
    fill = PatternFill(fill_type="solid", start_color="FF" + _HEADER_FILL, end_color="FF" + _HEADER_FILL)
    for c, label in enumerate(headers, start=1):
        cell = ws.cell(row=header_row, column=c, value=label)
        cell.font = Font(bold=True)
        cell.fill = fill
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        cell.border = Border(top=thin, bottom=thin, left=thin, right=thin)
    ws.row_dimensions[header_row].height = 22
    for c, width in enumerate(widths, start=1):
        letter = get_column_letter(c)
        ws.column_dimensions[letter].width = width
        if letter in formats:  # column styles: cells typed later take them, no empty cells are written
            ws.column_dimensions[letter].number_format = formats[letter]
    ws.freeze_panes = ws.cell(row=header_row + 1, column=1).coordinate
    ws.print_title_rows = f"{header_row}:{header_row}"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    return header_row


def _amount_rule(cell: str, zero_ok: bool):
    from openpyxl.worksheet.datavalidation import DataValidation

    test = f"AND(ISNUMBER({cell}),ROUND({cell},2)={cell})" if zero_ok else \
        f"AND(ISNUMBER({cell}),{cell}<>0,ROUND({cell},2)={cell})"
    return DataValidation(type="custom", formula1=test, allow_blank=True, errorTitle="金额不对",
                          error="只填数字，最多两位小数，例如 1234.50。" + ("" if zero_ok else "不能为 0。"))


def _write_income(ws, village_name: str | None) -> None:
    """收入明细: one row per sum of money in, read by `check` as an income list (its 付款方 column, SPEC 12.2)."""
    from openpyxl.worksheet.datavalidation import DataValidation

    header_row = _table(ws, f"{village_name}收入明细" if village_name else None, INCOME_HEADERS,
                        (12, 10, 32, 16, 20, 14, 10, 9, 9, 9, 9, 30), {"A": "yyyy-mm-dd", "B": "@", "F": "#,##0.00",
                                                                      "K": "0"})
    top, bottom = header_row + 1, header_row + INPUT_ROWS

    def add(dv, letter: str, title: str, prompt: str) -> None:
        dv.promptTitle, dv.prompt = title[:32], prompt[:255]
        dv.showInputMessage = dv.showErrorMessage = True
        dv.add(f"{letter}{top}:{letter}{bottom}")
        ws.add_data_validation(dv)

    add(DataValidation(type="date", operator="between", formula1="36526", formula2="73050", allow_blank=True,
                       errorTitle="日期不对", error="请填写真实存在的日期，例如 2026-10-08。"),
        "A", "日期", "收到钱的日期，例如 2026-10-08。")
    add(DataValidation(type="list", formula1='"' + ",".join(INCOME_CATEGORIES) + '"', allow_blank=True,
                       errorStyle="warning", errorTitle="类别", error="类别一般从下拉列表选择。确定要用这个写法吗？"),
        "D", "类别", "收入科目（补助收入、发包及上交收入……）或其他收款的科目（专项应付款、短期借款……）。")
    add(DataValidation(type="textLength", operator="greaterThan", formula1="0", allow_blank=True),
        "E", "付款方", "交钱的单位或个人。")
    add(_amount_rule(f"F{top}", zero_ok=False), "F", "收入金额（元）", "不为 0，最多两位小数；退回的收入填负数。")
    add(DataValidation(type="list", formula1='"' + ",".join(METHODS) + '"', allow_blank=True, errorStyle="warning",
                       errorTitle="结算方式", error="结算方式一般从下拉列表选择。"),
        "G", "结算方式", "现金收到的填「现金」，算入库存现金；其他算入银行存款。")


def _write_funds(ws, village_name: str | None) -> None:
    """资金余额: 库存现金 and 银行存款, 上月结余 and 本月结余 (SPEC 12.2: a balances sheet)."""
    header_row = _table(ws, f"{village_name}资金余额" if village_name else None, FUNDS_HEADERS, (14, 18, 18),
                        {"B": "#,##0.00", "C": "#,##0.00"})
    for i, name in enumerate(FUNDS_ROWS, start=header_row + 1):
        ws.cell(row=i, column=1, value=name)
        for letter in "BC":
            dv = _amount_rule(f"{letter}{i}", zero_ok=True)
            dv.promptTitle, dv.prompt = "余额", "月初（上月结余）和月末（本月结余）的余额，与现金日记账、银行对账单一致。"
            dv.showInputMessage = dv.showErrorMessage = True
            dv.add(f"{letter}{i}")
            ws.add_data_validation(dv)


class _Guide:
    """Writes the 填写说明 sheet line by line: a row of cells, a merged paragraph, a numbered heading."""

    def __init__(self, ws) -> None:
        from openpyxl.styles import Alignment, Font, PatternFill

        self.ws = ws
        self.row = 1
        self.bold = Font(bold=True)
        self._font = Font
        self._wrap = Alignment(wrap_text=True, vertical="top")
        self._top = Alignment(vertical="top")
        self._fill = PatternFill(fill_type="solid", start_color="FF" + _HEADER_FILL, end_color="FF" + _HEADER_FILL)
        for column, width in (("A", 14), ("B", 22), ("C", 70), ("D", 26)):
            ws.column_dimensions[column].width = width

    def line(self, *values: object, font=None, height: float | None = None, wrapped: tuple[int, ...] = (3,)) -> None:
        for c, value in enumerate(values, start=1):
            cell = self.ws.cell(row=self.row, column=c, value=value)
            cell.alignment = self._wrap if c in wrapped else self._top
            if font is not None:
                cell.font = font
        if height is None and len(values) >= 3 and isinstance(values[2], str):
            # LibreOffice and WPS do not grow a wrapped row by themselves: size it from the text
            lines = -(-_text_width(values[2]) // (2 * 34))
            height = 16.0 * max(lines, 1) + 2
        if height:
            self.ws.row_dimensions[self.row].height = height
        self.row += 1

    def header(self, *labels: str) -> None:
        """A table's header line, bold on the header fill."""
        self.line(*labels, font=self.bold)
        for c in range(1, len(labels) + 1):
            self.ws.cell(row=self.row - 1, column=c).fill = self._fill

    def paragraph(self, text: str, height: float) -> None:
        self.line(text, wrapped=(1,), height=height)
        self.ws.merge_cells(start_row=self.row - 1, start_column=1, end_row=self.row - 1, end_column=4)

    def title(self, text: str) -> None:
        self.line(text, font=self._font(bold=True, size=16), height=28)

    def heading(self, text: str) -> None:
        self.row += 1
        self.line(text, font=self._font(bold=True, size=13))


def _write_guide(ws, config: Config, accounts: list[Account]) -> int:
    """Fill the 填写说明 sheet; return the row of the first account of the category list."""
    g = _Guide(ws)
    g.title("支出明细填写说明")
    g.paragraph("每一行填一笔支出。一张凭证有几项支出就填几行，这几行的凭证号相同。不要合并单元格，不要隐藏行、列或"
                "工作表（隐藏的内容也会被读取并提示）。每月的支出填在一个文件（或一个工作表）里。", 36)

    g.heading("一、各栏怎么填")
    g.header("栏目", "是否必填", "怎么填", "示例")
    for (label, need, how), example in zip(_column_guide(config.rules), _EXAMPLE, strict=True):
        g.line(label, need, how, example or "2026年第3次村民代表会议决议")

    g.heading("二、合计行")
    g.paragraph("全部支出填完后，可以在最后一笔下面一行的摘要栏写「合计」，在金额栏填本月合计（可以用公式，例如 "
                "=SUM(F3:F60)，用 Excel 或 WPS 保存一次，公式结果才会存入文件）。检查时会核对合计是否等于各行之和。"
                "「小计」行不算支出；合计行下面的制表人、审核人签名等内容不会被读取。", 52)
    _guide_receipts(g)

    g.heading("四、收入明细和资金余额")
    g.paragraph("收入明细：每一行填一笔收到的钱——补助、发包租金、经营收入等（类别选收入科目），以及借款、专项资金、"
                "往来款等其他收款（类别选对应科目）。付款方填交钱的单位或个人；结算方式为「现金」的算入库存现金，"
                "其余算入银行存款。资金余额：填库存现金和银行存款的上月结余、本月结余，须与日记账、银行对账单一致；"
                "检查时核对「上月结余 + 收入 − 支出 ± 其他收付 = 本月结余」，上月结余还要等于上月公开的本月结余。"
                "村里没有收入、也不公开余额的，这两张表可以空着。", 88)

    first = _guide_chart(g, config, accounts)
    ws.page_setup.orientation = "portrait"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    return first


def _column_guide(rules: Rules) -> tuple[tuple[str, str, str], ...]:
    """Each column of the expense sheet: its label, whether it must be filled, how to fill it (with the
    township's own limits)."""
    return (
        ("日期", "必填", "支付或报销的日期，按日期格式填写。只填本月的支出。"),
        ("凭证号", "必填", "记账凭证号。同一张凭证的几行填同一个号；每月从 记-001 起连续编号，不要跳号，"
                         "作废的凭证请在备注中说明。"),
        ("摘要", "必填", f"写清为什么花钱、买了什么，至少 {rules.min_summary_chars} 个字；不要只写"
                       f"「{'」「'.join(rules.vague_terms[:4])}」这样笼统的词。"),
        ("科目", "选填", "从下拉列表选择会计科目（见本页最后的科目表），也可以填科目编码；"
                       "表中没有的科目会提示「科目不明」，可由乡镇在 villagefin.toml 的 [chart] extra 中添加。"),
        ("收款方", "应填", "收款单位或收款人姓名。"),
        ("金额（元）", "必填", "只填数字，不能为 0，最多两位小数，例如 1234.50。冲销（红字）原凭证时填负数，"
                            "并在摘要中写明冲销的凭证号；冲销时发票号码可与原凭证相同。"),
        ("经手人", "应填", "经办这笔支出的人。"),
        ("审核人", "应填", "民主理财小组（村务监督委员会）审核人。"),
        ("审批人", "应填", "村负责人。经手人、审核人、审批人缺一会提示手续不全。"),
        ("发票号码", "有发票时填", "发票上的号码。同一张发票只能报销一次，重复的发票号是错误。"),
        ("附件张数", "应填", "所附原始票据的张数（整数）。为 0 或不填的会提示可能是白条。"),
        ("支付方式", "应填", f"从下拉列表选择：{'、'.join(METHODS)}。一张凭证现金支付超过 "
                           f"{in_sentence(rules.cash_limit)} 元会提示，大额支出应转账。"),
        ("备注", "按需", f"一张凭证合计超过 {in_sentence(rules.resolution_threshold)} 元的，必须写明决议，例如"
                       "「2026年第3次村民代表会议决议」。"),
    )


def _guide_receipts(g: _Guide) -> None:
    g.heading("三、原始票据扫描件怎么放、怎么命名")
    g.paragraph("把发票、收据等原始票据扫描或拍照（JPG、PNG 或 PDF），放进本村票据文件夹（receipts）里当月的子文件夹："
                "凭证号每月从头编，所以每月一个子文件夹，例如 receipts/2026-10/（也可写 2026年10月/ 或 10月/）。"
                "更正旧月份时，程序会回到那个月的子文件夹里找票据。子文件夹里按凭证号命名：", 56)
    for name, meaning in (
        ("2026-10/", "2026年10月的票据都放在这里（每月新建一个）"),
        ("记-012.jpg", "凭证 记-012 的票据（只有一张时）"),
        ("记-012-2.jpg", "凭证 记-012 的第 2 张票据（第 3 张为 记-012-3.jpg，依此类推）"),
        ("记-012/", "也可以建一个以凭证号命名的文件夹，把这张凭证的票据都放进去"),
        ("12.jpeg", "只写编号的，表示「记」字凭证（或本村唯一的凭证字）第 12 号"),
    ):
        g.line("", name, meaning)
    g.paragraph("扫描件的张数应与附件张数一致，不一致会提示。公开时程序会识别扫描件上的身份证号、手机号、银行卡号并涂黑，"
                "遮盖后仍能认出号码的扫描件不公开；手写的号码识别不出，公开前请在票据核对页"
                "（.villagefin/receipts-review/月份/村代号.pdf）逐张看一遍。", 60)


def _guide_chart(g: _Guide, config: Config, accounts: list[Account]) -> int:
    """The chart of accounts behind the 科目 drop-down; returns the row of its first account."""
    system = "2004 年村集体经济组织会计制度" if load_chart(config.chart).system == "2004" else "2023 年农村集体经济组织会计制度"
    g.heading(f"五、科目表（「科目」栏的下拉列表，{system}）")
    g.header("科目编码", "科目名称", "公开时的分类")
    first = g.row
    for account in accounts:
        g.line(account.code, account.name, account.group)
        g.ws.cell(row=g.row - 1, column=1).number_format = "@"
    return first


def _text_width(text: str) -> int:
    """Width in half-width characters (a CJK character counts two)."""
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)


def _define_accounts(wb, first_row: int, count: int) -> None:
    from openpyxl.workbook.defined_name import DefinedName

    last = first_row + max(count, 1) - 1
    ref = f"'{GUIDE_SHEET}'!$B${first_row}:$B${last}"
    wb.defined_names[ACCOUNTS_NAME] = DefinedName(ACCOUNTS_NAME, attr_text=ref)
