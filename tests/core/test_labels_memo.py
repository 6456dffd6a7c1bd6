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


def test_a_page_s_strings_follow_a_document_in_another_language_and_come_back(app):  # type: ignore[no-untyped-def]
    """Templates find the request's catalog once (core.i18n._translations): a block in another
    language (a Chinese PDF while the page is in English) reads its own, and the page's after."""
    from flask import render_template_string

    page = "{{ _('Teacher profile') }}"
    with app.test_request_context("/"), force_locale("en"):
        assert render_template_string(page) == "Teacher profile"
        with force_locale("zh_Hans_CN"):
            assert render_template_string(page) == "教师档案"
        assert render_template_string(page) == "Teacher profile"
