"""The report as files: DOCX in the official layout (python-docx), its chart as PNG (Pillow),
and the XLSX annex of the underlying items (openpyxl).

Layout values (page, margins, fonts, sizes) come from the rule book `reports.yaml` with their
citations: FM-2 for state documents (NĐ 30/2020), FM-6/FM-7/FM-8 for party documents
(HD 36-HD/VPTW). The components follow FM-1 / FM-6: header blocks, number and symbol, place and
date, document type and summary, body, signer, recipients.
"""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path
from typing import Any

from django.utils import timezone
from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from PIL import Image, ImageDraw, ImageFont

from langnghe.core.text import xml_text
from langnghe.stats import exports
from langnghe.stats import selectors as stats

from .models import Report, Side
from .selectors import layout, period_for, report_figures

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
FONT_CANDIDATES = (
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf",
    "/usr/share/fonts/truetype/noto/NotoSans-Regular.ttf",
)


def date_line(place: str, day: dt.date) -> str:
    """ "Sa Thầy, ngày 05 tháng 02 năm 2026": a zero before days below 10 and months 1 and 2
    (NĐ 30/2020 Phụ lục I; the same practice in HD 36)."""
    d = f"{day.day:02d}" if day.day < 10 else str(day.day)
    m = f"{day.month:02d}" if day.month < 3 else str(day.month)
    return f"{place}, ngày {d} tháng {m} năm {day.year}"


def _vn(number: float | int) -> str:
    """A decimal the Vietnamese way: a comma before the decimals (9,9; 100%)."""
    text = f"{number:g}" if isinstance(number, float) else str(number)
    return text.replace(".", ",")


# -- the chart -----------------------------------------------------------------------------------


def _font(size: int) -> Any:
    for path in FONT_CANDIDATES:
        if Path(path).exists():
            return ImageFont.truetype(path, size)
    return ImageFont.load_default()


def chart_png(months: list[dict[str, Any]], *, width: int = 1500, height: int = 620) -> bytes:
    """Grouped columns: received and answered per month, with a legend."""
    img = Image.new("RGB", (width, height), "white")
    draw = ImageDraw.Draw(img)
    small, label_font = _font(22), _font(24)
    left, right, top, bottom = 80, 30, 70, 70
    plot_w, plot_h = width - left - right, height - top - bottom
    peak = max([m["received"] for m in months] + [m["answered"] for m in months] + [1])
    colours = ((26, 95, 180), (138, 28, 28))
    names = ("Tiếp nhận", "Đã trả lời")
    x = left
    for colour, name in zip(colours, names, strict=True):
        draw.rectangle((x, 20, x + 24, 44), fill=colour)
        draw.text((x + 32, 18), name, fill="black", font=label_font)
        x += 60 + int(draw.textlength(name, font=label_font))
    for i in range(3):
        value = peak * i / 2
        y = top + plot_h - plot_h * i / 2
        draw.line((left, y, width - right, y), fill=(213, 218, 225), width=2)
        draw.text((left - 12, y - 12), str(round(value)), fill="black", font=small, anchor="ra")
    slot = plot_w / max(len(months), 1)
    bar = min(slot * 0.38, 60)
    for i, m in enumerate(months):
        x0 = left + i * slot + slot / 2 - bar
        for j, key in enumerate(("received", "answered")):
            h = plot_h * m[key] / peak
            if h:
                draw.rectangle(
                    (x0 + j * bar, top + plot_h - h, x0 + (j + 1) * bar - 3, top + plot_h),
                    fill=colours[j],
                )
            draw.text(
                (x0 + j * bar + bar / 2, top + plot_h - h - 26),
                str(m[key]),
                fill="black",
                font=small,
                anchor="ma",
            )
        draw.text(
            (left + i * slot + slot / 2, height - bottom + 14),
            m["label"],
            fill="black",
            font=small,
            anchor="ma",
        )
    draw.line((left, top + plot_h, width - right, top + plot_h), fill="black", width=2)
    out = io.BytesIO()
    img.save(out, format="PNG")
    return out.getvalue()


# -- the document --------------------------------------------------------------------------------


def _widths(table: Any, widths: tuple[Any, ...]) -> None:
    """Column widths that both Word and LibreOffice honour (grid and every cell)."""
    for column, width in zip(table.columns, widths, strict=True):
        column.width = width
        for cell in column.cells:
            cell.width = width


