"""The one catalogue of finding codes (SPEC 4): severity, a Chinese message template and a fix hint.

Codes are the interface and never change; messages are for people. `make()` is the only way a
finding is built, so every code emitted is in the catalogue and every message says how to fix it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace

from .model import ERROR, WARNING, Finding


@dataclass(frozen=True, slots=True)
class Code:
    code: str
    severity: str
    title: str  # short Chinese name, for reports and the README table
    template: str  # what is wrong; named placeholders
    hint: str  # how to fix it


_CODES = (
    # errors
    Code("unreadable-file", ERROR, "文件无法读取", "无法读取此文件：{reason}。",
         "请确认文件存在、是 Excel/WPS/CSV 表格、没有设置打开密码且小于 50 MB，必要时在 Excel/WPS 中另存为 .xlsx 后重新检查。"),
    Code("no-header", ERROR, "找不到表头", "找不到表头：{detail}。",
         "表头至少要有「日期」「凭证号」「摘要」「金额」四列（别名见 README）；请补上缺少的列或改成这些列名，"
         "或使用 villagefin template 生成的模板。"),
    Code("missing-field", ERROR, "必填项为空", "{field}为空。",
         "请补填这一项；日期、凭证号、摘要、金额每笔支出都必须填写。"),
    Code("bad-date", ERROR, "日期错误", "日期「{value}」无法识别或不存在{detail}。",
         "请填写真实存在的日期，例如 2026-10-08 或 2026年10月8日。"),
    Code("date-outside-period", ERROR, "日期不在本期", "日期 {value} 不在本期（{period}）内。",
         "请核对日期；若属于其他月份，请移到该月的账表中。"),
    Code("bad-amount", ERROR, "金额错误", "金额「{value}」{reason}。",
         "请填写非零金额，最多两位小数，例如 1234.50；冲销用负数或括号表示。"),
    Code("formula-no-value", ERROR, "公式没有计算结果", "此单元格是公式，但文件中没有保存计算结果。",
         "请用 Excel 或 WPS 打开此文件并保存一次，让公式结果存入文件后再检查。"),
    Code("total-mismatch", ERROR, "合计不符", "合计行金额 {stated} 与明细之和 {computed} 不符（相差 {diff}）。",
         "请核对合计行公式或逐笔金额，使合计等于明细之和。"),
    Code("duplicate-invoice", ERROR, "发票号重复", "发票号 {invoice} 在其他凭证中已出现：{other}。",
         "同一张发票只能报销一次；请核对是否重复报销，改正发票号或删除重复的支出。"),
    Code("duplicate-voucher", ERROR, "凭证号重复", "这个凭证号同时出现在多个文件或工作表中：{other}。",
         "同一凭证只能记在一处；若是修改后另存的新文件，请删除或移走旧文件。"),
    Code("unknown-chart", ERROR, "科目表不是村级科目表",
         "这张序时账用的是企业会计科目（看到科目编码 {value}），不是村集体经济组织的会计科目，本表的分录都没有读取。",
         "请从村级账套（《村集体经济组织会计制度》或《农村集体经济组织会计制度》，如 101 库存现金、541 或 513 "
         "管理费用）导出序时账；若这是企业或合作社的账套，请不要放进村账表的位置。"),
    Code("unbalanced-voucher", ERROR, "凭证借贷不平", "借方合计 {debit} 与贷方合计 {credit} 不等。",
         "请在记账软件中修正该凭证使借贷相等，然后重新导出序时账。"),
    Code("balance-mismatch", ERROR, "余额不符", "{what} {stated} 元，与{other} {computed} 元不符（相差 {diff}）。",
         "请核对上月结余、本月各笔收付和本月结余，使「上月结余 + 收入 − 支出 + 其他收款 − 其他付款 ± 内部转账 = 本月结余」，"
         "并使各账表的余额一致、本月期初等于上月公开的期末；序时账 101、102 的借贷合计须等于科目余额表的本期发生，"
         "不等时多半是导出序时账时漏了凭证，请重新导出整月的凭证。"),
    Code("negative-cash", ERROR, "库存现金为负", "库存现金余额为 {amount} 元，现金不可能是负数。",
         "请核对现金日记账：可能漏记了收入或提现，或把银行付款记成了现金付款。"),
    # warnings
    Code("voucher-gap", WARNING, "凭证号不连续", "凭证号不连续：{before} 之后是 {after}，缺少 {missing}。",
         "请确认缺号的凭证是否漏记、作废或记在其他文件中；作废凭证请在备注中说明。"),
    Code("possible-duplicate-invoice", WARNING, "发票号疑似重复",
         "发票号 {invoice} 在其他凭证中也出现：{other}；没有发票代码，收款方也不同，无法确定是否同一张发票。",
         "请核对原始发票：若是同一张，删除重复的支出；若是不同开票方的发票，请在「发票代码」列填上发票代码。"),
    Code("duplicate-row", WARNING, "重复行", "与第 {other} 行完全相同。",
         "请确认是否重复录入；若确是两笔相同支出，请在备注中注明以示区别。"),
    Code("missing-approval", WARNING, "审批手续不全", "{fields}为空。",
         "请补填经手人、审核人（民主理财小组）和审批人，手续齐全后再公开。"),
    Code("missing-payee", WARNING, "收款方为空", "收款方为空。",
         "请填写收款单位或收款人姓名。"),
    Code("no-attachments", WARNING, "没有附件", "附件张数为空或为 0，可能是白条入账。",
         "请附上发票等原始凭证，并填写附件张数。"),
    Code("cash-over-limit", WARNING, "现金支付超限", "现金支付 {amount} 元，超过限额 {limit} 元。",
         "大额支出应通过银行转账支付；如确需现金，请在备注中说明原因。"),
    Code("needs-resolution", WARNING, "缺少决议", "金额 {amount} 元超过 {limit} 元，备注中没有决议记录。",
         "请在备注中注明村民代表会议或两委会的决议（如「2026年第3次村民代表会议决议」）。"),
    Code("possible-split", WARNING, "疑似拆分支付", "{payee} 在 {days} 天内共 {count} 笔、合计 {amount} 元，超过 {limit} 元。",
         "请确认是否把一笔大额支出拆成多笔以规避决议；如是同一事项，应按规定履行决议程序。"),
    Code("vague-summary", WARNING, "摘要笼统", "摘要「{value}」过于笼统。",
         "请写清楚为什么花钱、买了什么，例如「购买村部办公用打印纸10包」。"),
    Code("negative-amount", WARNING, "红字冲销", "金额为负数 {amount} 元，按红字冲销公开。",
         "请确认这是对原凭证的冲销，并在摘要中注明冲销的凭证号。"),
    Code("hidden-content", WARNING, "隐藏内容", "{what}被隐藏，但其中有数据；这些数据仍会被读取。",
         "请在 Excel/WPS 中取消隐藏并确认内容；不需要的数据请删除。"),
    Code("unknown-category", WARNING, "科目不明", "科目「{value}」不在会计科目表中。",
         "请使用会计制度中的科目名称或编码，或在 villagefin.toml 的 [chart] extra 中添加该科目。"),
    Code("glyph-missing", WARNING, "字体缺字", "PDF 字体无法显示这些字：{chars}。",
         "请换用常见写法，或在 villagefin.toml 的 [publication] font 中换一个字更全的字体（如 SimSun）。"),
    Code("archive-unreadable", WARNING, "存档已损坏", "存档已损坏，无法读取，本次没有核对跨月重复发票。",
         "请从备份恢复 .villagefin/archive.sqlite（损坏的文件先改名保留），再重新检查；存档修好之前不能正式公开。"),
    Code("cash-on-hand-over-limit", WARNING, "库存现金超限额", "月末库存现金 {amount} 元，超过库存现金限额 {limit} 元。",
         "超过限额的现金应及时存入银行；限额可在 villagefin.toml 的 [rules] cash_on_hand_limit 中设置。"),
    Code("missing-balance", WARNING, "缺少余额", "本月有收入或其他收付，但没有{what}。",
         "请提供现金、银行存款日记账（含上月结转和本月合计行）、资金余额表或科目余额表，写明上月结余和本月结余。"),
    Code("unclassified-flow", WARNING, "收付类型不明", "{what}，无法归入其他收付的类型，将按「其他」公开。",
         "请在对方科目中写明会计科目（如 应付款、短期借款、专项应付款），或在 [chart] extra 中添加该科目。"),
    Code("receipt-mismatch", WARNING, "票据张数不符", "{subject}找到 {found} 张票据扫描件，登记附件 {declared} 张。",
         "请补扫缺少的票据，或改正附件张数；扫描件请按凭证号命名（如 记-012.jpg）。"),
    Code("reviewer-conflict", WARNING, "审核人与经办人相同",
         "审核人「{name}」是本月序号 {seqs} 的{role}，审核了自己经办、审批或收款的支出。",
         "请由与这些支出无关的村务监督委员会成员审核，或在审核意见中说明回避情况。"),
    Code("receipts-not-by-month", WARNING, "票据未按月分文件夹",
         "票据文件夹 {value} 里没有按月份分的子文件夹；凭证号每月从头编，上月的扫描件会被当成本月的。",
         "请在票据文件夹里按月份建子文件夹（如 2026-10/、2026年10月/ 或 10月/），把每月的扫描件放进对应月份。"),
    Code("receipt-unreadable", WARNING, "票据扫描件无法读取", "扫描件 {value} 无法打开（文件损坏或不完整），不计张数，也不公开。",
         "请重新扫描或重新拷贝这张票据，保存为 JPG、PNG 或 PDF。"),
    Code("receipt-redacted", WARNING, "票据已遮盖个人信息", "凭证 {voucher} 的扫描件 {value}：遮盖了 {what}。",
         "公开前请在票据核对页（审核稿或 .villagefin/receipts-review/）看一遍遮盖效果；手写的号码识别不出，需人工核对。"),
    Code("receipt-withheld", WARNING, "票据未公开", "凭证 {voucher} 的扫描件 {value}：{reason}，本次不公开这张扫描件。",
         "请核对这张票据：可重新扫描得更清楚，或手工遮盖号码后放回；确认无个人信息时可设 publish_receipts = \"as-is\"。"),
)

CATALOGUE: dict[str, Code] = {c.code: c for c in _CODES}

#: the wording of a code when its rule reads an income line or another money receipt (SPEC 12.3: "missing-payee
#: reads the payer"): what is wrong, how to fix it. The code stays the same.
RECEIPT_WORDING: dict[str, tuple[str, str]] = {
    "missing-payee": ("付款方为空。", "请填写付款单位或交款人姓名。"),
}


def on_receipts(findings: Iterable[Finding]) -> list[Finding]:
    """Findings of the expense rules run over income and other receipts, worded for money that came in."""
    out = []
    for f in findings:
        wording = RECEIPT_WORDING.get(f.code)
        out.append(replace(f, message="".join(wording)) if wording else f)
    return out


def make(
    code: str,
    *,
    village: str | None = None,
    file: str | None = None,
    sheet: str | None = None,
    row: int | None = None,
    column: str | None = None,
    voucher: str | None = None,
    **params: object,
) -> Finding:
    """Build a finding of `code`; `params` fill the message template."""
    entry = CATALOGUE[code]
    fill = {"voucher": voucher or "", **params}
    message = entry.template.format(**fill) + entry.hint.format(**fill)
    return Finding(
        file=file,
        sheet=sheet,
        row=row,
        column=column,
        code=code,
        severity=entry.severity,
        village=village,
        voucher=voucher,
        message=message,
    )


def excerpt(value: object, limit: int = 20) -> str:
    """A short excerpt of a cell value for a message, never the whole row."""
    text = str(value).replace("\n", " ").strip()
    return text if len(text) <= limit else text[: limit - 1] + "…"


def sorted_findings(findings, sheets=()) -> tuple[Finding, ...]:
    """File, then sheet in workbook order, then row, then column (SPEC 4).

    `sheets` gives (file, sheet) in workbook order (the sheets read); others rank by their first appearance
    in `findings`, which readers produce in workbook order. A finding about a whole file comes first."""
    findings = list(findings)
    rank: dict[tuple[str | None, str | None], int] = {}
    for file, sheet in sheets:
        rank.setdefault((file, sheet), len(rank))
    for f in findings:
        rank.setdefault((f.file, f.sheet), -1 if f.sheet is None else len(rank))

    def key(f: Finding) -> tuple:
        k = f.sort_key()
        return (k[0], rank[(f.file, f.sheet)], *k[2:])

    return tuple(sorted(findings, key=key))
