"""Self-contained HTML pages: figures embedded as PNG, tables as HTML, no network needed.

Shared by the run report (sim/report.py) and the calibration report. Numbers are written
the English way, with a comma between thousands and a point before decimals (12,345.6),
negative numbers with a minus sign (−), and never as −0.
"""

from __future__ import annotations

import base64
import html
import io
import math
import re
from numbers import Number
from pathlib import Path

import pandas as pd

STYLE = """
body { font-family: sans-serif; max-width: 1100px; margin: 2em auto; padding: 0 1em;
       color: #222; line-height: 1.4; }
h1 { border-bottom: 2px solid #444; } h2 { margin-top: 2em; border-bottom: 1px solid #aaa; }
.tablewrap { max-width: 100%; overflow-x: auto; margin: 1em 0; }
table { border-collapse: collapse; font-size: 0.9em; }
th, td { border: 1px solid #ccc; padding: 3px 8px; vertical-align: top; }
th { background: #eee; text-align: left; }
th.num, td.num { text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }
td.text { text-align: left; overflow-wrap: break-word; max-width: 30em; }
td.date { white-space: nowrap; }
tr.total td { font-weight: bold; border-top: 2px solid #888; }
figure { margin: 1em 0; } img { max-width: 100%; height: auto; }
figcaption { font-size: 0.9em; color: #555; }
.headline { background: #f4f7fb; padding: 0.6em 1em; margin: 1em 0; }
.cards { display: grid; grid-template-columns: repeat(auto-fill, minmax(185px, 1fr));
         gap: 0.8em; margin: 0.8em 0; }
.card { background: #fff; border: 1px solid #c9d3e0; border-radius: 4px; padding: 0.5em 0.8em;
        min-width: 0; }
.card .label { font-size: 0.85em; color: #444; }
.card .value { font-size: 1.6em; font-weight: bold; white-space: nowrap; }
.card .ci { font-size: 0.85em; color: #333; white-space: nowrap; }
.card .words { font-size: 0.85em; color: #333; margin-top: 0.3em; }
.pos { color: #1e7b34; } .neg { color: #b03a2e; }
"""

MINUS = "\u2212"
DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
# Text that is a number, a number ± a half-width, or an interval: right-aligned.
NUMBER_TEXT = re.compile("^[+\u2212-]?[\\d,.]+( (±|to) [+\u2212-]?[\\d,.]+)?$")
# Columns of whole numbers that are labels, written without a thousands separator.
LABEL_NUMBERS = {"year", "order", "replication", "replications", "municipality_id"}


def number(value: object, digits: int = 0, sign: bool = False) -> str:
    """``value`` with thousands separators and ``digits`` decimals; '+' before positive
    numbers when ``sign``; a minus sign (−) before negative ones; never −0; '' for NaN."""
    if value is None or (isinstance(value, Number) and not isinstance(value, bool)
                         and math.isnan(float(value))):  # type: ignore[arg-type]
        return ""
    v = float(value)  # type: ignore[arg-type]
    if round(v, digits) == 0:
        v = 0.0
    text = f"{abs(v):,.{digits}f}"
    if v < 0:
        return MINUS + text
    return ("+" + text) if sign and v > 0 else text


def clean(value: object, significant: int = 10) -> object:
    """``value`` with floats rounded to ``significant`` digits (no 0.12000000000000001),
    inside lists and mappings too."""
    if isinstance(value, float):
        return float(f"{value:.{significant}g}")
    if isinstance(value, list | tuple):
        return [clean(v, significant) for v in value]
    if isinstance(value, dict):
        return {k: clean(v, significant) for k, v in value.items()}
    return value


def figure_png(fig, path: Path | None = None) -> bytes:
    """Render a matplotlib figure to PNG bytes (and to ``path`` when given), then close it."""
    import matplotlib.pyplot as plt

    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=110, bbox_inches="tight")
    plt.close(fig)
    data = buf.getvalue()
    if path is not None:
        Path(path).write_bytes(data)
    return data


def img(png: bytes, caption: str) -> str:
    """A <figure> with the PNG embedded as a data URI."""
    b64 = base64.b64encode(png).decode("ascii")
    cap = html.escape(caption)
    return (f'<figure><img alt="{cap}" src="data:image/png;base64,{b64}">'
            f"<figcaption>{cap}</figcaption></figure>")


def _breakable(text: str) -> str:
    """Escaped ``text`` where long dotted or underscored names may break after . _ /."""
    def token(word: str) -> str:
        out = html.escape(word)
        if len(word) > 24:
            out = out.replace(".", ".<wbr>").replace("_", "_<wbr>").replace("/", "/<wbr>")
        return out

    return " ".join(token(w) for w in text.split(" "))


def _cell(value: object, column: str, numeric: bool, digits: int) -> str:
    if numeric:
        if column in LABEL_NUMBERS and pd.notna(value):
            return f'<td class="num">{int(value)}</td>'  # type: ignore[call-overload]
        return f'<td class="num">{number(value, digits)}</td>'
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return '<td class="text"></td>'
    if isinstance(value, Number) and not isinstance(value, bool):
        return f'<td class="num">{number(value, digits)}</td>'
    text = str(value)
    if DATE.match(text):
        return f'<td class="date">{text}</td>'
    if NUMBER_TEXT.match(text):
        return f'<td class="num">{html.escape(text)}</td>'
    return f'<td class="text">{_breakable(text)}</td>'


def table(df: pd.DataFrame, digits: int = 1, total: str | None = None) -> str:
    """``df`` as an HTML table: text left-aligned, numbers right-aligned with thousands
    separators and ``digits`` decimals, dates unbroken; rows whose column ``total`` says
    ``total`` set apart. Wrapped in a box that scrolls rather than overflow the page."""
    numeric = {c: pd.api.types.is_numeric_dtype(df[c]) and not pd.api.types.is_bool_dtype(df[c])
               for c in df.columns}
    rows = []
    at = list(df.columns).index(total) if total in df.columns else None
    right = {c: True for c in df.columns}  # every cell of the column is a number
    for values in df.itertuples(index=False, name=None):
        cls = ' class="total"' if at is not None and values[at] == "total" else ""
        cells = [_cell(v, str(c), numeric[c], digits)
                 for c, v in zip(df.columns, values, strict=True)]
        for c, cell in zip(df.columns, cells, strict=True):
            right[c] = right[c] and cell.startswith('<td class="num"')
        rows.append(f"<tr{cls}>{''.join(cells)}</tr>")
    head = "".join(f'<th class="{"num" if right[c] and len(df) else "text"}">'
                   f"{html.escape(str(c))}</th>" for c in df.columns)
    return (f'<div class="tablewrap"><table><thead><tr>{head}</tr></thead>'
            f"<tbody>{''.join(rows)}</tbody></table></div>")


def page(title: str, body: list[str]) -> str:
    """A whole HTML document from body fragments."""
    return ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{html.escape(title)}</title><style>{STYLE}</style></head><body>"
            f"<h1>{html.escape(title)}</h1>\n" + "\n".join(body) + "\n</body></html>\n")
