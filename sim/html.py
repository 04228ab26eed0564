"""Self-contained HTML pages: figures embedded as PNG, tables as HTML, no network needed.

Shared by the run report (sim/report.py) and the calibration report.
"""

from __future__ import annotations

import base64
import html
import io
from pathlib import Path

import pandas as pd

STYLE = """
body { font-family: sans-serif; max-width: 1100px; margin: 2em auto; color: #222; }
h1 { border-bottom: 2px solid #444; } h2 { margin-top: 2em; border-bottom: 1px solid #aaa; }
table { border-collapse: collapse; margin: 1em 0; font-size: 0.9em; }
th, td { border: 1px solid #ccc; padding: 3px 8px; text-align: right; }
th { background: #eee; } td:first-child, th:first-child { text-align: left; }
figure { margin: 1em 0; } img { max-width: 100%; height: auto; }
figcaption { font-size: 0.9em; color: #555; }
.headline { font-size: 1.1em; background: #f4f7fb; padding: 0.5em 1em; }
.text td { text-align: left; }
"""


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


def table(df: pd.DataFrame, digits: int = 1) -> str:
    return df.to_html(index=False, float_format=lambda v: f"{v:,.{digits}f}", border=0,
                      na_rep="")


def page(title: str, body: list[str]) -> str:
    """A whole HTML document from body fragments."""
    return ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            f"<title>{html.escape(title)}</title><style>{STYLE}</style></head><body>"
            f"<h1>{html.escape(title)}</h1>\n" + "\n".join(body) + "\n</body></html>\n")
