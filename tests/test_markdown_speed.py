"""newsgen.parse.markdown_speed: a link's closing bracket found from the brackets alone answers
as Python-Markdown's own `getText` does, the inline patterns are applied in the
registry's order, and bodies convert to the same HTML as with the library's own steps."""

from __future__ import annotations

import markdown
from hypothesis import given, settings
from hypothesis import strategies as st
from markdown.inlinepatterns import LinkInlineProcessor

from newsgen.parse.markdown_speed import fast_brackets
from newsgen.parse.markup import Converter

# Text where brackets nest, close, stay open and sit inside code and escapes.
_TEXT = st.text(alphabet="[]()!ab \\`\n*:", max_size=60)


def _library() -> LinkInlineProcessor:
    pattern = markdown.Markdown().inlinePatterns["link"]
    assert isinstance(pattern, LinkInlineProcessor)
    return pattern


@settings(max_examples=400, deadline=None)
@given(_TEXT, st.data())
def test_closing_bracket_is_the_librarys(text: str, data: st.DataObject) -> None:
    library, md = _library(), markdown.Markdown()
    fast_brackets(md)
    ours = md.inlinePatterns["link"]
    starts = [i + 1 for i, c in enumerate(text) if c == "["]
    anywhere = data.draw(st.integers(min_value=0, max_value=len(text)))
    for index in [*starts, anywhere]:
        assert ours.getText(text, index) == library.getText(text, index), (text, index)


def test_every_link_pattern_answers_from_one_search() -> None:
    md = markdown.Markdown(extensions=["footnotes"])
    fast_brackets(md)
    links = [p for p in md.inlinePatterns if isinstance(p, LinkInlineProcessor)]
    assert {type(p).__name__ for p in links} >= {
        "LinkInlineProcessor", "ImageInlineProcessor", "ReferenceInlineProcessor",
        "ImageReferenceInlineProcessor", "ShortReferenceInlineProcessor"}
    assert all("getText" in vars(p) for p in links)
    # one text, asked by two patterns and after a link was taken out: the answers of each
    text = "[a [b] c](x) and ![d](y.png) then [e][f]"
    assert links[0].getText(text, 1) == ("a [b] c", 9, True)
    assert links[1].getText(text, 19) == ("d", 21, True)
    shorter = text[12:]
    assert links[0].getText(shorter, shorter.index("[e") + 1) == ("e", 25, True)
    assert links[0].getText("[never closed", 1) == ("never closed", 13, False)


def test_the_inline_patterns_keep_the_registrys_order() -> None:
    md = Converter().md
    fixed = md.treeprocessors["inline"].inlinePatterns
    assert isinstance(fixed, tuple)
    assert fixed == tuple(md.inlinePatterns) and len(fixed) > 10
    assert fixed.index(md.inlinePatterns["backtick"]) < fixed.index(md.inlinePatterns["link"])


_BODY = st.lists(st.sampled_from([
    "[words](/news/a/)", "![a photo](pic.jpg)", "[ref][r]", "[r]", "[^1]", "[x [y] z](u)",
    "[unclosed", "]", "`[code](c)`", "\\[escaped\\]", "**bold**", "plain words", "\n\n",
    "\n", "[r]: /about/", "[^1]: a note", "- [item](i)", "> [quote](q)",
]), max_size=14).map(" ".join)


@settings(max_examples=150, deadline=None)
@given(_BODY)
def test_bodies_convert_as_with_the_librarys_own_steps(body: str) -> None:
    fast, plain = Converter(), Converter()
    for pattern in plain.md.inlinePatterns:
        if isinstance(pattern, LinkInlineProcessor):
            del pattern.getText  # the class's own again
    plain.md.treeprocessors["inline"].inlinePatterns = plain.md.inlinePatterns
    assert "getText" in vars(fast.md.inlinePatterns["link"])
    assert isinstance(fast.md.treeprocessors["inline"].inlinePatterns, tuple)
    assert fast.convert(body) == plain.convert(body)
