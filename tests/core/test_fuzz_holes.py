"""Inputs the fuzzer found: out-of-range numbers and nulls are refused field by field (400), never
a 500; an invalid value is never accepted."""

from __future__ import annotations

from core.models import Role


def test_an_out_of_range_year_is_a_400(app, api_client):  # type: ignore[no-untyped-def]
    call = api_client(role=Role.ORGANIZER)
    answer = call("GET", "/api/v1/competitions?year=99999999999")
    assert answer.status_code == 400 and "year" in answer.json["error"]["fields"]
    assert call("GET", "/api/v1/competitions?year=2025").status_code == 200


def test_a_null_organizing_body_is_accepted_as_on_create(app, api_client, make_competition):  # type: ignore[no-untyped-def]
    call = api_client(role=Role.ORGANIZER)
    competition = make_competition()
    body = call("GET", f"/api/v1/competitions/{competition.id}").json
    editable = {k: body[k] for k in ("name", "series", "level", "year", "scheme")}
    answer = call("PUT", f"/api/v1/competitions/{competition.id}",
                  json={**editable, "organizing_body": None})  # fmt: skip
    assert answer.status_code == 200 and answer.json["organizing_body"] == ""


def test_a_number_is_not_a_boolean_and_a_null_status_is_refused(app, api_client):  # type: ignore[no-untyped-def]
    call = api_client(role=Role.ADMIN)
    assert call("GET", "/api/v1/teachers?status=null").status_code == 400


def test_booleans_are_strict_and_money_is_taken_as_it_is_answered(app, api_client):  # type: ignore[no-untyped-def]
    from core.schemas import Boolean, Number

    assert Number().deserialize("120.00") == 120.0 and Number().deserialize(120) == 120
    for wrong in ("12a", "1e400", True):
        try:
            Number().deserialize(wrong)
        except Exception as err:  # noqa: BLE001
            assert "valid" in str(err).lower()
        else:
            raise AssertionError(wrong)
    for wrong in (0, 1, "true"):
        try:
            Boolean().deserialize(wrong)
        except Exception as err:  # noqa: BLE001
            assert "valid" in str(err).lower()
        else:
            raise AssertionError(wrong)


def test_zero_is_not_a_boolean_in_a_request(app, api_client, make_teacher, make_user):  # type: ignore[no-untyped-def]
    teacher = make_teacher()
    call = api_client(make_user(Role.SCHOOL_HR, school=teacher.school))
    refused = call("PUT", f"/api/v1/teachers/{teacher.id}/title-review", json={"intends": 0})
    assert refused.status_code == 400 and "intends" in refused.json["error"]["fields"]
    taken = call("PUT", f"/api/v1/teachers/{teacher.id}/title-review", json={"intends": True})
    assert taken.status_code == 200 and taken.json["intends"] is True
