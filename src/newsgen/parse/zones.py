"""The site's time zone, as `newsgen.yaml` and the importers name it: an IANA zone's
name, checked with the system's zone data, and the name meant when it is not one."""

from __future__ import annotations

from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from newsgen.errors import closest


def check_timezone(name: str) -> str | None:
    """None for an IANA zone name; else what is wrong, with the name meant."""
    if name in ("localtime", "posixrules") or name.startswith(("posix/", "right/")):
        return (f"'{name}' is not a zone's name but a file of this computer's: the "
                "output would change with the computer that builds it; name the zone "
                "(like 'UTC' or 'Asia/Ashgabat')")
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        from zoneinfo import available_timezones

        known = available_timezones() - {"localtime", "posixrules"}
        same = [z for z in known if z.lower() == name.lower()]
        hint = same[0] if same else closest(name, sorted(known))
        return f"'{name}' is not an IANA time zone (like 'UTC' or 'Asia/Ashgabat')" + (
            f"; did you mean '{hint}'?" if hint else "")
    return None
