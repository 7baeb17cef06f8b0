"""A template author's slips: each said once, at the line that made it, in the run that
meets it, and none left to show in the pages or to crash the build."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from conftest import NOW, article, newsgen, write_site

MACROS = Path(__file__).parent.parent / "src/newsgen/theme/templates/macros.html"


def site(tmp_path: Path, templates: dict[str, str]) -> Path:
    return write_site(tmp_path / "site", {
        "newsgen.yaml": "title: T\ndescription: D\nbase_url: https://t.example/\n",
        "content/news/hello.md": article("Hello", "2024-12-10", "News", tags="[a]",
                                         author="Ann"),
        **{f"templates/{name}": text for name, text in templates.items()},
    })


def errors(root: Path, command: str = "build") -> list[str]:
    run = newsgen(command, "-s", root, "--now", NOW)
    assert "Traceback" not in run.err and "internal error" not in run.err, run.err
    return [*run.errors(), *(w for w in run.warnings() if "templates" in w)]


def test_a_labels_value_misspelt_or_left_out_is_an_error_on_its_line(tmp_path: Path) -> None:
    root = site(tmp_path, {"section.html": (
        '{% extends "builtin/section.html" %}{% block content %}\n'
        '<p>{{ t("more_in_section", sectoin=section.title) }}</p>{{ super() }}{% endblock %}')})
    assert errors(root) == [
        "templates/section.html:2: error: while rendering /news/index.html: "
        "t('more_in_section'): the label needs section= (its words show {section}); is "
        "sectoin= a typo of it?"]
    (root / "templates/section.html").write_text(
        '{% extends "builtin/section.html" %}{% block content %}\n'
        '<p>{{ t("page_n_of", n=pagination.number) }}</p>{{ super() }}{% endblock %}')
    assert errors(root) == [
        "templates/section.html:2: error: while rendering /news/index.html: t('page_n_of'): "
        "the label needs total= (its words show {total})"]
    # a site's own words may show fewer values, or more that its own template gives
    write_site(root, {"newsgen.yaml": "title: T\ndescription: D\nbase_url: https://t.example/\n"
                                      "strings: {more_in_section: 'More from {site}', "
                                      "page_n_of: 'Page {n}'}\n",
                      "templates/section.html": (
                          '{% extends "builtin/section.html" %}{% block content %}<p>'
                          '{{ t("more_in_section", site=site.title) }}'
                          '{{ t("page_n_of", n=1) }}</p>{{ super() }}{% endblock %}')})
    assert errors(root) == []
    assert "More from T" in (root / "dist/news/index.html").read_text()


def test_one_slip_in_the_base_template_is_said_once_with_the_right_fix(tmp_path: Path) -> None:
    root = site(tmp_path, {"base.html": '{% extends "builtin/base.html" %}'
                                        '{% block head_extra %}{{ site.edition }}{% endblock %}'})
    said = errors(root)
    assert len(said) == 1 and said[0].startswith("templates/base.html:1: error: while rendering")
    assert said[0].endswith("has no attribute 'edition'")
    (root / "templates/base.html").write_text('{% extends "base.html" %}')
    said = errors(root)
    assert len(said) == 1 and said[0].endswith(
        'a template that extends itself: to extend the theme\'s base.html, write {% extends '
        '"builtin/base.html" %}; or a macro that calls itself)')


def test_a_misspelt_value_given_to_a_macro_is_said_with_where_it_was_given(
        tmp_path: Path) -> None:
    root = site(tmp_path, {
        "partials/util.html": "{% macro names(terms) %}\n"
                              "{% for x in terms %}{{ x.name }}{% endfor %}\n{% endmacro %}\n",
        "article.html": '{% extends "builtin/article.html" %}\n'
                        '{% import "partials/util.html" as util %}\n{% block content %}\n'
                        "<p>{{ util.names(article.author) }}</p>{{ super() }}{% endblock %}\n"})
    assert errors(root) == [
        "templates/article.html:4: error: while rendering /news/hello/index.html (used at "
        "templates/partials/util.html:2): 'newsgen.stages.views.ArticleView object' has no "
        "attribute 'author'; did you mean 'authors'?"]
    (root / "templates/article.html").write_text(
        '{% extends "builtin/article.html" %}{% block content %}\n'
        '{% include "partials/utils.html" %}{{ super() }}{% endblock %}')
    assert errors(root) == ["templates/article.html:2: error: template not found: "
                            "partials/utils.html; did you mean 'partials/util.html'?"]


def test_a_block_no_parent_has_is_a_warning_with_the_block_meant(tmp_path: Path) -> None:
    root = site(tmp_path, {"article.html": (
        '{% extends "builtin/article.html" %}\n'
        '{% block contnet %}<p class="mine">Mine</p>{% endblock %}\n'
        '{% block helpers %}<i>h</i>{% endblock %}\n'  # (shown by self.helpers())
        '{% block content %}{% block inner %}x{% endblock %}{{ self.helpers() }}{{ super() }}'
        '{% endblock %}\n')})
    assert errors(root) == [
        "templates/article.html:2: warning: block 'contnet' is not a block of "
        "builtin/article.html or of what it extends, so it is never shown; did you mean "
        "'content'?"]


def test_half_a_character_in_a_template_string_is_an_error_on_its_line(
        tmp_path: Path) -> None:
    root = site(tmp_path, {"base.html": '{% extends "builtin/base.html" %}\n'
                           '{% block head_extra %}<meta content="{{ "\\ud83d\\udd25 News" }}">'
                           "{% endblock %}\n"})
    said = errors(root)
    assert ("templates/base.html:2: error: the string holds half a character (\\ud83d, a "
            "UTF-16 surrogate), which no page can hold: write the character itself (🔥, or "
            "\\U0001f525)") in said
    assert not (root / "dist").exists()
    (root / "templates/base.html").write_text(  # |tojson writes it as JSON's own escape
        '{% extends "builtin/base.html" %}{% block head_extra %}<script>var s = '
        '{{ "\\ud83d\\udd25"|tojson }};</script>{% endblock %}')
    assert errors(root) == []


def test_editor_leftovers_in_templates_are_left_alone(tmp_path: Path) -> None:
    root = site(tmp_path, {"read_also.html": "\ufeff{% extends \"builtin/read_also.html\" %}"})
    os.symlink("ana@desk.4242:1733000000", root / "templates/.#read_also.html")  # Emacs's lock
    assert errors(root) == []
    page = (root / "dist/news/hello/index.html").read_text()
    assert "\ufeff" not in page  # a byte-order mark is no text of the page's


def test_check_says_a_broken_template_no_page_uses(tmp_path: Path) -> None:
    root = site(tmp_path, {"search.html": '{% extends "builtin/search.html" %}'
                                          "{% if x %}{% endblock %}"})
    said = errors(root, "check")
    assert len(said) == 1 and said[0].startswith("templates/search.html:1: error: template "
                                                 "syntax:")


def test_a_sites_macros_lacking_one_its_article_page_still_imports_is_said(
        tmp_path: Path) -> None:
    macros = "\n".join(line for line in MACROS.read_text().split("\n")
                       if "macro held_mark" not in line)
    root = site(tmp_path, {"article.html": '{% extends "builtin/article.html" %}',
                           "macros.html": macros})
    assert errors(root, "check") == [
        "templates/macros.html: error: defines no macro 'held_mark', which article.html "
        "imports: define it (copy it from the theme's macros.html)"]
    # ... unless the blocks that call it are replaced
    (root / "templates/article.html").write_text(
        '{% extends "builtin/article.html" %}{% block content %}<article><h1>{{ article.title }}'
        "</h1></article>{% endblock %}")
    assert [e for e in errors(root, "check") if "error" in e] == []


def test_the_caller_is_named_for_a_macro_not_for_the_layout_a_block_is_in(
        tmp_path: Path) -> None:
    root = site(tmp_path, {
        "base.html": '{% extends "builtin/base.html" %}{% block head_extra %}{% endblock %}',
        "article.html": '{% extends "builtin/article.html" %}{% block content %}\n'
                        "{{ article.sumary }}{% endblock %}"})
    assert errors(root) == [
        "templates/article.html:2: error: while rendering /news/hello/index.html: "
        "'newsgen.stages.views.ArticleView object' has no attribute 'sumary'; did you mean "
        "'summary'?"]


def test_a_misspelt_value_kept_in_a_variable_is_said_where_it_was_misspelt(
        tmp_path: Path) -> None:
    """`{% set who = article.autors %}` fails where `who` is used: the error names the
    line of the typo, and the line that used it. A name no view has is not guessed at,
    and a free-form param that is not there is empty."""
    root = site(tmp_path, {})
    article_view = "'newsgen.stages.views.ArticleView object' has no attribute"
    for content, said in (
            ("{% set who = article.autors %}\n<h1>{{ article.title }}</h1>\n\n<p>{{ who }}</p>",
             f"templates/article.html:2: error: while rendering /news/hello/index.html (used "
             f"at line 5): {article_view} 'autors'; did you mean 'authors'?"),
            ("{{ article.subtitle }}{{ article.params.colour }}",
             "templates/article.html:2: error: while rendering /news/hello/index.html: "
             f"{article_view} 'subtitle'")):
        write_site(root, {"templates/article.html": '{% extends "builtin/article.html" %}'
                          f"{{% block content %}}\n{content}{{{{ super() }}}}{{% endblock %}}"})
        assert errors(root) == [said]


def test_an_import_of_a_macro_that_is_not_there_is_said_on_its_line(tmp_path: Path) -> None:
    """Jinja fails only where an imported name is used: one never used is a warning on
    the import's line, one used an error there."""
    root = site(tmp_path, {"article.html": (
        '{% extends "builtin/article.html" %}\n'
        '{% from "macros.html" import picture, pictrue, held_mark as held %}\n'
        "{% block content %}{{ super() }}{% endblock %}")})
    assert errors(root) == [
        "templates/article.html:2: warning: macros.html has no macro or value 'pictrue' "
        "to import; did you mean 'picture'?"]
    (root / "templates/article.html").write_text(
        '{% extends "builtin/article.html" %}\n{% from "macros.html" import byline %}\n'
        "{% block content %}{{ byline() }}{{ super() }}{% endblock %}")
    said = errors(root)
    assert len(said) == 1 and said[0].startswith(
        "templates/article.html:2: error: while rendering /news/hello/index.html (used at "
        "line 3): "), said


