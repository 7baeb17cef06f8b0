"""Front matter splitting and YAML typing."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from newsgen.parse.frontmatter import SplitError, decode, split
from newsgen.parse.yamltree import YamlError, YMap, as_text, parse, to_python


def test_simple_split() -> None:
    parts = split("---\ntitle: A\n---\nBody\n")
    assert parts.front == "title: A\n"
    assert parts.body == "Body\n"
    assert parts.front_line == 2
    assert parts.body_line == 4


def test_bom_and_crlf_are_accepted() -> None:
    text = decode(b"\xef\xbb\xbf---\r\ntitle: A\r\n---\r\nBody\r\n")
    parts = split(text)
    assert parts.front == "title: A\n"
    assert parts.body == "Body\n"


def test_rule_in_body_belongs_to_body() -> None:
    parts = split("---\ntitle: A\n---\nOne\n\n---\n\nTwo\n")
    assert parts.front == "title: A\n"
    assert parts.body == "One\n\n---\n\nTwo\n"


def test_trailing_spaces_on_delimiters() -> None:
    parts = split("---  \ntitle: A\n--- \nBody")
    assert parts.front == "title: A\n"
    assert parts.body == "Body"


@pytest.mark.parametrize("text", ["Body only\n", "", "----\ntitle: x\n----\n", " ---\n"])
def test_missing_front_matter_is_an_error_on_line_1(text: str) -> None:
    with pytest.raises(SplitError) as info:
        split(text)
    assert info.value.line == 1


def test_unclosed_front_matter() -> None:
    with pytest.raises(SplitError, match="never closed"):
        split("---\ntitle: x\n")


fm_text = st.text(st.characters(blacklist_categories=["Cs"], blacklist_characters="\r"),
                  max_size=200)


@given(front=fm_text, body=fm_text)
def test_split_round_trips(front: str, body: str) -> None:
    """Whatever the body holds (even '---' lines), the first delimiter pair wins."""
    front_lines = [line for line in front.split("\n") if line.rstrip(" \t") != "---"]
    front = "\n".join(front_lines)
    if front and not front.endswith("\n"):
        front += "\n"
    parts = split(f"---\n{front}---\n{body}")
    assert parts.front == front
    assert parts.body == body
    assert parts.body_line == 3 + front.count("\n")


@given(st.binary(max_size=300))
def test_decode_and_split_never_crash_unexpectedly(data: bytes) -> None:
    try:
        text = decode(data)
        split(text)
    except (UnicodeDecodeError, SplitError):
        pass


@pytest.mark.parametrize("value", ["no", "yes", "off", "10:00", "1:10", "0x10", "~x", "1e3"])
def test_yaml_scalars_keep_their_text(value: str) -> None:
    node = parse(f"title: {value}\n")
    assert isinstance(node, YMap)
    title = node.get("title")
    assert title is not None
    assert as_text(title) == value


def test_lines_are_kept() -> None:
    node = parse("a: 1\nb:\n  - x\n  - y\n", line_offset=1)
    assert isinstance(node, YMap)
    b = node.get("b")
    assert b is not None and b.line == 4


def test_a_list_or_mapping_used_by_alias_is_placed_where_the_alias_is() -> None:
    """`related: *t` reusing `tags: &t [...]`: a problem with one of its items is said
    on the alias's line, not on the anchor's (which holds no mistake)."""
    node = parse("tags: &t\n  - energy\n  - 12\nplace: &p {city: Ashgabat}\n"
                 "related: *t\nwhere: *p\n")
    assert isinstance(node, YMap)
    related, where = node.get("related"), node.get("where")
    assert related is not None and where is not None
    assert [related.line, *(item.line for item in related.items)] == [5, 5, 5]
    assert isinstance(where, YMap) and [where.line, where.items[0][1].line] == [6, 6]
    tags = node.get("tags")
    assert tags is not None and [item.line for item in tags.items] == [2, 3]


def test_merge_keys_are_read_as_yaml_reads_them() -> None:
    """`<<: *base` (YAML 1.1's merge, which PyYAML's safe loader reads too) was an error,
    and the fields it brought were then said to be missing as well. A key written in the
    mapping wins, then the first mapping merged; the merged keys are on the `<<` line."""
    problems: list[YamlError] = []
    node = parse("base: &b {section: General, tags: [a]}\nother: &o {section: Sport, lang: en}\n"
                 "<<: [*b, *o]\ntitle: Merged\ntags: [c]\n", problems=problems)
    assert isinstance(node, YMap) and not problems
    assert {k.text: (to_python(v), k.line) for k, v in node.items if k.text not in (
        "base", "other")} == {"title": ("Merged", 4), "tags": (["c"], 5),
                              "section": ("General", 3), "lang": ("en", 3)}
    parse("<<: [1, 2]\ntitle: x\n", problems=problems)
    assert [(str(p), p.line) for p in problems] == [
        ("a merge key (<<) takes a mapping or a list of mappings (`<<: *base`)", 1)] * 2


def test_alias_bomb_is_refused() -> None:
    bomb = "a: &a [x, x, x, x, x, x, x, x, x, x]\n"
    for i in range(1, 9):
        bomb += f"{chr(97 + i)}: &{chr(97 + i)} [" + ", ".join([f"*{chr(96 + i)}"] * 10) + "]\n"
    with pytest.raises(YamlError, match="alias bomb"):
        parse(bomb)


def test_python_objects_are_not_constructed() -> None:
    problems: list[YamlError] = []
    node = parse("a: 1\nx: !!python/object/apply:os.system ['echo hi']\n", problems=problems)
    assert isinstance(node, YMap)
    x = node.get("x")
    assert x is not None
    # Nothing is constructed or run: the tag is an error on its line, the value read as if
    # untagged (a list of text)
    assert to_python(x) == ["echo hi"]
    assert [(str(p), p.line) for p in problems] == [(
        "the YAML tag '!!python/object/apply:os.system' is not read here: remove it (front "
        "matter and newsgen.yaml hold text, numbers, lists and mappings)", 2)]
    assert to_python(parse("x: !!str 2024\n")) == {"x": "2024"}  # a core tag: what is meant
    # A tag on a number or a key: one error each, the value read as if untagged
    problems.clear()
    node = parse("n: !foo 10\n!bar k: v\nq: !foo \"10\"\nm: !foo {x: 1}\n", problems=problems)
    assert to_python(node) == {"n": 10, "k": "v", "q": "10", "m": {"x": 1}}
    assert [p.line for p in problems] == [1, 2, 3, 4]


def test_a_toml_number_with_a_leading_zero_is_said_so() -> None:
    from newsgen.parse.datatree import parse_toml

    with pytest.raises(YamlError) as caught:
        parse_toml('title = "x"\nday = 07\n', 1)
    assert (caught.value.line, caught.value.message) == (3, (
        "TOML front matter: day: a TOML number has no leading zero: `day = 7`, or "
        '`day = "07"` for the text'))


@pytest.mark.parametrize(("line", "said"), [
    ("days = [07, 08]", "days: a TOML number has no leading zero: `days = [7, 8]`"),
    ("x = 007.5", "x: a TOML number has no leading zero: `x = 7.5`"),
    ("d = {day = 07}", "d: a TOML number has no leading zero: `d = {day = 7}`"),
])
def test_a_toml_number_with_leading_zeros_anywhere_on_its_line_is_said_so(
        line: str, said: str) -> None:
    """In an array, an inline table or a fraction, TOML's own words were "Unclosed
    array" (it is closed) or "Expected newline": the line mended is what to write."""
    from newsgen.parse.datatree import parse_toml

    with pytest.raises(YamlError) as caught:
        parse_toml(f"{line}\n", 0)
    assert caught.value.message == f"TOML front matter: {said}"


