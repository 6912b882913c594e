"""The written reply to a real-name reporter (书面答复) as a PDF with real, extractable Chinese text.

Library and font, chosen deliberately (nothing is downloaded at run time, no CDN, pip only):

* fpdf2 (pure Python, uses fontTools) embeds a *subset* of a TrueType font: only the glyphs the letter uses,
  with a ToUnicode map, so the text can be searched, copied and extracted (pypdf, pdfminer, poppler).
* The font is WenQuanYi Micro Hei (文泉驿微米黑, Apache-2.0, TrueType outlines), shipped in the PyPI package
  paperang-p2-fonts-cjk. Noto Sans/Serif SC packages on PyPI carry CFF (PostScript) outlines, which fpdf2
  embeds as a CID-keyed CFF with its own encoding CMap that pypdf and pdfminer cannot map back to text;
  Google's variable Noto Sans SC TTF takes ~15 s to instance at weight 400; reportlab's STSong-Light is not
  embedded at all (the reader must supply a font). A deployment with its own licensed font (e.g. a 仿宋 for
  official letters) points JUBAO_LETTER_FONT at a .ttf/.ttc with TrueType outlines.

The letter names no reporter: the salutation is "您好", and identity stays in the vault.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from django.conf import settings

from .sections import HEADINGS, SECTION_KEYS

FAMILY = "letter"
RED = (192, 0, 0)
INK = (20, 20, 20)
GREY = (110, 110, 110)
# Chinese line-breaking rules (禁则): these never start a line / never end one.
NO_LINE_START = set("，。、；：？！…—）》」』】〕〗”’·%‰,.;:?!)]}")
NO_LINE_END = set("（《「『【〔〖“‘([{")
_TOKENS = re.compile(r"[A-Za-z0-9][A-Za-z0-9._%\-/:@+]*|\s|.", re.S)


class LetterFontMissing(RuntimeError):
    pass


def font_file() -> tuple[Path, str]:
    """(path, display name) of the font the letters are set in."""
    configured = str(getattr(settings, "JUBAO_LETTER_FONT", "") or "")
    if configured:
        path = Path(configured)
        if not path.is_file():
            raise LetterFontMissing(f"JUBAO_LETTER_FONT does not exist: {configured}")
        return path, path.stem
    try:
        import paperang_p2_fonts_cjk
    except ImportError as exc:  # pragma: no cover - the requirements install it
        raise LetterFontMissing("install paperang-p2-fonts-cjk (WenQuanYi Micro Hei) or set JUBAO_LETTER_FONT") from exc
    return Path(paperang_p2_fonts_cjk.__file__).parent / "fonts" / "wqy-microhei.ttc", "WenQuanYi Micro Hei"


def chinese_date(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


@dataclass(frozen=True)
class LetterContent:
    department: str
    reference: str
    case_number: str
    title: str
    reported_on: date
    answered_on: date
    sections: dict[str, str]
    review_until: date | None
    portal_url: str
    generated_at: datetime


def review_sentence(content: LetterContent) -> str:
    where = f"通过原反映渠道，或登录举报平台“查询进度”页面（{content.portal_url}）"
    if content.review_until is not None:
        return (f"如对本答复不满意，您可以在{chinese_date(content.review_until)}前（自收到本答复之日起计算），"
                f"{where}申请复查，并说明不满意的理由。复查由未参与原办理的工作人员进行。")
    return f"如对本答复不满意，您可以{where}申请复查，并说明不满意的理由。复查由未参与原办理的工作人员进行。"


def paragraphs(content: LetterContent) -> list[tuple[str, str]]:
    """The letter's body as (style, text) pairs; also what the tests compare the extracted text with."""
    headings = HEADINGS["zh-hans"]
    body: list[tuple[str, str]] = [
        ("salutation", "您好！"),
        ("text", f"您于{chinese_date(content.reported_on)}反映的“{content.title}”问题（案件编号："
                 f"{content.case_number}），我单位已办理完毕。现将办理情况答复如下："),
    ]
    for key, heading in zip(SECTION_KEYS, headings, strict=True):
        body.append(("heading", heading))
        body.extend(("text", line.strip()) for line in content.sections[key].splitlines() if line.strip())
    body.append(("text", review_sentence(content)))
    body.append(("text", "感谢您对我们工作的理解与支持！"))
    return body