def test_a_slip_in_the_base_template_hides_none_of_a_pages_other_slips(
        tmp_path: Path) -> None:
    """Every page renders base.html's head first: its slip used to stop each page there,
    so article.html's slips waited for the next run. One run says them all, each once."""
    root = site(tmp_path, {
        "base.html": '{% extends "builtin/base.html" %}'
                     "{% block head_extra %}{{ site.edition }}{% endblock %}",
        "article.html": '{% extends "builtin/article.html" %}{% block content %}\n'
                        "{{ article.titel }}\n{% set who = article.autors %}{{ super() }}\n"
                        "{{ who }}{{ who }}{% endblock %}"})
    assert sorted(errors(root)) == [
        "templates/article.html:2: error: while rendering /news/hello/index.html: "
        "'newsgen.stages.views.ArticleView object' has no attribute 'titel'; did you mean "
        "'title'?",
        "templates/article.html:3: error: while rendering /news/hello/index.html (used at "
        "line 4): 'newsgen.stages.views.ArticleView object' has no attribute 'autors'; did "
        "you mean 'authors'?",
        "templates/base.html:1: error: while rendering /index.html: "
        "'newsgen.stages.views.SiteView object' has no attribute 'edition'"]
    assert not (root / "dist").exists()


def test_a_macro_given_an_argument_it_does_not_take_says_the_ones_it_does(
        tmp_path: Path) -> None:
    root = site(tmp_path, {})
    for argument, hint in (('size="50vw"', "; did you mean 'sizes'?"),
                           ("eager=true", " (it takes image, lazy, sizes)")):
        write_site(root, {"templates/article.html": (
            '{% extends "builtin/article.html" %}{% from "macros.html" import picture %}\n'
            f"{{% block content %}}{{{{ picture(article.image, {argument}) }}}}"
            "{{ super() }}{% endblock %}")})
        name = argument.partition("=")[0]
        assert errors(root) == [
            "templates/article.html:2: error: while rendering /news/hello/index.html: macro "
            f"'picture' takes no keyword argument '{name}'{hint}"]


