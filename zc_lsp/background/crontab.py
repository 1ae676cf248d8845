"""Standard 5-field crontab expressions as apscheduler triggers.

apscheduler 3's `CronTrigger.from_crontab` reads the weekday field in its own numbering (0 is Monday)
and fires only on days matching both day fields. crontab(5) counts 0 and 7 as Sunday and, when both
day fields are restricted, fires on a day matching either. Here each field is checked first (a bad one
is named with its reason), the weekdays are handed to apscheduler by name, and two restricted day
fields become an OrTrigger of two CronTriggers. Times are the machine's local wall clock.
"""

from __future__ import annotations

from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.combining import OrTrigger
from apscheduler.triggers.cron import CronTrigger

MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
DAYS = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"]  # crontab's numbering: 0 (and 7) is Sunday
# name, lowest, highest, names (their index + lowest is the value)
FIELDS = [
    ("minute", 0, 59, []),
    ("hour", 0, 23, []),
    ("day of month", 1, 31, []),
    ("month", 1, 12, MONTHS),
    ("day of week", 0, 7, DAYS),
]


def crontab_trigger(expr: str) -> BaseTrigger:
    """The apscheduler trigger for `expr` (minute hour day-of-month month day-of-week); ValueError says why not."""
    parts = expr.split()
    if len(parts) != 5:
        raise ValueError(f"needs 5 fields (minute hour day month weekday), got {len(parts)}")
    sets = [_field(text, name, low, high, names) for text, (name, low, high, names) in zip(parts, FIELDS, strict=True)]
    minute, hour, day, month, _ = parts
    days = {d % 7 for d in sets[4]}
    weekdays = "*" if len(days) == 7 else ",".join(DAYS[d] for d in sorted(days))

    def cron(day: str, day_of_week: str) -> CronTrigger:
        return CronTrigger(minute=minute, hour=hour, day=day, month=month, day_of_week=day_of_week)

    # As cron itself: a day field starting with `*` (even `*/2`) leaves the other to decide with it;
    # two restricted day fields each fire on their own.
    if parts[2].startswith("*") or parts[4].startswith("*"):
        return cron(day, weekdays)
    return OrTrigger([cron(day, "*"), cron("*", weekdays)])


def _field(text: str, name: str, low: int, high: int, names: list[str]) -> set[int]:
    values: set[int] = set()
    for item in text.split(","):
        body, _, step_text = item.partition("/")
        step = _number(step_text, name) if step_text else 1
        if step < 1:
            raise ValueError(f"{name}: step must be at least 1 in {item!r}")
        if body == "*":
            first, last = low, high
        elif "-" in body:
            a, _, b = body.partition("-")
            first, last = _value(a, name, low, names), _value(b, name, low, names)
        else:
            first = _value(body, name, low, names)
            last = high if step_text else first
        for v in (first, last):
            if not low <= v <= high:
                raise ValueError(f"{name} {v} is outside {low}-{high}")
        if first > last:
            raise ValueError(f"{name}: range {item!r} runs backwards")
        values.update(range(first, last + 1, step))
    return values


def _value(text: str, name: str, low: int, names: list[str]) -> int:
    if text.lower() in names:
        return names.index(text.lower()) + low
    return _number(text, name)


def _number(text: str, name: str) -> int:
    if not text.isdigit():
        raise ValueError(f"{name}: {text!r} is not a number")
    return int(text)
