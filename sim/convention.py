"""The costing convention's columns of the revenue (provenu) table (design principle 10).

Revenue is shown in the columns the government's costings use:

* ``drift``: jobcentre operation (conversations, casework, offers set up, the
  rehabiliteringsteam, sanction casework, the yearly review, other operation: HK6; the
  pool for caseworkers' upskilling);
* ``oevo``: *øvrig vejledning og opkvalificering* (ØVO);
* ``anden_indsats``: other active effort (løntilskud, ordinary education and its pools,
  mentor and følgeudgifter, special schemes);
* ``afledt_ydelse``: derived benefits (dagpenge, kontanthjælp, ... less what sanctions
  withheld; the benefit of those who would have held a seniorjob where its places close);
* ``beskaeftigelse``: the employment effect (*beskæftigelseseffekt*), the change in
  employment in full-time persons x ``convention.employment_value`` kr a year per
  full-time person (``policies/costing/convention.yaml``).

Every cost item of the finance table (``sim.finance.ITEMS``) belongs to exactly one of
the first four columns, here and nowhere else (``ITEM_COLUMN``); an item without a
column is an error, so a new item is classified before any table shows it.
"""

from __future__ import annotations

import datetime as dt

from sim import lawbook

SPENDING_COLUMNS: tuple[str, ...] = ("drift", "oevo", "anden_indsats", "afledt_ydelse")
EMPLOYMENT_COLUMN = "beskaeftigelse"
COLUMNS: tuple[str, ...] = (*SPENDING_COLUMNS, EMPLOYMENT_COLUMN)
TOTAL = "total"
LABELS: dict[str, str] = {  # the report's column heads (explained beside the table)
    "drift": "drift",
    "oevo": "ØVO",
    "anden_indsats": "anden indsats",
    "afledt_ydelse": "afledt ydelse",
    "beskaeftigelse": "beskæftigelseseffekt",
    "total": "total",
}
# The finance table's cost items (sim/finance.py) by convention column.
ITEM_COLUMN: dict[str, str] = {
    "benefit": "afledt_ydelse",
    "seniorjob_benefit": "afledt_ydelse",  # the would-be holders' benefit (2.7)
    "jobcentre_other": "drift",
    "conversations": "drift",
    "offer_casework": "drift",
    "rehabilitation_team": "drift",
    "sanction_admin": "drift",
    "yearly_review": "drift",
    "upskilling_pool": "drift",  # caseworkers' upskilling (2.15)
    "oevo": "oevo",
    "activation": "anden_indsats",
    "loentilskud": "anden_indsats",
    "seniorjob": "anden_indsats",
    "jobrotation": "anden_indsats",
    "voksenlaerling": "anden_indsats",
    "personal_assistance": "anden_indsats",
    "six_week_course": "anden_indsats",
    "education_pools": "anden_indsats",
    "state_pools": "anden_indsats",
}
EMPLOYMENT_VALUE = "convention.employment_value"


def column_of(item: str) -> str:
    """The convention column of a finance item; ValueError for an unclassified item."""
    try:
        return ITEM_COLUMN[item]
    except KeyError:
        raise ValueError(f"finance item {item!r} has no column of the costing convention; "
                         "classify it in sim/convention.py ITEM_COLUMN (one of "
                         + ", ".join(SPENDING_COLUMNS) + ")") from None


def employment_value(year: int) -> float:
    """Kr a year per full-time person in employment on 1 January of ``year`` (2024 prices)."""
    return float(lawbook.convention().at(EMPLOYMENT_VALUE, dt.date(year, 1, 1)))


def employment_source() -> str:
    """Where the value comes from, in a few words, for the report."""
    leaf = lawbook.convention().leaves[EMPLOYMENT_VALUE]
    source = leaf.values[-1].source
    what = "an assumption" if source.startswith("assumption") else source
    span = (f", plausible range {leaf.plausible_range[0]:,.0f} to "
            f"{leaf.plausible_range[1]:,.0f} kr" if leaf.plausible_range else "")
    return f"{what}{span}: policies/costing/convention.yaml"