def test_a_value_missing_from_an_import_without_context_stays_an_error(
        tmp_path: Path) -> None:
    """A module imported without context is made once and kept by its template: the
    render that looks for more slips, in which a missing value is only noted, must not
    be the one that makes it, or every later page showed '' for `brand`, without error."""
    root = site(tmp_path, {
        "macros2.html": "{% set brand = site.title %}\n"
                        "{% macro byline(a) %}{{ brand }}: {{ a.title }}{% endmacro %}\n",
        "article.html": '{% extends "builtin/article.html" %}\n'
                        '{% import "macros2.html" as m %}\n{% block content %}'
                        '<p class="by">{{ m.byline(article) }}</p>{{ super() }}{% endblock %}\n'})
    for command in ("check", "build"):
        assert errors(root, command) == [
            "templates/macros2.html:1: error: while rendering /news/hello/index.html: 'site' "
            "is undefined"]
    assert not (root / "dist").exists()


def test_sums_and_comparisons_of_missing_values_hide_no_later_slip(tmp_path: Path) -> None:
    root = site(tmp_path, {"article.html": (
        '{% extends "builtin/article.html" %}{% block content %}\n'
        '{{ article.autors|join(",") }}\n{{ article.count + 1 }}\n'
        "{% if article.wordcount > 500 %}long{% endif %}\n{{ article.sumary }}\n"
        '{% if article.kindd == "x" %}eq{% endif %}{% if article.kinde != "x" %}ne{% endif %}'
        "{{ super() }}{% endblock %}")})
    assert [e.split(": error: ")[0] for e in errors(root)] == [  # kindd and kinde: two
        f"templates/article.html:{n}" for n in (2, 3, 4, 5, 6, 6)]  # slips on line 6