class _Letter:
    def __init__(self, content: LetterContent):
        from fpdf import FPDF

        self.content = content
        path, self.font_name = font_file()
        reference = content.reference

        class Page(FPDF):
            def footer(self) -> None:  # fpdf2 calls this at the foot of every page
                self.set_y(-16)
                self.set_font(FAMILY, size=8.5)
                self.set_text_color(*GREY)
                self.cell(0, 5, f"答复函编号 {reference} · 第 {self.page_no()} 页 共 {{nb}} 页 · 举报人信息依法保密",
                          align="C")

        pdf = Page(format="A4", unit="mm")
        pdf.set_margins(25, 22, 25)
        pdf.set_auto_page_break(True, margin=24)
        pdf.add_font(FAMILY, fname=str(path))
        pdf.set_creation_date(content.generated_at)
        pdf.set_title(f"答复函 {reference}")
        pdf.set_author(content.department)
        pdf.set_creator("Jubao")
        pdf.set_lang("zh-CN")
        self.pdf = pdf

    def wrap(self, text: str, width: float, indent: float = 0.0) -> list[str]:
        """Greedy line breaking that keeps Latin words and numbers whole and follows the 禁则 rules."""
        pdf, lines, limit = self.pdf, [], width - indent
        line: list[str] = []
        used = 0.0
        for token in _TOKENS.findall(text):
            if token.isspace() and not line:
                continue
            w = pdf.get_string_width(token)
            if used + w <= limit or not line:
                line.append(token)
                used += w
                continue
            carry: list[str] = []
            # Keep a closing mark with what comes before it, and an opening mark with what follows.
            if token[0] in NO_LINE_START and len(line) > 1:
                carry.insert(0, line.pop())
            while len(line) > 1 and line[-1][-1] in NO_LINE_END:
                carry.insert(0, line.pop())
            lines.append("".join(line).rstrip())
            line = [t for t in (*carry, token) if not (t.isspace() and not carry)]
            used, limit = pdf.get_string_width("".join(line)), width
        if "".join(line).strip():
            lines.append("".join(line).rstrip())
        return lines

    def write(self, text: str, *, size: float, indent_chars: int = 0, height: float = 7.2,
              align: str = "L") -> None:
        pdf = self.pdf
        pdf.set_font(FAMILY, size=size)
        indent = pdf.get_string_width("中") * indent_chars
        for index, line in enumerate(self.wrap(text, pdf.epw, indent)):
            pdf.set_x(pdf.l_margin + (indent if index == 0 else 0))
            pdf.cell(pdf.epw - (indent if index == 0 else 0), height, line, align=align,
                     new_x="LMARGIN", new_y="NEXT")

    def render(self) -> bytes:
        pdf, c = self.pdf, self.content
        pdf.add_page()
        pdf.set_text_color(*RED)
        self.write(c.department, size=22, height=12, align="C")
        pdf.set_draw_color(*RED)
        pdf.set_line_width(0.8)
        y = pdf.get_y() + 2
        pdf.line(pdf.l_margin, y, pdf.w - pdf.r_margin, y)
        pdf.set_y(y + 5)
        pdf.set_text_color(*INK)
        self.write("答复函", size=17, height=11, align="C")
        pdf.set_text_color(*GREY)
        self.write(f"编号：{c.reference}    案件编号：{c.case_number}    日期：{chinese_date(c.answered_on)}",
                   size=9.5, height=6, align="C")
        pdf.ln(4)
        pdf.set_text_color(*INK)
        for style, text in paragraphs(c):
            if style == "salutation":
                self.write(text, size=12)
            elif style == "heading":
                pdf.ln(1.5)
                pdf.set_text_color(*RED)
                self.write(text, size=12.5, height=8, indent_chars=2)
                pdf.set_text_color(*INK)
            else:
                self.write(text, size=12, indent_chars=2)
        pdf.ln(8)
        self.write(c.department, size=12, align="R")
        self.write(chinese_date(c.answered_on), size=12, align="R")
        return bytes(pdf.output())


def render_letter(content: LetterContent) -> tuple[bytes, str]:
    """(PDF bytes, name of the font used)."""
    # fontTools logs every subsetting step at INFO; the letter's glyph list is nobody's business.
    logging.getLogger("fontTools").setLevel(logging.WARNING)
    letter = _Letter(content)
    return letter.render(), letter.font_name
