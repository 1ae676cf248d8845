"""When a scheduled job fires: a fixed interval, or a standard 5-field crontab expression.

Ours rather than apscheduler's (issue 15): apscheduler loaded importlib.metadata (with email,
zipfile, csv), multiprocessing and tzlocal into every idle server, ~4 MB for two trigger kinds.
Cron follows crontab(5): minute hour day-of-month month day-of-week; `*`, lists, ranges, steps,
month and weekday names; 0 and 7 are Sunday; when both day fields are restricted a day matching
either one fires. Times are the machine's local wall clock.
"""

from __future__ import annotations

from datetime import datetime, timedelta

MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
DAYS = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"]
# name, lowest, highest, names (their index + lowest is the value)
FIELDS = [
    ("minute", 0, 59, []),
    ("hour", 0, 23, []),
    ("day of month", 1, 31, []),
    ("month", 1, 12, MONTHS),
    ("day of week", 0, 7, DAYS),
]
SEARCH_YEARS = 5  # "0 0 30 2 *" never comes; give up looking after this long


class IntervalTrigger:
    def __init__(self, seconds: float) -> None:
        self.interval = timedelta(seconds=seconds)

    def first(self, now: datetime) -> datetime:
        return now + self.interval

    def next_after(self, due: datetime, now: datetime) -> datetime:
        """The next slot of the fixed schedule after `now` (missed slots are coalesced into one run)."""
        late = now - due
        return due + self.interval * (int(late / self.interval) + 1)

    def __str__(self) -> str:
        return f"interval[{self.interval}]"


class CronTrigger:
    def __init__(self, expr: str) -> None:
        parts = expr.split()
        if len(parts) != 5:
            raise ValueError(f"needs 5 fields (minute hour day month weekday), got {len(parts)}")
        self.expr = " ".join(parts)
        sets = [_field(text, *spec) for text, spec in zip(parts, FIELDS, strict=True)]
        self.minutes, self.hours, self.days, self.months, weekdays = sets
        self.weekdays = {d % 7 for d in weekdays}  # 7 is Sunday too
        self.any_day, self.any_weekday = parts[2].startswith("*"), parts[4].startswith("*")

    def first(self, now: datetime) -> datetime | None:
        return self.next_after(now, now)

    def next_after(self, due: datetime, now: datetime) -> datetime | None:
        """The first matching minute after `now`, or None if none comes within SEARCH_YEARS."""
        t = now.replace(second=0, microsecond=0) + timedelta(minutes=1)
        limit = now + timedelta(days=366 * SEARCH_YEARS)
        while t <= limit:
            if t.month not in self.months:
                t = (t.replace(day=1, hour=0, minute=0) + timedelta(days=32)).replace(day=1)
            elif not self._day_matches(t):
                t = t.replace(hour=0, minute=0) + timedelta(days=1)
            elif t.hour not in self.hours:
                t = t.replace(minute=0) + timedelta(hours=1)
            elif t.minute not in self.minutes:
                t += timedelta(minutes=1)
            else:
                return t
        return None

    def _day_matches(self, t: datetime) -> bool:
        in_month, in_week = t.day in self.days, (t.weekday() + 1) % 7 in self.weekdays
        if self.any_day or self.any_weekday:  # crontab(5): restricted fields alone decide
            return in_month and in_week
        return in_month or in_week

    def __str__(self) -> str:
        return f"cron[{self.expr}]"


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