def test_macros_of_one_name_in_two_templates_and_through_extends(tmp_path: Path) -> None:
    """An import from a template that extends the one defining the macro finds it (only
    its typo is warned of); and no arguments are named for a macro called with one it
    does not take when two templates define a macro of that name differently."""
    root = site(tmp_path, {
        "a_cards.html": '{% macro box(title, colour="red") %}{{ title }}{% endmacro %}',
        "m.html": "{% macro box(x, size=1) %}[{{ x }}]{% endmacro %}",
        "child.html": '{% extends "m.html" %}',
        "article.html": '{% extends "builtin/article.html" %}\n'
                        '{% from "child.html" import box, bxo %}\n'
                        "{% block content %}{{ box(article.title, sise=2) }}{{ super() }}"
                        "{% endblock %}"})
    assert errors(root) == [
        "templates/article.html:3: error: while rendering /news/hello/index.html: macro "
        "'box' takes no keyword argument 'sise'",
        "templates/article.html:2: warning: child.html has no macro or value 'bxo' to "
        "import; did you mean 'box'?"]


def test_a_sites_own_macros_html_gives_the_argument_hint(tmp_path: Path) -> None:
    """The README has a site copy the theme's macros.html to change it: its own macro's
    arguments are the ones named, not left out for disagreeing with the theme's."""
    root = site(tmp_path, {
        "macros.html": MACROS.read_text().replace(
            "{% macro picture(image, lazy=true, sizes=none) %}",
            '{% macro picture(image, lazy=true, sizes=none, cls="") %}'),
        "article.html": '{% extends "builtin/article.html" %}{% from "macros.html" import '
                        "picture %}\n{% block content %}{{ picture(article.image, lazzy=false) }}"
                        "{{ super() }}{% endblock %}"})
    assert errors(root) == [
        "templates/article.html:2: error: while rendering /news/hello/index.html: macro "
        "'picture' takes no keyword argument 'lazzy'; did you mean 'lazy'?"]


