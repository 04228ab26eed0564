"""The ledger's records as the cost items' inputs: offers split into activation and
løntilskud, benefit reductions, and the costed activity counts, each with the
municipality and the weeks-on-support counter of the citizen's segment that holds it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from sim.benefits import REFERENCE
from sim.cost_items import (
    COMPLAINT_KIND,
    CONVERSATION_KINDS,
    ENTRY_KIND,
    OFFER_PREFIX,
    SANCTION_PREFIX,
)


def activity_counts(activities: Mapping[tuple, float]) -> pd.DataFrame:
    """The costed kinds of a ledger's ``activities`` Counter ((year, group, kind) -> n)
    as rows ``year, group, kind, count`` (unweighted: the finance table weights):
    jobcentre conversations, offers started, sanctions and complaints."""
    rows = [(y, g, k, n) for (y, g, k), n in sorted(activities.items())
            if k in CONVERSATION_KINDS or k == COMPLAINT_KIND or k.startswith(SANCTION_PREFIX)
            or k.startswith(OFFER_PREFIX)]
    return pd.DataFrame(rows, columns=["year", "group", "kind", "count"])


def entry_counts(flows: Mapping[tuple, float]) -> pd.DataFrame:
    """Entries to each group (new spells and moves in) from a ledger's ``flows`` Counter
    ((year, group, kind, destination) -> n) as rows ``year, group, kind, count`` with kind
    ``entry`` (unweighted): the rehabiliteringsteam's cases, where the law makes an entry
    to the group one (the engine records no team event of its own)."""
    entries: dict[tuple, float] = {}
    for (y, g, k, _d), n in flows.items():
        if k in ("inflow", "transition_in"):
            entries[(y, g)] = entries.get((y, g), 0.0) + n
    rows = [(y, g, ENTRY_KIND, n) for (y, g), n in sorted(entries.items())]
    return pd.DataFrame(rows, columns=["year", "group", "kind", "count"])


def _with_counter(records: pd.DataFrame, segments: pd.DataFrame, on: str, by: list[str]
                  ) -> pd.DataFrame:
    """Records (in ``on`` order) with the municipality and weeks-on-support counter (at
    ``on``) of the citizen's segment that holds them: the last segment (matching ``by``)
    starting at or before ``on``; counter = support_weeks + weeks since the segment began
    (0 and municipality 0 where there is none).

    An as-of join done with one sort of segments and records together: records and
    segments are ordered by ``by`` and time (a segment before a record at the same time),
    and each record takes the last segment before it, if that one has the same ``by``.
    Memory stays a few integer columns, not copies of both frames.
    """
    rec = records.sort_values(on, kind="stable").reset_index(drop=True)
    n_seg = len(segments)
    cols = [np.concatenate([segments[b].to_numpy(np.int64), rec[b].to_numpy(np.int64)])
            for b in by]
    seg_start = segments["start"].to_numpy(dtype=float)
    when = rec[on].to_numpy(dtype=float)
    is_record = np.concatenate([np.zeros(n_seg, np.int8), np.ones(len(rec), np.int8)])
    order = np.lexsort((is_record, np.concatenate([seg_start, when]), *cols[::-1]))
    at_record = order >= n_seg
    # Position (in the joint order) of the last segment at or before each entry.
    last = np.maximum.accumulate(np.where(at_record, -1, np.arange(len(order))))[at_record]
    seg = np.where(last >= 0, order[np.maximum(last, 0)], -1)
    row = order[at_record] - n_seg
    found = seg >= 0
    for col in cols:
        found &= col[np.maximum(seg, 0)] == col[n_seg + row]
    j = np.where(found, seg, 0)
    support = np.zeros(len(rec))
    municipality = np.zeros(len(rec), dtype=np.int64)
    support[row] = np.where(found, segments["support_weeks"].to_numpy(dtype=float)[j]
                            + (when[row] - seg_start[j]), 0.0)
    municipality[row] = np.where(found, segments["municipality"].to_numpy(np.int64)[j], 0)
    out = rec.assign(support_weeks=support, municipality=municipality)
    if "benefit_class" in segments:
        klass = np.full(len(rec), REFERENCE, dtype=np.int64)
        klass[row] = np.where(found, segments["benefit_class"].to_numpy(np.int64)[j],
                              REFERENCE)
        out["benefit_class"] = klass
    return out


def offer_records(offers: pd.DataFrame, segments: pd.DataFrame, kinds: Sequence[str]
                  ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Split the ledger's offers into activation and løntilskud records for the hooks.

    ``offers``: citizen, group, type (code into ``kinds``), start, end. Each offer gets
    the municipality and the weeks-on-support counter of the citizen's segment that
    holds its start (counter = support_weeks + weeks since the segment began). Kinds
    starting with ``loentilskud`` go to the second frame.
    """
    off = offers.assign(kind=np.asarray(kinds, dtype=object)[offers["type"].to_numpy()])
    merged = _with_counter(off, segments, "start", ["citizen"])
    cols = ["kind", "group", "start", "end", "support_weeks", "municipality",
            *(["benefit_class"] if "benefit_class" in merged else [])]
    wage = merged["kind"].str.startswith("loentilskud").to_numpy(dtype=bool)
    return merged.loc[~wage, cols].reset_index(drop=True), merged.loc[wage, cols].reset_index(
        drop=True)


def reduction_records(reductions: pd.DataFrame, segments: pd.DataFrame) -> pd.DataFrame:
    """The ledger's benefit reductions (citizen, week, group, kind, amount) with the
    municipality and the counter of the citizen's segment in that group at that week."""
    merged = _with_counter(reductions, segments, "week", ["citizen", "group"])
    return merged[["week", "group", "kind", "amount", "support_weeks", "municipality"]
                  ].reset_index(drop=True)