class _Writer:
    def __init__(self, report: Report) -> None:
        self.report = report
        self.party = report.side == Side.PARTY
        spec = layout(report.side)
        self.sizes = spec.get("sizes_pt", {})
        self.font = spec.get("font", {}).get("name", "Times New Roman")
        self.doc = Document()
        self._page(spec)
        self._styles()

    def size(self, key: str, default: int = 14) -> Any:
        return Pt(int(self.sizes.get(key, default)))

    def _page(self, spec: dict[str, Any]) -> None:
        page = spec.get("page", {})
        margins = spec.get("margins_mm", {})
        section = self.doc.sections[0]
        section.orientation = WD_ORIENT.PORTRAIT
        section.page_width = Mm(page.get("width_mm", 210))
        section.page_height = Mm(page.get("height_mm", 297))
        section.top_margin = Mm(margins.get("top", 20))
        section.bottom_margin = Mm(margins.get("bottom", 20))
        section.left_margin = Mm(margins.get("left", 30))
        section.right_margin = Mm(margins.get("right", 15))
        section.header_distance = Mm(10)
        # FM-2 / FM-8: page numbers centred at the top, from page 2 on.
        section.different_first_page_header_footer = True
        para = section.header.paragraphs[0]
        para.alignment = WD_ALIGN_PARAGRAPH.CENTER
        self._field(para, "PAGE", self.size("page_number", 13))

    def _styles(self) -> None:
        style: Any = self.doc.styles["Normal"]
        style.font.name = self.font
        style.font.size = self.size("body")
        rpr = style.element.get_or_add_rPr()
        fonts = rpr.find(qn("w:rFonts"))
        if fonts is None:
            fonts = OxmlElement("w:rFonts")
            rpr.append(fonts)
        for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
            fonts.set(qn(attr), self.font)
        style.paragraph_format.space_after = Pt(0)
        style.paragraph_format.space_before = Pt(0)

    def _field(self, paragraph: Any, code: str, size: Any) -> None:
        run = paragraph.add_run()
        run.font.size = size
        for tag, text in (("begin", None), (None, code), ("end", None)):
            if tag:
                el = OxmlElement("w:fldChar")
                el.set(qn("w:fldCharType"), tag)
            else:
                el = OxmlElement("w:instrText")
                el.set(qn("xml:space"), "preserve")
                el.text = f" {text} "
            run._r.append(el)

    def para(
        self,
        container: Any,
        text: str,
        *,
        size: Any = None,
        bold: bool = False,
        italic: bool = False,
        underline: bool = False,
        align: Any = WD_ALIGN_PARAGRAPH.JUSTIFY,
        indent: bool = False,
        after: int = 0,
        first: bool = False,
    ) -> Any:
        use_first = first and container.paragraphs and not container.paragraphs[0].text
        p = container.paragraphs[0] if use_first else container.add_paragraph()
        p.alignment = align
        if indent:
            p.paragraph_format.first_line_indent = Mm(10)
        p.paragraph_format.space_after = Pt(after)
        run = p.add_run(xml_text(text))  # python-docx refuses what XML cannot hold
        run.font.size = size or self.size("body")
        run.bold, run.italic, run.underline = bold, italic, underline
        return p

    # -- blocks --

    def header(self) -> None:
        r = self.report
        center = WD_ALIGN_PARAGRAPH.CENTER
        if r.is_draft:
            self.para(self.doc, "DỰ THẢO", bold=True, align=WD_ALIGN_PARAGRAPH.RIGHT)
        table = self.doc.add_table(rows=1, cols=2)
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        table.autofit = False
        left, right = table.rows[0].cells
        _widths(table, (Mm(72), Mm(93)))
        issued = r.issued_on or timezone.localdate()
        if self.party:
            if r.header_parent:
                self.para(
                    left,
                    r.header_parent.upper(),
                    size=self.size("parent"),
                    align=center,
                    first=True,
                )
                self.para(
                    left, r.header_issuer.upper(), size=self.size("issuer"), bold=True, align=center
                )
            else:
                self.para(
                    left,
                    r.header_issuer.upper(),
                    size=self.size("issuer"),
                    bold=True,
                    align=center,
                    first=True,
                )
            self.para(left, "*", align=center)
            self.para(left, r.number_line, size=self.size("number"), align=center)
            self.para(
                right,
                "ĐẢNG CỘNG SẢN VIỆT NAM",
                size=self.size("party_title", 15),
                bold=True,
                underline=True,
                align=center,
                first=True,
                after=12,
            )
            self.para(
                right,
                date_line(r.place, issued),
                size=self.size("place"),
                italic=True,
                align=center,
            )
        else:
            if r.header_parent:
                self.para(
                    left,
                    r.header_parent.upper(),
                    size=self.size("issuer", 13),
                    align=center,
                    first=True,
                )
                self.para(
                    left,
                    r.header_issuer.upper(),
                    size=self.size("issuer", 13),
                    bold=True,
                    align=center,
                    after=6,
                )
            else:
                self.para(
                    left,
                    r.header_issuer.upper(),
                    size=self.size("issuer", 13),
                    bold=True,
                    align=center,
                    first=True,
                    after=6,
                )
            self.para(left, r.number_line, size=self.size("number", 13), align=center)
            self.para(
                right,
                "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
                size=self.size("national", 13),
                bold=True,
                align=center,
                first=True,
            )
            self.para(
                right,
                "Độc lập - Tự do - Hạnh phúc",
                size=self.size("motto", 14),
                bold=True,
                underline=True,
                align=center,
                after=12,
            )
            self.para(
                right,
                date_line(r.place, issued),
                size=self.size("place"),
                italic=True,
                align=center,
            )

    def title(self) -> None:
        center = WD_ALIGN_PARAGRAPH.CENTER
        self.para(self.doc, "", after=6)
        self.para(self.doc, "BÁO CÁO", size=self.size("doc_type", 15), bold=True, align=center)
        self.para(self.doc, self.report.title, size=self.size("title"), bold=True, align=center)
        self.para(self.doc, "-----" if self.party else "", align=center, after=12)

    def heading(self, text: str) -> None:
        self.para(self.doc, text, bold=True, align=WD_ALIGN_PARAGRAPH.LEFT, after=6)

    def text(self, body: str) -> None:
        for line in [x.strip() for x in body.splitlines() if x.strip()] or ["…"]:
            self.para(self.doc, line, indent=True, after=6)

    def table(self, caption: str, first: str, rows: list[dict[str, Any]]) -> None:
        self.para(self.doc, caption, italic=True, align=WD_ALIGN_PARAGRAPH.LEFT, after=3)
        heads = [first, "Tiếp nhận", "Đã trả lời", "Đúng hạn", "Trễ hạn"]
        table = self.doc.add_table(rows=1, cols=len(heads))
        table.style = self.doc.styles["Table Grid"]
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        small = Pt(12)
        for cell, head in zip(table.rows[0].cells, heads, strict=True):
            self.para(
                cell, head, size=small, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, first=True
            )
        total = {"label": "Tổng cộng", "received": 0, "answered": 0, "on_time": 0, "late": 0}
        for row in rows:
            for key in ("received", "answered", "on_time", "late"):
                total[key] += row[key]
        for row in [*rows, total]:
            cells = table.add_row().cells
            bold = row is total
            self.para(
                cells[0],
                str(row["label"]),
                size=small,
                bold=bold,
                align=WD_ALIGN_PARAGRAPH.LEFT,
                first=True,
            )
            for cell, key in zip(
                cells[1:], ("received", "answered", "on_time", "late"), strict=True
            ):
                self.para(
                    cell,
                    str(row[key]),
                    size=small,
                    bold=bold,
                    align=WD_ALIGN_PARAGRAPH.CENTER,
                    first=True,
                )
        self.para(self.doc, "", after=6)

    def results(self, data: dict[str, Any]) -> None:
        t = data["totals"]
        r = self.report
        as_of = dt.date.fromisoformat(data["as_of"])
        pct = f"{_vn(t['on_time_percent'])}%" if t["on_time_percent"] is not None else "—"
        self.heading("II. KẾT QUẢ TIẾP NHẬN, XỬ LÝ Ý KIẾN, PHẢN ÁNH, KIẾN NGHỊ CỦA NHÂN DÂN")
        self.text(
            f"Trong kỳ báo cáo ({data['period_label']}), {r.organisation.name} và các đơn vị "
            f"trực thuộc tiếp nhận {t['received']} ý kiến; đã trả lời, giải quyết "
            f"{t['answered']} ý kiến, trong đó đúng hạn {t['answered_on_time']} ({pct}), "
            f"trễ hạn {t['answered_late']}. Tính đến ngày {as_of:%d/%m/%Y}, còn "
            f"{t['open_now']} ý kiến đang xử lý, trong đó {t['overdue_now']} ý kiến quá hạn."
        )
        days = t["average_days"]
        rating = t["average_rating"]
        self.text(
            f"Thời gian trả lời trung bình: {_vn(days) if days is not None else '—'} ngày. "
            f"Số trả lời đã công khai: {t['published']}. Số ý kiến được người gửi đánh giá: "
            f"{t['rated']}"
            + (f", điểm trung bình {_vn(rating)}/5" if rating is not None else "")
            + f". Số ý kiến người gửi đề nghị xem xét lại: {t['reopened']}."
        )
        self.table("Bảng 1. Kết quả theo loại ý kiến", "Loại ý kiến", data["by_kind"])
        self.table("Bảng 2. Kết quả theo kênh tiếp nhận", "Kênh tiếp nhận", data["by_channel"])
        if len(data["by_unit"]) > 1:
            self.table("Bảng 3. Kết quả theo đơn vị xử lý", "Đơn vị", data["by_unit"])
        self.para(
            self.doc,
            "Biểu đồ. Ý kiến tiếp nhận và đã trả lời theo tháng",
            italic=True,
            align=WD_ALIGN_PARAGRAPH.LEFT,
            after=3,
        )
        self.doc.add_picture(io.BytesIO(chart_png(data["by_month"])), width=Mm(160))
        self.doc.paragraphs[-1].alignment = WD_ALIGN_PARAGRAPH.CENTER
        c = data.get("commitments")
        if c and c.get("total"):
            self.text(
                f"Cam kết tại hội nghị đối thoại: {c['total']} cam kết, đã hoàn thành "
                f"{c['done']}, đang thực hiện {c['open']} (quá hạn {c['overdue']})."
            )

    def signature(self) -> None:
        r = self.report
        self.para(self.doc, "", after=6)
        table = self.doc.add_table(rows=1, cols=2)
        table.autofit = False
        left, right = table.rows[0].cells
        _widths(table, (Mm(80), Mm(85)))
        self.para(
            left,
            "Nơi nhận:",
            size=self.size("recipients_head", 12),
            bold=True,
            italic=not self.party,
            underline=self.party,
            align=WD_ALIGN_PARAGRAPH.LEFT,
            first=True,
        )
        for line in r.recipient_lines:
            self.para(
                left, f"- {line}", size=self.size("recipients", 11), align=WD_ALIGN_PARAGRAPH.LEFT
            )
        center = WD_ALIGN_PARAGRAPH.CENTER
        first = True
        if r.signer_capacity:
            self.para(
                right,
                r.signer_capacity.upper(),
                size=self.size("signer"),
                bold=True,
                align=center,
                first=True,
            )
            first = False
        self.para(
            right,
            r.signer_title.upper(),
            size=self.size("signer"),
            bold=True,
            align=center,
            first=first,
        )
        for _i in range(4):
            self.para(right, "", align=center)
        self.para(right, r.signer_name, size=self.size("signer"), bold=True, align=center)

    def build(self) -> bytes:
        r = self.report
        data = report_figures(r)
        self.header()
        self.title()
        self.heading("I. TÌNH HÌNH CHUNG")
        self.text(r.summary)
        self.results(data)
        self.heading("III. ĐÁNH GIÁ")
        self.text(r.assessment)
        self.heading("IV. PHƯƠNG HƯỚNG, NHIỆM VỤ")
        self.text(r.tasks)
        self.signature()
        props = self.doc.core_properties
        props.title = xml_text(f"{r.number_line} {r.title}")[:250]
        props.author = xml_text(r.header_issuer)
        out = io.BytesIO()
        self.doc.save(out)
        return out.getvalue()


