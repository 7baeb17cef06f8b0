"""Dates as front matter and the command line write them: YAML dates and timestamps, ISO 8601.

A time written without a zone is in the site's zone; a date alone is midnight
there, and "no time was given" is reported with it so pages can show a day.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta, timezone, tzinfo

_DATE_RE = re.compile(
    r"(\d{4})-(\d{1,2})-(\d{1,2})"
    r"(?:(?:[Tt]|[ \t]+)(\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?"
    r"[ \t]*(Z|z|[-+]\d{1,2}(?::?\d{2})?)?)?\Z"
)
_ORDINAL_RE = re.compile(r"(\d{4})-(\d{3})((?:[Tt]|[ \t]+)\d.*)?\Z")
# Dates outside these years are typos, and would overflow time zone arithmetic.
MIN_YEAR, MAX_YEAR = 1000, 9000


def parse_date(text: str, tz: tzinfo) -> datetime | None:
    """A YAML date/timestamp or ISO 8601 string; naive times are in `tz`."""
    return parse_moment(text, tz)[0]


def parse_moment(text: str, tz: tzinfo) -> tuple[datetime | None, bool]:
    """Like parse_date, and whether the text gave a time of day."""
    ordinal = _ORDINAL_RE.match(text)
    if ordinal is not None:  # `2024-353`: the year's 353rd day
        year, number = int(ordinal[1]), int(ordinal[2])
        if not MIN_YEAR <= year <= MAX_YEAR or number < 1:
            return None, False
        day = date(year, 1, 1) + timedelta(days=number - 1)
        if day.year != year:
            return None, False
        text = day.isoformat() + (ordinal[3] or "")
    match = _DATE_RE.match(text)
    if match is None:
        return _other_iso(text.strip(), tz)
    return _moment(match, tz), match.group(4) is not None


def _other_iso(text: str, tz: tzinfo) -> tuple[datetime | None, bool]:
    """ISO 8601's other forms, as Python reads them: basic (`20241218T103000Z`), week
    dates (`2024-W51-3`), an hour alone (`2024-12-18T10`)."""
    if not text[:1].isdigit() or _fraction_without_seconds(text):
        return None, False
    try:
        day = date.fromisoformat(text)
    except ValueError:
        day = None
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None, False
    offset = moment.utcoffset()
    if not MIN_YEAR <= moment.year <= MAX_YEAR or (offset is not None and (
            offset.seconds % 60 or offset.microseconds)):  # `+05:30:15`: Python's, not ISO's
        return None, False
    return (moment if moment.tzinfo else moment.replace(tzinfo=tz)), day is None


def _fraction_without_seconds(text: str) -> bool:
    """`2024-12-18 10.30`: a dot typed for the colon, which Python would read as a
    fraction of the hour's first second (10:00:00.300). ISO 8601 allows a fraction after
    the seconds only, as newsgen reads it."""
    clock = re.split(r"[Tt\s]", text, maxsplit=1)[1:]
    if not clock:
        return False
    head = re.split(r"[.,]", clock[0], maxsplit=1)
    if len(head) == 1:
        return False
    return not (head[0].count(":") == 2 or (head[0].isdigit() and len(head[0]) == 6))


def _moment(match: re.Match[str], tz: tzinfo) -> datetime | None:
    year, month, day, hour, minute, second, frac, zone = match.groups()
    midnight = hour == "24" and int(minute) == int(second or 0) == int(frac or 0) == 0
    if midnight:  # `24:00`: the end of the day, which is the next day's 00:00
        hour = "0"
    try:
        day_value = date(int(year), int(month), int(day))
        clock = time(
            int(hour or 0),
            int(minute or 0),
            int(second or 0),
            int((frac or "0")[:6].ljust(6, "0")),
        )
    except ValueError:
        return None
    if not MIN_YEAR <= day_value.year <= MAX_YEAR:
        return None
    moment = datetime.combine(day_value, clock) + timedelta(days=1 if midnight else 0)
    if zone is None:
        return moment.replace(tzinfo=tz)
    if zone in ("Z", "z"):
        return moment.replace(tzinfo=UTC)
    sign = -1 if zone[0] == "-" else 1
    digits = zone[1:].replace(":", "")
    hours = int(digits[:-2] if len(digits) > 2 else digits)
    minutes = int(digits[-2:]) if len(digits) > 2 else 0
    if hours > 23 or minutes > 59:
        return None
    return moment.replace(tzinfo=timezone(sign * timedelta(hours=hours, minutes=minutes)))


def iso(moment: datetime) -> str:
    """ISO 8601 with the offset: 2024-12-18T10:30:00+05:00 (with a fraction of a second,
    to the millisecond HTML's `datetime` takes: 2024-12-18T10:30:00.500+05:00)."""
    moment = whole_minutes(moment)
    return moment.isoformat(timespec="milliseconds" if moment.microsecond else "seconds")


def whole_minutes(moment: datetime) -> datetime:
    """The same instant with an offset of whole minutes, as HTML, sitemaps and feeds read
    one: before about 1930 many zones kept local mean time (Asia/Ashgabat was +03:53:32
    until 1924), and such a moment is given in UTC."""
    offset = moment.utcoffset()
    return moment if offset is None or not offset.seconds % 60 else moment.astimezone(UTC)
