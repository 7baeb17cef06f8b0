"""The archive's pages: month names in the page's language, and the years and months
the archive page lists."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from newsgen.model.site import LanguageSite
from newsgen.parse import i18n
from newsgen.stages.views import Context


def month_title(month: tuple[int, int], lang: str) -> str:
    """`December 2024`, `Декабрь 2024 г.`: the month in the language, capitalized."""
    text = i18n.format_month(datetime(month[0], month[1], 1), lang)
    return text[:1].upper() + text[1:]


def archive_years(ctx: Context, ls: LanguageSite,
                   months: tuple[tuple[tuple[int, int], int], ...],
                   ) -> list[tuple[int, list[ArchiveMonth]]]:
    years: dict[int, list[ArchiveMonth]] = {}
    for (year, month), count in months:
        years.setdefault(year, []).append(ArchiveMonth(
            title=month_title((year, month), ls.lang.code),
            url=ctx.urls.href(f"{ls.prefix}archive/{year:04d}/{month:02d}/"),
            count=count,
        ))
    return sorted(years.items(), reverse=True)


@dataclass(frozen=True)
class ArchiveMonth:
    title: str
    url: str
    count: int