def test_a_failed_page_leaves_no_environment_alive(tmp_path: Path) -> None:
    """The environment a failed page is rendered again in is kept on the build's own, not
    in a map that would keep both (the dev server makes one per template change: each
    failing rebuild kept its templates for good)."""
    import gc
    import weakref

    from newsgen.stages.render import make_environment
    from newsgen.stages.undefined import every_slip

    root = site(tmp_path, {})
    env = make_environment(root)
    every_slip(env, "article.html", {}, "news/hello/index.html", str)
    made = weakref.ref(env)
    del env
    gc.collect()
    assert made() is None


def test_every_slip_of_a_page_names_the_template_that_called_the_macro_it_is_in(
        tmp_path: Path) -> None:
    util = ("{% macro names(terms) %}\n"
            "{% for x in terms %}{{ x.nmae }}{% endfor %}\n{% endmacro %}\n")
    root = site(tmp_path, {
        "partials/util.html": util,
        "article.html": '{% extends "builtin/article.html" %}\n'
                        '{% import "partials/util.html" as util %}\n{% block content %}\n'
                        "<p>{{ article.titel }}</p>\n"
                        "<p>{{ util.names(article.tags) }}</p>{{ super() }}{% endblock %}\n"})
    # The second slip is found by the page's second render: said as the first would be.
    assert errors(root) == [
        "templates/article.html:4: error: while rendering /news/hello/index.html: "
        "'newsgen.stages.views.ArticleView object' has no attribute 'titel'; did you mean "
        "'title'?",
        "templates/partials/util.html:2: error: while rendering /news/hello/index.html "
        "(from templates/article.html:5): 'newsgen.stages.views.TermView object' has no "
        "attribute 'nmae'; did you mean 'name'?"]


def test_a_misspelt_value_given_to_tojson_round_or_first_is_named_once(tmp_path: Path) -> None:
    root = site(tmp_path, {"article.html": (
        '{% extends "builtin/article.html" %}\n{% block content %}\n'
        "{{ article.titel | tojson }}\n{{ article.tagz | first }}\n"
        "{{ article.wordz | round }}{{ article.wordz | abs }}\n"
        '{{ {"t": article.title} | tojson }}{{ super() }}{% endblock %}\n')})
    # not "TypeError: Object of type Missing is not JSON serializable", nor a second error
    # "No first item, sequence was empty." for the misspelt list
    assert errors(root) == [
        f"templates/article.html:{line}: error: while rendering /news/hello/index.html: "
        f"'newsgen.stages.views.ArticleView object' has no attribute '{name}'{guess}"
        for line, name, guess in ((3, "titel", "; did you mean 'title'?"),
                                  (4, "tagz", "; did you mean 'tags'?"), (5, "wordz", ""))]


SLIP = ("while rendering /news/hello/index.html{via}: 'newsgen.stages.views.ArticleView "
        "object' has no attribute 'titel'; did you mean 'title'?")


