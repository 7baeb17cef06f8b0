"""Every key of `newsgen.yaml`, declared once: where it is written, what it holds, its
bounds and a line of documentation. The reader (newsgen.parse.config) takes the known
keys and the plain values' checks from here; `tests/test_config.py` checks the README's
configuration table against it. Defaults are those of `Config` and of its groups' types
(`ReadAlso`, `Images`, … in newsgen.model.config).
"""

from __future__ import annotations

from dataclasses import dataclass, fields

from newsgen.model.config import DEAD_LINK_MODES, PAGINATION_MODES, Config
from newsgen.model.config import GROUPS as GROUP_TYPES


@dataclass(frozen=True)
class Option:
    key: str  # as written in newsgen.yaml, dotted below a group: "read_also.limit"
    # the field it sets: of Config, or of its group's type ("limit" of ReadAlso); None:
    # several fields, or none
    field: str | None
    # "text", "integer", "boolean", "choice" (one of `choices`), or "read" (a reader of
    # its own)
    kind: str
    doc: str
    minimum: int | None = None  # integers: the smallest allowed
    maximum: int | None = None
    allow_empty: bool = False  # text: "" is a value
    choices: tuple[str, ...] = ()  # choice: the allowed values
    @property
    def group(self) -> str:
        return self.key.rpartition(".")[0]

    @property
    def name(self) -> str:
        return self.key.rpartition(".")[2]


OPTIONS: tuple[Option, ...] = (
    Option("title", "title", "text", "site name (of the default language)"),
    Option("description", "description", "text", "one-line description: meta description of "
           "list pages, feed description", allow_empty=True),
    Option("base_url", "base_url", "read", "absolute site URL, or a path for a sub-folder"),
    Option("language", "language", "read", "default language; its pages are at the root"),
    Option("languages", "languages", "read", "other languages, by code"),
    Option("default_language_prefix", "default_language_prefix", "boolean",
           "the default language's pages under /<code>/ too; the root redirects there"),
    Option("timezone", "timezone", "read", "IANA zone for times written without one"),
    Option("sections", "sections", "read", "ordered list of sections"),
    Option("sections_from", "sections_from", "read", "where an article without `section` "
           "gets one: front_matter, folder or categories"),
    Option("filename_dates", "filename_dates", "boolean", "a YYYY-MM-DD- file-name prefix "
           "gives an article without `date` its date, and leaves its slug"),
    Option("per_page", "per_page", "integer", "articles per section, tag and author page",
           minimum=1),
    Option("pagination", "pagination", "choice", "how list pages are numbered: newest "
           "(from the newest article) or stable (fixed blocks from the oldest)",
           choices=PAGINATION_MODES),
    Option("permalink", "permalink", "read", "article URL pattern"),
    Option("read_also.limit", "limit", "integer",
           "the most links in a read-also block", minimum=0),
    Option("read_also.fill", "fill", "boolean",
           "fill the block up to the limit with related articles"),
    Option("markdown.raw_html", "raw_html", "boolean",
           "false escapes raw HTML in bodies and drops unsafe link schemes"),
    Option("feed.limit", "limit", "integer", "items in each RSS feed", minimum=1),
    Option("news_sitemap.days", "days", "integer",
           "the news sitemap lists articles of this many last days", minimum=1,
           maximum=3650),
    Option("search", "search", "boolean", "a Pagefind search index and a search box"),
    Option("checks.far_future_days", "far_future_days", "integer",
           "warn about articles dated further ahead (0: never)", minimum=0, maximum=36500),
    Option("checks.large_article_kb", "large_article_kb", "integer",
           "warn about larger article files (0: never)", minimum=0),
    Option("checks.dead_links", "dead_links", "choice", "a body link to a site path that "
           "the build does not write: an error, or a warning (an imported archive's)",
           choices=DEAD_LINK_MODES),
    Option("home.per_section", "per_section", "integer",
           "articles per section block on the home page", minimum=0),
    Option("publisher.logo", "logo", "text", "logo for the JSON-LD publisher"),
    Option("images.widths", "widths", "read", "widths of the resized lead images"),
    Option("images.webp", "webp", "boolean", "also make WebP copies"),
    Option("images.quality", "quality", "integer", "JPEG and WebP quality",
           minimum=1, maximum=100),
    Option("strings", None, "read", "UI label overrides for the default language"),
    Option("date_format", None, "read", "how dates are shown"),
    Option("locale", None, "read", "Open Graph locale of the default language"),
    Option("params", "params", "read", "free-form values for templates"),
    Option("extra_css", "extra_css", "read", "the site's own stylesheets"),
)

BY_KEY = {option.key: option for option in OPTIONS}
# The keys of the top level, and of each group, in the order of the table.
TOP_KEYS = tuple(dict.fromkeys(option.key.split(".")[0] for option in OPTIONS))
GROUPS: dict[str, tuple[Option, ...]] = {
    group: tuple(o for o in OPTIONS if o.group == group)
    for group in dict.fromkeys(o.group for o in OPTIONS if o.group)
}


def default(option: Option) -> object:
    """The option's default: its field's, in Config or in its group's type."""
    holder = GROUP_TYPES.get(option.group, Config)
    for f in fields(holder):
        if f.name == option.field:
            return f.default
    return None
