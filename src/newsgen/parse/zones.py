"""The site's time zone, as `newsgen.yaml` and the importers name it: an IANA zone's
name, checked with the system's zone data, and the name meant when it is not one."""

from __future__ import annotations

import re
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from newsgen.errors import closest


def check_timezone(name: str) -> str | None:
    """None for an IANA zone name; else what is wrong, with the name meant."""
    if name in ("localtime", "posixrules") or name.startswith(("posix/", "right/")):
        return (f"'{name}' is not a zone's name but a file of this computer's: the "
                "output would change with the computer that builds it; name the zone "
                "(like 'UTC' or 'Asia/Ashgabat')")
    if not _exists(name):
        offset = _OFFSET.match(name.strip().translate(_MINUS))
        if name.strip() in ("Z", "z") or offset is not None:  # a spelling hint would be
            return f"'{name}' is not an IANA time zone but {_offset_hint(offset)}"  # wrong
        from zoneinfo import available_timezones

        known = available_timezones() - {"localtime", "posixrules"}
        inside = sorted(z for z in known if z.lower().startswith(name.lower().strip("/") + "/"))
        if inside:  # `Europe`: a region's folder of zones, which spelling would not name
            return (f"'{name}' is a region of the IANA time zones, not one: name the zone "
                    f"of a city in it, like '{inside[0]}'")
        same = [z for z in known if z.lower() == name.lower()]
        if not same and _ABBREVIATION.match(name.strip()):  # `PST`: not `MST`, hours off
            meant = _ABBREVIATIONS.get(name.strip().upper())
            return (f"'{name}' is not an IANA time zone but an abbreviation, which names "
                    "a time of several places, some of which change it twice a year: "
                    "name the zone of the place whose time the site keeps" + (
                        f" ({meant} for {name.strip().upper()})" if meant else
                        " (like 'Asia/Ashgabat' or 'Europe/London')"))
        hint = same[0] if same else closest(name, sorted(known))
        return f"'{name}' is not an IANA time zone (like 'UTC' or 'Asia/Ashgabat')" + (
            f"; did you mean '{hint}'?" if hint else "")
    return None


def _exists(name: str) -> bool:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):  # (`Europe`: a folder of zones)
        return False
    return True


# `+05:00`, `UTC+5`, `GMT-03:30`: an offset, which no zone's name is spelt like (the nearest
# name, `NZ` for `Z`, `UTC` for `UTC+5`, would move every time by hours)
_OFFSET = re.compile(r"(?:Etc/)?(?:UTC|GMT)?\s*([+-])(\d{1,2})(?::?(\d{2}))?\Z",
                     re.IGNORECASE)
_MINUS = str.maketrans({"\u2212": "-", "\u2013": "-"})  # as Wikipedia writes an offset: U+2212

# Capitals only, as a time's abbreviation is written; the zones of some common ones
_ABBREVIATION = re.compile(r"[A-Z]{2,5}\Z")
_ABBREVIATIONS = {
    "PST": "'America/Los_Angeles'", "PDT": "'America/Los_Angeles'",
    "MDT": "'America/Denver'", "CDT": "'America/Chicago'", "EDT": "'America/New_York'",
    "AKST": "'America/Anchorage'", "BRT": "'America/Sao_Paulo'",
    "CEST": "'Europe/Berlin', 'Europe/Paris' or another of Central Europe",
    "EEST": "'Europe/Kyiv', 'Europe/Athens' or another of Eastern Europe",
    "BST": "'Europe/London' or 'Asia/Dhaka'", "MSK": "'Europe/Moscow'",
    "TRT": "'Europe/Istanbul'", "GST": "'Asia/Dubai'", "TMT": "'Asia/Ashgabat'",
    "UZT": "'Asia/Tashkent'", "PKT": "'Asia/Karachi'",
    "IST": "'Asia/Kolkata', 'Europe/Dublin' or 'Asia/Jerusalem'",
    "CST": "'America/Chicago' or 'Asia/Shanghai'", "HKT": "'Asia/Hong_Kong'",
    "SGT": "'Asia/Singapore'", "JST": "'Asia/Tokyo'", "KST": "'Asia/Seoul'",
    "AEST": "'Australia/Sydney' or 'Australia/Brisbane'", "AEDT": "'Australia/Sydney'",
    "NZST": "'Pacific/Auckland'", "NZDT": "'Pacific/Auckland'", "WIB": "'Asia/Jakarta'",
    "SAST": "'Africa/Johannesburg'", "WAT": "'Africa/Lagos'", "EAT": "'Africa/Nairobi'",
}


def _offset_hint(offset: re.Match[str] | None) -> str:
    """What to write for a fixed offset (None: `Z`, UTC's letter): the zone of a place, or
    an `Etc/` zone of whole hours."""
    if offset is None:
        return "UTC's letter: write 'UTC'"
    sign, hours, minutes = offset[1], int(offset[2]), int(offset[3] or 0)
    if offset[0].lower().startswith("etc/gmt"):  # (POSIX's sign: `Etc/GMT+13` is -13:00)
        sign = "-" if sign == "+" else "+"
    if not hours + minutes:
        return "an offset of zero: write 'UTC'"
    place = ("a fixed offset: name the zone of the place whose time the site keeps (like "
             "'Asia/Tashkent' for +05:00)")
    if hours > (14 if sign == "+" else 12) or minutes > 59:
        return (f"an offset that no place keeps ({sign}{hours:02}:{minutes:02}; offsets run "
                "from -12:00 to +14:00)")
    etc = f"Etc/GMT{'-' if sign == '+' else '+'}{hours}"  # (POSIX's sign: reversed)
    if minutes or not _exists(etc):  # (Etc/GMT-14 and Etc/GMT+12 are the last)
        return place
    return (f"{place}, or write '{etc}' for {sign}{hours:02}:00 all year (an Etc zone's "
            "sign is the reverse of the offset's)")
