"""Charts for the HTML report: matplotlib figures rendered to PNG bytes (Agg, no display).

Chinese labels need a CJK font: the first font found among ``CJK_FONT_CANDIDATES`` (or the one
given) is registered with matplotlib by path; without one the charts still render, with a
warning, and CJK labels show as boxes.
"""

from __future__ import annotations

import io
import logging
from dataclasses import dataclass
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from matplotlib import font_manager  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

log = logging.getLogger(__name__)

CJK_FONT_CANDIDATES: tuple[str, ...] = (
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc",
    "/System/Library/Fonts/PingFang.ttc",
    "C:/Windows/Fonts/msyh.ttc",
)
MISSING = "(unknown)"


@dataclass(frozen=True)
class ChartStyle:
    width: float = 9.0
    height: float = 4.5
    dpi: int = 100
    font_path: str | None = None

    def __post_init__(self) -> None:
        if self.width <= 0 or self.height <= 0 or self.dpi < 30:
            raise ValueError(f"chart size must be positive and dpi >= 30, got {self.width}x{self.height}@{self.dpi}")


def find_cjk_font(preferred: str | None = None) -> str | None:
    """Path of a font with Chinese glyphs: PREFERRED when it exists, else the first candidate."""
    for path in ([preferred] if preferred else []) + list(CJK_FONT_CANDIDATES):
        if Path(path).is_file():
            return path
    return None


def use_font(preferred: str | None = None) -> str | None:
    """Register a CJK font with matplotlib by path; returns its family name (None: default font)."""
    path = find_cjk_font(preferred)
    if path is None:
        log.warning("no CJK font found (tried %s); Chinese labels will not render", ", ".join(CJK_FONT_CANDIDATES))
        return None
    font_manager.fontManager.addfont(path)
    name = font_manager.FontProperties(fname=path).get_name()
    plt.rcParams["font.family"] = "sans-serif"
    plt.rcParams["font.sans-serif"] = [name, "DejaVu Sans"]
    plt.rcParams["axes.unicode_minus"] = False
    return name


def png_bytes(fig: Figure, dpi: int) -> bytes:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi, bbox_inches="tight")
    plt.close(fig)
    return buf.getvalue()


def _figure(style: ChartStyle, title: str) -> tuple[Figure, plt.Axes]:
    fig, ax = plt.subplots(figsize=(style.width, style.height))
    ax.set_title(title)
    return fig, ax


def _no_data(ax: plt.Axes) -> None:
    ax.text(0.5, 0.5, "no data", ha="center", va="center", fontsize=14, transform=ax.transAxes)
    ax.set_axis_off()


def labelled(frame: pd.DataFrame, column: str) -> pd.Series:
    """A column as text labels, missing values shown as (unknown)."""
    return frame[column].astype("object").where(frame[column].notna(), MISSING).astype(str)


def stacked_bars(frame: pd.DataFrame, index: str, stack: str, value: str, title: str, style: ChartStyle,
                 share: bool = False) -> bytes:
    """Bars per INDEX value, stacked by STACK (as shares of 100% when SHARE)."""
    fig, ax = _figure(style, title)
    if frame.empty:
        _no_data(ax)
        return png_bytes(fig, style.dpi)
    data = pd.DataFrame({index: labelled(frame, index), stack: labelled(frame, stack),
                         value: pd.to_numeric(frame[value]).astype(float)})
    table = data.pivot_table(index=index, columns=stack, values=value, aggfunc="sum", fill_value=0)
    if share:
        table = table.div(table.sum(axis=1).replace(0, 1), axis=0) * 100
    table.plot(kind="bar", stacked=True, ax=ax, width=0.7, colormap="tab10")
    ax.set_xlabel(index)
    ax.set_ylabel(f"% of {value}" if share else value)
    ax.tick_params(axis="x", rotation=0)
    ax.legend(title=stack, bbox_to_anchor=(1.01, 1), loc="upper left", fontsize=8)
    return png_bytes(fig, style.dpi)


