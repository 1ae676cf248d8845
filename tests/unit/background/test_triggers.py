"""Interval and crontab triggers: when a scheduled job fires next (crontab(5) semantics)."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from zc_lsp.background.scheduler import parse_trigger
from zc_lsp.background.triggers import CronTrigger, IntervalTrigger

NOW = datetime(2026, 12, 5, 12, 34, 56)  # a Saturday


def test_interval_first_run_is_one_interval_after_start_and_missed_slots_coalesce() -> None:
    trigger = IntervalTrigger(60)
    first = trigger.first(NOW)
    assert first == NOW + timedelta(seconds=60)
    # woken 3.5 intervals late: one run now, the next on the original grid
    assert trigger.next_after(first, first + timedelta(seconds=210)) == first + timedelta(seconds=240)
    assert str(trigger) == "interval[0:01:00]"


def test_daily_cron_fires_at_its_minute_today_or_tomorrow() -> None:
    trigger = CronTrigger("17 3 * * *")
    assert trigger.first(NOW) == datetime(2026, 12, 6, 3, 17)
    assert trigger.first(datetime(2026, 12, 5, 1, 0)) == datetime(2026, 12, 5, 3, 17)
    assert str(trigger) == "cron[17 3 * * *]"


def test_cron_steps_ranges_lists_and_names() -> None:
    assert CronTrigger("*/15 * * * *").first(NOW) == datetime(2026, 12, 5, 12, 45)
    assert CronTrigger("0 9-17/4 * * *").first(NOW) == datetime(2026, 12, 5, 13, 0)
    assert CronTrigger("5,50 12 * * *").first(NOW) == datetime(2026, 12, 5, 12, 50)
    assert CronTrigger("0 0 1 jan *").first(NOW) == datetime(2027, 1, 1, 0, 0)


def test_cron_weekday_zero_and_seven_are_sunday_as_in_crontab() -> None:
    sunday = datetime(2026, 12, 6, 0, 0)
    assert CronTrigger("0 0 * * 0").first(NOW) == sunday
    assert CronTrigger("0 0 * * 7").first(NOW) == sunday
    assert CronTrigger("0 0 * * sun").first(NOW) == sunday
    assert CronTrigger("0 0 * * mon-fri").first(NOW) == datetime(2026, 12, 7, 0, 0)


def test_cron_with_both_day_fields_fires_on_either() -> None:
    # the 15th of the month or any Monday, whichever comes first (crontab(5))
    assert CronTrigger("0 0 15 * 1").first(NOW) == datetime(2026, 12, 7, 0, 0)
    assert CronTrigger("0 0 15 * 1").first(datetime(2026, 12, 8)) == datetime(2026, 12, 14, 0, 0)


def test_cron_that_never_comes_has_no_next_run() -> None:
    assert CronTrigger("0 0 30 2 *").first(NOW) is None


@pytest.mark.parametrize(
    "expr",
    [
        "99 * * * *",
        "* 24 * * *",
        "* * 0 * *",
        "* * * 13 *",
        "* * * * 8",
        "*/0 * * * *",
        "5-1 * * * *",
        "x * * * *",
        "* * *",
    ],
)
def test_invalid_cron_is_refused_with_the_reason(expr: str) -> None:
    trigger, problem = parse_trigger({"cron": expr})
    assert trigger is None and expr in problem