def test_hugo_toml_numbers_lose_their_leading_zeros_and_nothing_else() -> None:
    """Hugo's older TOML reader took `07`; mended on the lines TOML refuses only: not a
    date, a time, a fraction, a hexadecimal number, a string, a comment or a key."""
    from newsgen.parse.datatree import parse_hugo_toml, unzeroed

    kept = ["a = 2020-01-07", "t = 07:30:00", "h = 0x07", "f = 1.05", 's = "07"',
            "s = '07' # 07", "e = 1e05", "dt = 2020-01-07T07:08:09+05:00", "z = 0.5"]
    assert [unzeroed(line) for line in kept] == kept
    assert [unzeroed(line) for line in ("n = -07", "z = 00", "k07 = 07", "  07,")] == [
        "n = -7", "z = 0", "k07 = 7", "  7,"]
    node, mended = parse_hugo_toml(
        'days = [\n  07,\n  08\n]\nd = {day = 07}\nx = 007.5\nparams.day = 07\n'
        '"q" = 07\nweight = 010\ndesc = """\nratio = 05\n"""\nwhen = 2020-01-07\n', 1)
    assert to_python(node) == {
        "days": [7, 8], "d": {"day": 7}, "x": 7.5, "params": {"day": 7}, "q": 7,
        "weight": 10, "desc": "ratio = 05\n", "when": to_python(node)["when"]}
    assert str(to_python(node)["when"]) == "2020-01-07"
    assert mended == [3, 4, 6, 7, 8, 9, 10]