def horizontal_bars(frame: pd.DataFrame, label: str, value: str, title: str, style: ChartStyle) -> bytes:
    """One bar per row, largest on top."""
    height = max(style.height, 0.32 * len(frame) + 1)
    fig, ax = plt.subplots(figsize=(style.width, height))
    ax.set_title(title)
    if frame.empty:
        _no_data(ax)
        return png_bytes(fig, style.dpi)
    ordered = frame.iloc[::-1]
    ax.barh(labelled(ordered, label), pd.to_numeric(ordered[value]).astype(float), color="#3b75af")
    ax.set_xlabel(value)
    ax.tick_params(axis="y", labelsize=8)
    return png_bytes(fig, style.dpi)


def heatmap(table: pd.DataFrame, title: str, style: ChartStyle) -> bytes:
    """A numeric pivot table (rows x columns) as a coloured grid with the numbers printed."""
    width = max(style.width, 0.6 * len(table.columns) + 2)
    height = max(style.height, 0.35 * len(table.index) + 1.5)
    fig, ax = plt.subplots(figsize=(width, height))
    ax.set_title(title)
    if table.empty:
        _no_data(ax)
        return png_bytes(fig, style.dpi)
    values = table.to_numpy(dtype=float)
    ax.imshow(values, cmap="Blues", aspect="auto")
    ax.set_xticks(range(len(table.columns)), [str(c) for c in table.columns], rotation=30, ha="right", fontsize=8)
    ax.set_yticks(range(len(table.index)), [str(i) for i in table.index])
    top = values.max() or 1
    for (r, c), v in pd.DataFrame(values).stack().items():
        ax.text(c, r, f"{v:g}", ha="center", va="center", fontsize=8, color="white" if v > top / 2 else "black")
    return png_bytes(fig, style.dpi)


def heatmap_panels(panels: dict[str, pd.DataFrame], title: str, style: ChartStyle) -> bytes:
    """One heatmap per panel (a level: its regions down, the same years across), stacked in one figure.
    NaN cells (no notice) stay blank; numbers are printed in the others, 0 included."""
    if not panels:
        fig, ax = _figure(style, title)
        _no_data(ax)
        return png_bytes(fig, style.dpi)
    columns = next(iter(panels.values())).columns
    rows = [max(len(t.index), 1) for t in panels.values()]
    width = max(style.width, 0.6 * len(columns) + 3)
    fig, axes = plt.subplots(len(panels), 1, figsize=(width, 0.4 * sum(rows) + 1.2 * len(panels) + 0.5),
                             gridspec_kw={"height_ratios": rows}, squeeze=False, sharex=True)
    fig.suptitle(title)
    top = max((float(pd.DataFrame(t).max().max()) for t in panels.values() if t.notna().any().any()), default=1.0) or 1
    cmap = plt.get_cmap("Blues").with_extremes(bad="white")
    for ax, (name, table) in zip(axes[:, 0], panels.items(), strict=True):
        values = table.to_numpy(dtype=float)
        ax.imshow(np.ma.masked_invalid(values), cmap=cmap, aspect="auto", vmin=0, vmax=top)
        ax.set_ylabel(name, rotation=0, ha="right", va="center", fontsize=9)
        ax.set_yticks(range(len(table.index)), [str(i) for i in table.index], fontsize=8)
        ax.set_xticks(range(len(columns)), [str(c) for c in columns], rotation=30, ha="right", fontsize=8)
        ax.set_xticks([x - 0.5 for x in range(1, len(columns))], minor=True)
        ax.grid(which="minor", axis="x", color="#ddd", linewidth=0.5)
        for (r, c), v in pd.DataFrame(values).stack().items():
            if pd.isna(v):  # no notice: the cell stays blank
                continue
            ax.text(c, r, f"{v:g}", ha="center", va="center", fontsize=8, color="white" if v > top / 2 else "black")
    return png_bytes(fig, style.dpi)