def report_docx(report: Report) -> bytes:
    return _Writer(report).build()


# -- the annex -----------------------------------------------------------------------------------


def annex_items(report: Report) -> Any:
    """The items behind the report: received or answered in the period, in the issuing body's
    subtree. No personal data and no text: code, kind, dates, status and outcome only."""
    from django.db.models import Q

    from langnghe.handling.selectors import annotate_closed_on

    period = period_for(report)
    scope = stats.org_scope(report.organisation, include_sealed=True)
    inside = Q(received_at__gte=period.start_at, received_at__lt=period.end_before) | Q(
        closed_at__gte=period.start_at, closed_at__lt=period.end_before
    )
    from langnghe.intake.models import Item

    return (
        annotate_closed_on(Item.objects.filter(scope.q()).filter(inside))
        .select_related("handling_org", "topic", "admin_unit")
        .order_by("received_at", "pk")
    )


def report_xlsx(report: Report) -> bytes:
    data = report_figures(report)
    t = data["totals"]
    summary_headers = ["Chỉ tiêu", "Số liệu"]
    summary_rows = [
        ["Kỳ báo cáo", data["period_label"]],
        ["Tiếp nhận", t["received"]],
        ["Đã trả lời", t["answered"]],
        ["Trả lời đúng hạn", t["answered_on_time"]],
        ["Trả lời trễ hạn", t["answered_late"]],
        ["Đang xử lý (đến ngày " + data["as_of"] + ")", t["open_now"]],
        ["Quá hạn (đến ngày " + data["as_of"] + ")", t["overdue_now"]],
        ["Đã công khai", t["published"]],
        ["Được mở lại", t["reopened"]],
    ]
    items = annex_items(report)[: exports.EXPORT_MAX_ROWS].iterator(chunk_size=2000)
    return exports.xlsx_bytes(
        [
            ("Tổng hợp", summary_headers, summary_rows),
            (
                "Danh sách ý kiến",
                exports.item_headers(with_title=False),
                exports.item_rows(items, with_title=False),
            ),
        ]
    )
