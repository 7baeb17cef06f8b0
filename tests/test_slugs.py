"""Slugs: readable ASCII, never empty, never a path."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from newsgen.parse.slugs import slug_or_fallback, slugify


@pytest.mark.parametrize(("text", "slug"), [
    ("Türkmenistanyň", "turkmenistanyn"),
    ("Новости", "novosti"),
    ("Ýene-de okaň", "yene-de-okan"),
    ("Ambassador visits the western region", "ambassador-visits-the-western-region"),
    ("../../etc/passwd", "etc-passwd"),
    ("CON", "con-1"),
    ("GENERAL", "general"),
])
def test_known_slugs(text: str, slug: str) -> None:
    assert slugify(text) == slug


@given(st.text(max_size=400), st.text(max_size=50))
def test_slug_is_never_empty_and_never_a_path(text: str, seed: str) -> None:
    slug = slug_or_fallback(text, seed=seed)
    assert slug
    assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", slug), slug
    assert len(slug) <= 100


def test_emoji_only_name_gets_a_stable_fallback() -> None:
    a = slug_or_fallback("🎉🎉", seed="content/x/🎉🎉.md")
    assert a == slug_or_fallback("🎉🎉", seed="content/x/🎉🎉.md")
    assert a.startswith("n-")


@given(st.text())
def test_quote_path_is_urllib_quote(path: str) -> None:
    """The renderer's fast path for URLs gives what urllib.parse.quote gives, for any text."""
    from urllib.parse import quote

    from newsgen.stages.views import quote_path

    assert quote_path(path) == quote(path)
