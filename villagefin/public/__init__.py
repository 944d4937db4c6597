"""The public view of a month (SPEC 5, 17): what every renderer sees, and nothing else.

`records` holds the frozen records renderers take (`VillageView`, `TownshipView`, …); `view` builds a village's
view in one function, from checked records or from an archived revision; `document` alone writes and reads
expenses.json and computes the fingerprint; `funds` works out the money table of a 收支 village. The names other
modules use are imported here, so that `from villagefin.public import VillageView` keeps working.
"""

from .document import (
    MONEY_KEYS,
    ArchiveRow,
    LineHash,
    VillageDocument,
    closings_of,
    content_hash,
    expenses_from_json,
    expenses_json,
    fingerprint,
    is_money_document,
    line_hashes,
    money_from_json,
    money_totals,
    without_money,
)
from .funds import (
    BALANCE_SOURCES,
    ColumnFunds,
    Funds,
    funds_of,
    money_column,
    pick_balances,
    with_carried_opening,
)
from .records import (
    IN,
    MOVED,
    OUT,
    TRANSFER_TYPE,
    CategoryTotal,
    Correction,
    PublicExpense,
    PublicFlow,
    PublicIncome,
    PublicQuery,
    PublicReview,
    Receipt,
    Township,
    TownshipView,
    VillageRow,
    VillageView,
    annex_key,
    ask_line,
    public_query,
    public_review,
)
from .view import (
    Edition,
    PublicDocuments,
    build_village_view,
    categories_of,
    public_expenses,
    public_flows,
    public_income,
    public_money,
    township_of,
    view_from_document,
    view_from_records,
)

__all__ = [
    "BALANCE_SOURCES", "IN", "MONEY_KEYS", "MOVED", "OUT", "TRANSFER_TYPE", "ArchiveRow", "CategoryTotal",
    "ColumnFunds", "Correction", "Edition", "Funds", "LineHash", "PublicDocuments", "PublicExpense",
    "PublicFlow", "PublicIncome", "PublicQuery", "PublicReview", "Receipt", "Township", "TownshipView",
    "VillageDocument", "VillageRow", "VillageView", "annex_key", "ask_line", "build_village_view",
    "categories_of", "closings_of", "content_hash", "expenses_from_json", "expenses_json", "fingerprint",
    "funds_of", "is_money_document", "line_hashes", "money_column", "money_from_json", "money_totals",
    "pick_balances", "public_expenses", "public_flows", "public_income", "public_money", "public_query",
    "public_review", "township_of", "view_from_document", "view_from_records", "with_carried_opening",
    "without_money",
]