@pytest.mark.parametrize(("templates", "where", "via"), [
    ({"base.html": '{% extends "builtin/base.html" %}{% block footer %}F{{ super() }}'
                   "{% endblock %}",  # a macro of the page's own file: the line calling it
      "article.html": '{% extends "base.html" %}\n{% macro m(x) %}\n{{ x.titel }}\n'
                      "{% endmacro %}\n{% block content %}\n{{ m(article) }}{{ super() }}"
                      "{% endblock %}\n"},
     "templates/article.html:3", " (from templates/article.html:6)"),
    ({"partials/i.html": 'I\n{% include "partials/j.html" %}\n',  # included by an include
      "partials/j.html": "J\n{{ article.titel }}\n",
      "article.html": '{% extends "builtin/article.html" %}\n{% block content %}\n'
                      '{% include "partials/i.html" %}{{ super() }}{% endblock %}\n'},
     "templates/partials/j.html:2", " (from templates/partials/i.html:2)"),
    ({"partials/u.html": "{% macro box() %}\n<div>{{ caller() }}</div>\n{% endmacro %}\n",
      "article.html": '{% extends "builtin/article.html" %}\n'  # a {% call %} body: its line
                      '{% import "partials/u.html" as u %}\n{% block content %}\n'
                      "{% call u.box() %}\n{{ article.titel }}\n{% endcall %}{{ super() }}"
                      "{% endblock %}\n"},
     "templates/article.html:5", ""),
    ({"partials/u.html": "{% macro a(x) %}\n{{ b(x) }}\n{% endmacro %}\n"  # macro to macro
                         "{% macro b(x) %}\n{{ x.titel }}\n{% endmacro %}\n",
      "article.html": '{% extends "builtin/article.html" %}\n'
                      '{% import "partials/u.html" as u %}\n{% block content %}\n'
                      "{{ u.a(article) }}{{ super() }}{% endblock %}\n"},
     "templates/partials/u.html:5", " (from templates/article.html:4)"),
])
def test_a_slip_names_the_template_line_that_called_it(
        tmp_path: Path, templates: dict[str, str], where: str, via: str) -> None:
    assert errors(site(tmp_path, templates)) == [f"{where}: error: {SLIP.format(via=via)}"]


def test_a_file_that_includes_itself_gets_no_advice_to_extend_a_theme_file_there_is_not(
        tmp_path: Path) -> None:
    said = errors(site(tmp_path, {
        "partials/x.html": 'X{% include "partials/x.html" %}',
        "article.html": '{% extends "builtin/article.html" %}{% block content %}'
                        '{% include "partials/x.html" %}{% endblock %}'}))
    assert len(said) == 1 and said[0].startswith("templates/partials/x.html:1: error: ")
    assert said[0].endswith("templates extend, include or call each other without end (a "
                            "template that includes itself (partials/x.html); or a macro that "
                            "calls itself)")


def test_a_slip_of_the_sites_own_template_is_said_there_not_in_the_theme(
        tmp_path: Path) -> None:
    # both were said at the theme's lines (base.html:24, home.html:13), which an editor
    # cannot change: the file to fix is the site's own
    said = errors(site(tmp_path, {"article.html": '{% extends "builtin/article.html" %}\n'
                                                  '{% block content %}\n'
                                                  '{% include "article.html" %}\n'
                                                  '{% endblock %}\n'}))
    assert len(said) == 1 and said[0].startswith("templates/article.html:3: error: "), said
    assert said[0].endswith("(a template that includes itself (article.html); or a macro "
                            "that calls itself)")
    (tmp_path / "site/templates/article.html").unlink()
    (tmp_path / "site/templates/macros.html").write_text(
        "{% macro article_card(article) %}x{% endmacro %}\n"
        "{% macro pager(p) %}{% endmacro %}\n"
        "{% macro picture(image, lazy=true, sizes=none) %}{% endmacro %}\n"
        "{% macro held_mark(held) %}{% endmacro %}\n")
    said = errors(tmp_path / "site")
    assert said[0] == ("templates/macros.html:1: error: while rendering /index.html (the "
                       "theme's home.html:13 passes level=): macro 'article_card' takes no "
                       "keyword argument 'level' (it takes article)"), said
    assert all(s.startswith("templates/macros.html:1: error: ") for s in said), said


def test_an_endless_macro_is_not_blamed_on_a_template_that_includes_itself_and_ends(
        tmp_path: Path) -> None:
    # a partial that includes itself under a condition that ends took the blame (and the
    # advice to extend the theme) for a macro of article.html that calls itself
    said = errors(site(tmp_path, {
        "partials/tree.html": "{% if depth is defined and depth < 2 %}\n<ul>{% set depth = "
                              'depth + 1 %}{% include "partials/tree.html" %}</ul>\n'
                              "{% endif %}\n",
        "article.html": '{% extends "builtin/article.html" %}\n'
                        "{% macro countdown(n) %}{{ countdown(n + 1) }}{% endmacro %}\n"
                        "{% block content %}\n{{ super() }}\n{{ countdown(1) }}\n"
                        "{% endblock %}\n"}))
    assert len(said) == 1 and said[0].startswith("templates/article.html:2: error: "), said
    assert said[0].endswith("templates extend, include or call each other without end (a "
                            "template that extends or includes itself, or a macro that calls "
                            "itself)")


