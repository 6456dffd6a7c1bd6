"""A label is translated once per request and language: a page of 200 teachers reads a thousand
labels; a mail in its recipient's language within the same request reads its own."""

from __future__ import annotations

from flask_babel import force_locale

from core.labels import _lookup
from teachers.labels import GENDER


def test_each_language_reads_its_own_label_within_one_request(app):  # type: ignore[no-untyped-def]
    with app.test_request_context("/", headers={"Accept-Language": "zh-CN"}):
        with force_locale("zh_Hans_CN"):
            chinese = _lookup(GENDER, "female")
        with force_locale("en"):
            english = _lookup(GENDER, "female")
        with force_locale("zh_Hans_CN"):
            assert _lookup(GENDER, "female") == chinese
        assert (chinese, english) == ("女", "Female")
        assert _lookup(GENDER, "no such code") is None
        assert _lookup({("a", "b"): "x"}, ["a", "b"]) is None  # a list is looked up, not kept
