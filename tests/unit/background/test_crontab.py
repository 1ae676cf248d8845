"""Cron specs of `background.jobs` fire as crontab(5) says, through apscheduler's triggers."""

from __future__ import annotations

from datetime import datetime

import pytest
from apscheduler.triggers.combining import OrTrigger

from zc_lsp.background.scheduler import parse_trigger

LOCAL = datetime.now().astimezone().tzinfo
NOW = datetime(2026, 12, 5, 12, 34, 56, tzinfo=LOCAL)  # a Saturday


def fires(expr: str, now: datetime = NOW) -> list[datetime | None]:
    """The next three fire times after `now`, without their time zone."""
    trigger, problem = parse_trigger({"cron": expr})
    assert trigger is not None, problem
    out: list[datetime | None] = []
    previous = None
    for _ in range(3):
        nxt = trigger.get_next_fire_time(previous, now)
        out.append(None if nxt is None else nxt.replace(tzinfo=None))
        if nxt is None:
            break
        previous, now = nxt, nxt
    return out


def at(day: int, hour: int = 0, minute: int = 0, month: int = 12, year: int = 2026) -> datetime:
    return datetime(year, month, day, hour, minute)


def test_minutes_hours_steps_ranges_lists_and_month_names() -> None:
    assert fires("17 3 * * *") == [at(6, 3, 17), at(7, 3, 17), at(8, 3, 17)]
    assert fires("*/15 * * * *")[:2] == [at(5, 12, 45), at(5, 13, 0)]
    assert fires("0 9-17/4 * * *")[:2] == [at(5, 13), at(5, 17)]
    assert fires("5,50 12 * * *")[:2] == [at(5, 12, 50), at(6, 12, 5)]
    assert fires("0 0 1 jan *")[0] == at(1, month=1, year=2027)


def test_weekday_zero_and_seven_are_sunday_as_in_crontab() -> None:
    sunday = at(6)
    assert fires("0 0 * * 0")[0] == sunday  # apscheduler's own from_crontab took 0 for Monday
    assert fires("0 0 * * 7")[0] == sunday
    assert fires("0 0 * * sun")[0] == sunday
    assert fires("0 0 * * mon-fri") == [at(7), at(8), at(9)]
    assert fires("0 0 * * 5-7") == [at(6), at(11), at(12)]  # Friday to Sunday, across crontab's 7
    assert fires("0 0 * * */2") == [at(6), at(8), at(10)]  # 0, 2, 4, 6: Sunday, Tuesday, Thursday, Saturday


def test_two_restricted_day_fields_fire_on_either() -> None:
    trigger, _ = parse_trigger({"cron": "0 0 15 * 1"})
    assert isinstance(trigger, OrTrigger)
    assert fires("0 0 15 * 1") == [at(7), at(14), at(15)]  # Mondays and the 15th
    # a day field starting with * (here */1) does not fire on its own, as in cron: Sundays only
    assert fires("0 0 */1 * 0")[0] == at(6)


def test_a_cron_that_never_comes_has_no_next_run() -> None:
    assert fires("0 0 30 2 *") == [None]


@pytest.mark.parametrize(
    "expr", ["99 * * * *", "* 24 * * *", "* * 0 * *", "* * * 13 *", "* * * * 8", "*/0 * * * *", "5-1 * * * *",
             "x * * * *", "* * *"],
)
def test_an_invalid_cron_is_refused_with_the_reason(expr: str) -> None:
    trigger, problem = parse_trigger({"cron": expr})
    assert trigger is None and expr in problem
