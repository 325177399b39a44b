"""Fonts by language in the PDF: each article embeds its script's faces, not fontconfig's guess."""

from __future__ import annotations

import io
import re

import pytest
from pypdf import PdfReader
from pypdf.generic import DictionaryObject

import messenger_content as mc
from messenger_content.fonts import faces_for, missing_fonts

#: A headline, a name and a sentence per language, in its own script.
SAMPLES = {
    "zh-Hans": ("图书馆开放新阅览室", "王小明", "读者可以在这里阅读历史文献。"),
    "zh-Hant": ("圖書館開放新閱覽室", "陳美玲", "讀者可以在這裡閱讀歷史文獻。"),
    "zh-TW": ("圖書館開放新閱覽室", "陳美玲", "讀者可以在這裡閱讀歷史文獻。"),
    "zh-HK": ("圖書館開放新閱覽室", "陳美玲", "讀者可以在這裡閱讀歷史文獻。"),
    "ja": ("図書館が新しい閲覧室を開設", "山田花子", "読者は歴史的な文書を読むことができます。"),
    "ko": ("도서관이 새 열람실을 열다", "김민준", "독자들은 역사 문서를 읽을 수 있습니다."),
    "hy": ("Գյումրիի թատրոնը վերաբացվեց", "Անի Հակոբյան", "Թատրոնը բացվեց երեկ երեկոյան։"),  # noqa: RUF001
    "ar": ("افتتاح قاعة جديدة للمخطوطات", "ليلى حسن", "افتتحت المكتبة قاعة جديدة."),
    "he": ("מוזיאון הנמל נפתח מחדש", "נועה לוי", "המוזיאון נפתח ביום שלישי."),
    "ka": ("თბილისის თეატრი ხელახლა გაიხსნა", "ნინო ბერიძე", "თეატრი გუშინ გაიხსნა."),
    "hi": ("दिल्ली में नया पुस्तकालय खुला", "अनीता शर्मा", "पाठक यहाँ पुराने दस्तावेज़ पढ़ सकते हैं।"),
}

#: Style words fontconfig appends to a face's PostScript name.
_STYLES = re.compile(r"(-(Bold|Italic|Oblique|Small-Caps|Regular|Medium|Light|Black|SemiBold))+$")


def _article(language: str) -> mc.Article:
    headline, name, sentence = SAMPLES[language]
    return mc.loads(
        mc.dumps(
            mc.Article(
                language=language,
                headline=headline,
                authors=(mc.Author(name=name),),
                body=(
                    mc.Paragraph(text=sentence),
                    mc.Quote(text=sentence, attribution=name),
                ),
            )
        )
    )


def _font_names(pdf: bytes) -> list[str]:
    """The names of the fonts the pages of *pdf* use, subset tags removed."""
    names = []
    for page in PdfReader(io.BytesIO(pdf)).pages:
        resources = page["/Resources"].get_object()
        assert isinstance(resources, DictionaryObject)
        fonts = resources.get("/Font", DictionaryObject()).get_object()
        assert isinstance(fonts, DictionaryObject)
        for font in fonts.values():
            name = str(font.get_object()["/BaseFont"]).lstrip("/")
            names.append(name.split("+", 1)[-1])
    return names


def _families(pdf: bytes) -> set[str]:
    """The families of the fonts embedded in *pdf* ("Noto Serif CJK SC"), from their names."""
    return {_STYLES.sub("", name).replace("-", " ") for name in _font_names(pdf)}


@pytest.mark.parametrize("language", list(SAMPLES))
def test_the_pdf_embeds_the_faces_of_the_articles_language(language: str) -> None:
    """The serif and the sans-serif face fonts.faces_for names are the ones embedded."""
    article = _article(language)
    text = " ".join(SAMPLES[language])
    if missing := missing_fonts(text, language):
        pytest.skip("; ".join(str(m) for m in missing))
    faces = faces_for(language)
    families = _families(mc.to_pdf(article))
    assert {faces.serif, faces.sans} <= families, families


@pytest.mark.parametrize(
    ("language", "region"),
    [("zh-Hans", "SC"), ("zh-Hant", "TC"), ("zh-TW", "TC"), ("zh-HK", "HK"), ("ja", "JP"),
     ("ko", "KR")],
)  # fmt: skip
def test_han_is_set_in_one_regional_face_only(language: str, region: str) -> None:
    """A zh-Hans PDF embeds only SC CJK faces, a ja PDF only JP ones: no fallback by luck."""
    text = " ".join(SAMPLES[language])
    if missing := missing_fonts(text, language):
        pytest.skip("; ".join(str(m) for m in missing))
    families = _families(mc.to_pdf(_article(language)))
    cjk = {family for family in families if " CJK " in family}
    assert cjk, families
    assert all(family.endswith(f"CJK {region}") for family in cjk), cjk


def test_no_script_without_an_italic_is_slanted() -> None:
    """CJK quotes and running heads are upright: no synthesised oblique face is embedded."""
    names = _font_names(mc.to_pdf(_article("ja")))
    assert not [name for name in names if "Oblique" in name or "Italic" in name], names
