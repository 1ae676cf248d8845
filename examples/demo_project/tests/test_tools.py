from demo_app.tools import parse_ratio, slugify


def test_slugify_joins_words_with_dashes():
    assert slugify("Hello Big World") == "hello-big-world"


def test_parse_ratio_rounds():
    # Fails on purpose: parse_ratio does not round, so the demo has a failing test to show.
    assert parse_ratio("1/3") == 0.33
