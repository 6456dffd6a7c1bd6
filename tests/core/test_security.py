"""Every response carries the browser protections; an id beyond the integer range is a 404 on
every route (never a database error); a download is named after what the file really is."""

from __future__ import annotations

import io
import re

from werkzeug.datastructures import FileStorage

from core.models import Role
from core.uploads import download_name, save_upload

HUGE = ("2147483648", "92826200820")  # just past the integer range, and far past it


def test_pages_and_the_api_carry_the_security_headers(client, login_as, api_client):
    for response in (
        client.get("/login"),
        login_as(role=Role.ADMIN).get("/"),
        api_client(role=Role.ADMIN)("GET", "/api/v1/me"),
        client.get("/static/css/app.css"),
    ):
        response.close()
        headers = response.headers
        assert "default-src 'self'" in headers["Content-Security-Policy"]
        assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
        assert (
            "'unsafe-inline'"
            not in headers["Content-Security-Policy"].split("script-src")[1].split(";")[0]
        )
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["Referrer-Policy"] == "same-origin"


def test_an_id_beyond_the_integer_range_is_not_found_on_every_route(app, login_as, api_client):
    page = login_as(role=Role.ADMIN)
    api = api_client(role=Role.ADMIN)
    routes = [r for r in app.url_map.iter_rules() if "<int:" in r.rule]
    assert len(routes) > 30
    for rule, huge in ((r, h) for r in routes for h in HUGE):
        path = re.sub(r"<int:\w+>", huge, rule.rule)
        path = re.sub(r"<any\(([^,)]+)[^>]*\):\w+>", r"\1", path)
        path = re.sub(r"<(?:string:)?\w+>", "x", path)
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            if path.startswith("/api/"):
                response = api(method, path)
            else:
                response = page.open(path, method=method)
            assert response.status_code < 500, (method, path, response.status_code)
            assert response.status_code == 404, (method, path, response.status_code)


def test_a_download_takes_its_extension_from_the_content(app):
    disguised = FileStorage(
        io.BytesIO(b"%PDF-1.4\n<html><script>alert(1)</script></html>\n%%EOF\n"),
        filename="x.html",
    )
    upload = save_upload(disguised, None)
    assert download_name(upload) == "x.pdf"


def test_ids_in_a_json_body_or_a_query_are_checked_before_any_query(api_client, make_user):
    hr = api_client(role=Role.SCHOOL_HR)
    bureau = api_client(make_user(Role.BUREAU))
    for bad in ("AAA", [1], {}, True, 2**40, -3):
        answer = hr("POST", "/api/v1/placements", json={"teacher": bad})
        assert answer.status_code == 400, bad
        assert "teacher" in answer.json["error"]["fields"], bad
        answer = bureau("POST", "/api/v1/overseas-batches/1/nominations", json={"teacher": bad})
        assert answer.status_code == 400 and "teacher" in answer.json["error"]["fields"], bad
    answer = hr("GET", "/api/v1/placements?teacher=99999999999")
    assert answer.status_code == 400 and "teacher" in answer.json["error"]["fields"]


def test_a_nul_character_in_a_search_or_a_field_is_ignored_not_a_500(
    login_as, api_client, make_school, make_teacher
):
    school = make_school(code="NUL1")
    make_teacher(school=school, name="陈晓")
    page = login_as(role=Role.SCHOOL_HR, school=school)
    for url in ("/teachers?q=%E9%99%88%00", "/schools?q=%00", "/placements?q=a%00"):
        response = page.get(url)
        assert response.status_code == 200, url
    assert "陈晓" in page.get("/teachers?q=%E9%99%88%00").get_data(as_text=True)
    call = api_client(role=Role.SCHOOL_HR, school=school)
    found = call("GET", "/api/v1/teachers", query_string={"q": "陈\x00"})
    assert found.status_code == 200 and [t["name"] for t in found.json["items"]] == ["陈晓"]
    body = {"staff_no": "N0001", "name": "林\x00一", "gender": "male", "employment": "contract",
            "hire_date": "2020-09-01", "title": "none"}  # fmt: skip
    created = call("POST", "/api/v1/teachers", json=body)
    assert created.status_code == 201 and created.json["name"] == "林一"
