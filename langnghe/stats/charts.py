"""Charts as server-rendered SVG: no JavaScript, light, printable, and every bar a link to the
items behind it. Each chart comes with its numbers as a table in the template as well."""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

from django.utils.safestring import SafeString, mark_safe

PALETTE = ("#1a5fb4", "#8a1c1c", "#1e6b34", "#7a4b00")


@dataclass(frozen=True)
class Bar:
    label: str
    value: int | float
    href: str = ""
    note: str = ""  # shown after the value ("82%")


def _link(href: str, inner: str, title: str) -> str:
    body = f"<title>{escape(title)}</title>{inner}"
    if not href:
        return f"<g>{body}</g>"
    return f'<a href="{escape(href)}">{body}</a>'


def hbars(bars: list[Bar], *, label: str, width: int = 440, colour: str = PALETTE[0]) -> SafeString:
    """Horizontal bars, one per row, labels on the left: readable on a phone when scaled."""
    if not bars:
        return mark_safe("")
    # A narrow drawing, so that on a phone the text is scaled down little.
    row, gap, left, right = 26, 6, 172, 56
    height = len(bars) * (row + gap) + gap
    top = max((b.value for b in bars), default=0) or 1
    span = width - left - right
    parts = [
        f'<svg class="chart" viewBox="0 0 {width} {height}" width="100%" role="img" '
        f'aria-label="{escape(label)}" xmlns="http://www.w3.org/2000/svg">'
    ]
    for i, b in enumerate(bars):
        y = gap + i * (row + gap)
        w = max(round(span * b.value / top), 1 if b.value else 0)
        text = f"{b.label}: {b.value}{' · ' + b.note if b.note else ''}"
        name = b.label if len(b.label) <= 21 else b.label[:20] + "…"
        inner = (
            f'<rect x="0" y="{y}" width="{width}" height="{row}" fill="transparent"/>'
            f'<text x="{left - 8}" y="{y + row * 0.68:.0f}" text-anchor="end" class="chart-label">'
            f"{escape(name)}</text>"
            f'<rect x="{left}" y="{y}" width="{w}" height="{row}" rx="3" fill="{colour}"/>'
            f'<text x="{left + w + 6}" y="{y + row * 0.68:.0f}" class="chart-value">'
            f"{escape(str(b.value))}{escape(' · ' + b.note) if b.note else ''}</text>"
        )
        parts.append(_link(b.href, inner, text))
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every text and href above is escaped


@dataclass(frozen=True)
class Group:
    label: str
    values: tuple[int | float, ...]
    hrefs: tuple[str, ...] = ()


def columns(
    groups: list[Group], *, series: tuple[str, ...], label: str, width: int = 480, height: int = 220
) -> SafeString:
    """Grouped columns (e.g. received and answered per month) with a legend on top."""
    if not groups:
        return mark_safe("")
    left, bottom, top_pad = 36, 28, 30
    plot_h = height - bottom - top_pad
    span = width - left - 8
    top = max((v for g in groups for v in g.values), default=0) or 1
    slot = span / len(groups)
    n = len(series)
    bar_w = max(min(slot * 0.8 / n, 28), 3)
    parts = [
        f'<svg class="chart" viewBox="0 0 {width} {height}" width="100%" role="img" '
        f'aria-label="{escape(label)}" xmlns="http://www.w3.org/2000/svg">'
    ]
    x = left
    for i, name in enumerate(series):
        parts.append(
            f'<rect x="{x}" y="6" width="12" height="12" fill="{PALETTE[i % len(PALETTE)]}"/>'
            f'<text x="{x + 16}" y="16" class="chart-label">{escape(name)}</text>'
        )
        x += 16 + 9 * len(name) + 20
    base = top_pad + plot_h
    for tick in (0, top / 2, top):
        y = base - plot_h * tick / top
        parts.append(
            f'<line x1="{left}" x2="{width}" y1="{y:.1f}" y2="{y:.1f}" class="chart-grid"/>'
            f'<text x="{left - 4}" y="{y + 4:.1f}" text-anchor="end" class="chart-axis">'
            f"{round(tick)}</text>"
        )
    step = max(1, -(-len(groups) // 8))  # at most 8 axis labels
    for gi, g in enumerate(groups):
        x0 = left + gi * slot + (slot - bar_w * n) / 2
        for si, value in enumerate(g.values):
            h = plot_h * value / top
            href = g.hrefs[si] if si < len(g.hrefs) else ""
            inner = (
                f'<rect x="{x0 + si * bar_w:.1f}" y="{base - h:.1f}" width="{bar_w - 1:.1f}" '
                f'height="{max(h, 0):.1f}" fill="{PALETTE[si % len(PALETTE)]}"/>'
            )
            parts.append(_link(href, inner, f"{g.label} — {series[si]}: {value}"))
        if gi % step == 0:
            parts.append(
                f'<text x="{left + gi * slot + slot / 2:.1f}" y="{height - 8}" '
                f'text-anchor="middle" class="chart-axis">{escape(g.label)}</text>'
            )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every text and href above is escaped
