"""Redirect pages: an article's old URLs (`aliases`, `redirect_from`), and the root of a
site whose default language has a folder of its own (`default_language_prefix`)."""

from __future__ import annotations

import html

from newsgen.stages.views import Context


def redirect_page(ctx: Context, url: str, title: str, lang: str) -> bytes:
    """A page at an old URL (an article's alias, or the root of a site whose languages all
    have folders) that sends readers and search engines to `url`: an immediate refresh,
    the canonical link, `noindex`; it is in no sitemap."""
    href = html.escape(ctx.urls.href(url), quote=True)
    canonical = html.escape(ctx.urls.abs(url), quote=True)
    title = html.escape(title)
    return (f'<!doctype html>\n<html lang="{html.escape(lang, quote=True)}">\n<head>\n'
            f'<meta charset="utf-8">\n<title>{title}</title>\n'
            f'<link rel="canonical" href="{canonical}">\n'
            '<meta name="robots" content="noindex">\n'
            f'<meta http-equiv="refresh" content="0; url={href}">\n</head>\n<body>\n'
            f'<p><a href="{href}">{title}</a></p>\n</body>\n</html>\n').encode()
