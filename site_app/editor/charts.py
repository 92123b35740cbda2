"""The geometry of the report's charts, drawn as inline SVG by ``editor/report.html``.

No script and no style attribute: the page keeps the app's CSP (``script-src 'self';
style-src 'self'``); colours come from classes in ``static/css/app.css``. Each mark
carries a ``<title>`` with its figure, and the table below the charts holds every number.
"""

from dataclasses import dataclass
from datetime import date

#: The drawing's own units (the SVG scales to the page's width).
WIDTH, DAY_HEIGHT, BAR_HEIGHT, LABEL_WIDTH = 720, 160, 18, 230


@dataclass
class Bar:
    x: float
    y: float
    width: float
    height: float
    value: int
    css: str
    label: str = ""


@dataclass
class Chart:
    width: int
    height: int
    bars: list[Bar]
    #: ``(x, text)`` under the axis (days), or ``(y, text)`` beside the bars (topics).
    labels: list[tuple[float, str]]
    maximum: int


def _scale(maximum: int, room: float):
    return (lambda value: room * value / maximum) if maximum else (lambda value: 0)


def per_day(days: dict[date, object], series: tuple[tuple[str, str], ...]) -> Chart:
    """Columns per day, one per ``(figure, css class)`` of ``series``, side by side."""
    ordered = sorted(days.items())
    maximum = max((getattr(f, name) for _, f in ordered for name, _ in series), default=0)
    scale = _scale(maximum, DAY_HEIGHT - 22)  # room above for the maximum's label
    slot = WIDTH / max(len(ordered), 1)
    column = slot * 0.8 / len(series)
    bars, labels = [], []
    step = max(1, len(ordered) // 8)  # about eight dates under the axis
    for n, (day, figures) in enumerate(ordered):
        for k, (name, css) in enumerate(series):
            value = getattr(figures, name)
            height = scale(value)
            x = n * slot + slot * 0.1 + k * column
            bars.append(Bar(x, DAY_HEIGHT - height, column, height, value, css, day.isoformat()))
        if n % step == 0:
            labels.append((n * slot, day.isoformat()))
    return Chart(WIDTH, DAY_HEIGHT + 24, bars, labels, maximum)


def per_row(rows: list, series: tuple[tuple[str, str], ...], label, limit: int = 10) -> Chart:
    """Horizontal bars for the first ``limit`` rows, one thin bar per ``series`` entry."""
    rows = rows[:limit]
    maximum = max((getattr(r, name) for r in rows for name, _ in series), default=0)
    scale = _scale(maximum, WIDTH - LABEL_WIDTH - 40)
    bars, labels = [], []
    group = BAR_HEIGHT * len(series) + 10
    for n, row in enumerate(rows):
        top = n * group
        for k, (name, css) in enumerate(series):
            value = getattr(row, name)
            bars.append(
                Bar(LABEL_WIDTH, top + k * BAR_HEIGHT, scale(value), BAR_HEIGHT - 3, value, css)
            )
        labels.append((top + BAR_HEIGHT * len(series) / 2, label(row)))
    return Chart(WIDTH, max(len(rows) * group, group), bars, labels, maximum)