def test_the_macro_the_theme_calls_is_the_one_of_the_sites_macros_html(
        tmp_path: Path) -> None:
    # another of the site's templates defining a macro of that name took the blame
    said = errors(site(tmp_path, {
        "amp/card.html": "{# AMP #}\n\n{% macro article_card(article, level=2, lazy=true) %}"
                         "<amp-card>{{ article.title }}</amp-card>{% endmacro %}\n",
        "macros.html": "{% macro article_card(article) %}x{% endmacro %}\n"
                       "{% macro pager(p) %}{% endmacro %}\n"
                       "{% macro picture(image, lazy=true, sizes=none) %}{% endmacro %}\n"
                       "{% macro held_mark(held) %}{% endmacro %}\n"}))
    assert said and all(s.startswith("templates/macros.html:1: error: ") for s in said), said


def test_endless_recursion_is_said_where_the_site_can_cut_it(tmp_path: Path) -> None:
    # a partial that includes itself and ends took the blame for the macro it calls; a loop
    # through the theme's article.html was said at the theme's line
    said = errors(site(tmp_path, {
        "menu.html": '{% import "mymacros.html" as mm %}\n{% if depth is not defined %}'
                     "{% set depth = 0 %}{% endif %}\n{{ mm.link(depth) }}\n"
                     "{% if depth < 2 %}{% set depth = depth + 1 %}"
                     '{% include "menu.html" %}{% endif %}\n',
        "mymacros.html": "{% macro link(n) %}\n{{ link(n + 1) }}\n{% endmacro %}\n",
        "article.html": '{% extends "builtin/article.html" %}\n{% block content %}'
                        '{{ super() }}{% include "menu.html" %}{% endblock %}\n'}))
    assert len(said) == 1 and said[0].startswith("templates/mymacros.html:2: error: "), said
    said = errors(site(tmp_path / "2", {
        "read_also.html": '<aside>\n{% include "article.html" %}\n</aside>\n'}))
    assert len(said) == 1 and said[0].startswith("templates/read_also.html:2: error: "), said


def test_a_macro_that_macros_html_hands_on_is_said_where_it_is_defined(
        tmp_path: Path) -> None:
    said = errors(site(tmp_path, {
        "macros.html": '{% from "builtin/macros.html" import picture, held_mark, pager %}\n'
                       '{% import "cards.html" as cards %}\n{% set picture = picture %}'
                       "{% set held_mark = held_mark %}{% set pager = pager %}\n"
                       "{% set article_card = cards.article_card %}\n",
        "cards.html": "{# cards #}\n{% macro article_card(article) %}<div>{{ article.title }}"
                      "</div>{% endmacro %}\n",
        "amp.html": "{% macro article_card(article, level=2) %}x{% endmacro %}\n"}))
    assert said and all(s.startswith("templates/cards.html:2: error: ") for s in said), said
    assert said[0].endswith("takes no keyword argument 'level' (it takes article)"), said


def test_a_template_that_extends_itself_and_is_not_used_takes_no_blame(
        tmp_path: Path) -> None:
    said = errors(site(tmp_path, {
        "old.html": '{% extends "old.html" %}\n',
        "macros.html": '{% from "builtin/macros.html" import picture, held_mark, pager %}\n'
                       "{% macro article_card(article, level=2, lead=false, lazy=true) %}\n"
                       "{{ article_card(article) }}\n{% endmacro %}\n"
                       "{% set picture = picture %}{% set held_mark = held_mark %}"
                       "{% set pager = pager %}\n"}))
    assert said and all(s.startswith("templates/macros.html:3: error: ") for s in said), said
