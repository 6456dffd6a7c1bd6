"""D-class talent: publishing results proposes exactly the right people, once; corrections
withdraw or flag; the bureau confirms with a certificate anyone can verify."""

from __future__ import annotations

import io
import shutil
import subprocess
from datetime import date

import pytest
from pypdf import PdfReader

from competitions import services as competitions
from competitions.services import EntryPeople
from core import rules
from core.errors import PermissionDenied, ValidationFailed
from core.extensions import db
from core.models import Role
from recognition import services
from recognition.models import Recognition


@pytest.fixture
def national(make_competition, make_event, make_school, make_teacher, organizer):  # type: ignore[no-untyped-def]
    """A national teaching-ability first prize (4 members), a national skills gold (2 coaches)."""
    school = make_school(county="330302")
    ta = make_competition(
        series="teaching_ability", level="national", scheme="prizes", name="教学能力比赛"
    )
    ta_event = make_event(ta, team=True, min_members=3, max_members=4)
    members = [make_teacher(school=school, name=f"队员{n}") for n in range(4)]
    prize = competitions.register_entry(
        ta_event, school, EntryPeople(teachers=[t.id for t in members]), organizer
    )
    competitions.record_result(prize, "first", 1, 96, organizer)
    losers = [make_teacher(school=school, name=f"二等奖{n}") for n in range(3)]
    second = competitions.register_entry(
        ta_event, school, EntryPeople(teachers=[t.id for t in losers]), organizer
    )
    competitions.record_result(second, "second", 2, 90, organizer)
    skills = make_competition(
        series="student_skills", level="national", scheme="medals", name="技能大赛"
    )
    event = make_event(skills, team=True, max_members=3)
    coaches = [make_teacher(school=school, name=f"指导{n}") for n in range(2)]
    gold = competitions.register_entry(
        event,
        school,
        EntryPeople(
            students=[("1", "学生甲"), ("2", "学生乙")], instructors=[t.id for t in coaches]
        ),
        organizer,
    )
    competitions.record_result(gold, "gold", 1, 99, organizer)
    db.session.commit()
    return {
        "ta": ta,
        "skills": skills,
        "prize": prize,
        "gold": gold,
        "members": members,
        "coaches": coaches,
        "school": school,
    }


def pending_names() -> set[str]:
    return {
        r.teacher.name
        for r in db.session.query(Recognition).filter_by(kind="d_class", status="pending")
    }


def test_publishing_proposes_exactly_the_right_people_once(app, national, organizer):
    competitions.publish(national["ta"], organizer)
    competitions.publish(national["skills"], organizer)
    assert pending_names() == {"队员0", "队员1", "队员2", "队员3", "指导0", "指导1"}
    from recognition.d_class import on_results_changed

    on_results_changed(
        national["ta"], [national["prize"]], "published"
    )  # running twice creates nothing twice
    assert db.session.query(Recognition).count() == 6


def test_corrections_withdraw_pending_and_flag_confirmed(app, national, organizer, make_user):
    competitions.publish(national["ta"], organizer)
    competitions.publish(national["skills"], organizer)
    bureau = make_user(Role.BUREAU, county="330302")
    confirmed = (
        db.session.query(Recognition)
        .filter(Recognition.teacher_id == national["coaches"][0].id)
        .one()
    )
    services.confirm(confirmed, bureau)
    competitions.record_result(national["gold"], "silver", 2, 95, organizer, "复核后改为银牌")
    competitions.record_result(national["prize"], "second", 3, 91, organizer, "复核")
    db.session.refresh(confirmed)
    assert confirmed.status == "confirmed" and confirmed.flagged
    statuses = {r.teacher.name: r.status for r in db.session.query(Recognition)}
    assert statuses["指导1"] == "withdrawn" and statuses["队员0"] == "withdrawn"
    competitions.record_result(national["prize"], "first", 1, 96, organizer, "恢复")
    assert "队员0" in pending_names()


def test_the_rules_are_data_an_admin_extends(
    app, make_competition, make_event, make_school, make_teacher, organizer, make_user
):
    admin = make_user(Role.ADMIN)
    current = rules.get_rule("talent_class_rules")
    provincial = {
        "series": "teacher_skills",
        "level": "province",
        "awards": ["first"],
        "who": "members",
        "class": "E",
        "label": "省级教师技能比赛一等奖",
    }
    import json

    rules.add_version(
        "talent_class_rules",
        json.dumps([*current, provincial], ensure_ascii=False),
        date(2020, 1, 1),
        "city",
        "",
        admin,
    )
    competition = make_competition(series="teacher_skills", level="province")
    event = make_event(competition, team=False)
    winner = make_teacher(school=make_school())
    entry = competitions.register_entry(
        event, winner.school, EntryPeople(teachers=[winner.id]), organizer
    )
    competitions.record_result(entry, "first", 1, 90, organizer)
    competitions.publish(competition, organizer)
    recognition = db.session.query(Recognition).one()
    assert recognition.tier == "E" and recognition.teacher_id == winner.id


def test_the_bureau_confirms_within_its_county_and_certificates_verify(
    app, client, national, organizer, make_user
):
    competitions.publish(national["ta"], organizer)
    r = (
        db.session.query(Recognition)
        .filter(Recognition.teacher_id == national["members"][0].id)
        .one()
    )
    with pytest.raises(PermissionDenied):
        services.confirm(r, make_user(Role.BUREAU, county="330381"))
    with pytest.raises(ValidationFailed):
        services.reject(r, "", make_user(Role.BUREAU))
    services.confirm(r, make_user(Role.BUREAU, county="330302"))
    db.session.commit()
    assert r.certificate_no.startswith("WZD") and len(r.verification_code) == 10
    page = client.get(f"/verify/{r.verification_code}")
    assert page.status_code == 200 and "队员0" in page.get_data(as_text=True)
    missing = client.get("/verify/ABCDEF1234")
    assert missing.status_code == 404 and "未找到" in missing.get_data(as_text=True)
    assert "队员" not in missing.get_data(as_text=True)


def test_the_certificate_pdf_sets_chinese_text(app, login_as, national, organizer, make_user):
    competitions.publish(national["ta"], organizer)
    bureau_user = make_user(Role.BUREAU)
    r = (
        db.session.query(Recognition)
        .filter(Recognition.teacher_id == national["members"][1].id)
        .one()
    )
    services.confirm(r, bureau_user)
    db.session.commit()
    response = login_as(bureau_user).get(f"/recognitions/{r.id}/certificate.pdf")
    assert response.status_code == 200 and response.data.startswith(b"%PDF")
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.data)).pages)
    assert r.certificate_no in text and r.verification_code in text
    if shutil.which("pdftotext"):
        plain = subprocess.run(
            ["pdftotext", "-", "-"], input=response.data, capture_output=True, check=True
        )
        assert "队员1" in plain.stdout.decode() and "D 类人才" in plain.stdout.decode()
    if shutil.which("pdffonts"):
        fonts = subprocess.run(
            ["pdffonts", "-"], input=response.data, capture_output=True
        ).stdout.decode()
        assert "WenQuanYi" in fonts or "STSong" in fonts or "ShuangshiCJK" in fonts
    bureau_page = login_as(bureau_user)
    started = bureau_page.post("/recognitions/certificates", data={"fmt": "zip", "kind": "d_class"})
    assert started.status_code == 302 and "/tasks/" in started.location
    batch = bureau_page.get(started.location + "/file")
    assert batch.status_code == 200
    content = batch.get_data()
    batch.close()
    import zipfile

    names = zipfile.ZipFile(io.BytesIO(content)).namelist()
    assert names == [f"{r.certificate_no}-队员1.pdf"]


def test_api_lists_and_decides(app, api_client, national, organizer, make_user):
    competitions.publish(national["skills"], organizer)
    db.session.commit()
    bureau = api_client(make_user(Role.BUREAU, county="330302"))
    listed = bureau("GET", "/api/v1/recognitions?kind=d_class&status=pending").json
    assert listed["total"] == 2
    rid = listed["items"][0]["id"]
    assert bureau("POST", f"/api/v1/recognitions/{rid}/reject").status_code == 409  # no reason
    assert bureau("POST", f"/api/v1/recognitions/{rid}/confirm").json["status"] == "confirmed"
    assert bureau("POST", f"/api/v1/recognitions/{rid}/confirm").status_code == 409
    other = api_client(make_user(Role.BUREAU, county="330381"))
    assert other("GET", f"/api/v1/recognitions/{rid}").status_code == 403


@pytest.mark.skipif(
    not (shutil.which("pdftoppm") and shutil.which("zbarimg")),
    reason="poppler-utils and zbar-tools are not installed",
)
def test_a_certificate_carries_a_scannable_qr_code_and_the_award_once(
    app, login_as, national, organizer, make_user, tmp_path
):
    competitions.publish(national["ta"], organizer)
    bureau_user = make_user(Role.BUREAU)
    r = (
        db.session.query(Recognition)
        .filter(Recognition.teacher_id == national["members"][0].id)
        .one()
    )
    services.confirm(r, bureau_user)
    db.session.commit()
    data = login_as(bureau_user).get(f"/recognitions/{r.id}/certificate.pdf").data
    (tmp_path / "c.pdf").write_bytes(data)
    subprocess.run(
        ["pdftoppm", "-png", "-r", "120", "-singlefile", str(tmp_path / "c.pdf"),
         str(tmp_path / "c")],
        check=True,
    )  # fmt: skip
    scanned = subprocess.run(
        ["zbarimg", "--quiet", "--raw", str(tmp_path / "c.png")], capture_output=True, text=True
    )
    assert scanned.stdout.strip() == f"http://localhost/verify/{r.verification_code}"
    text = subprocess.run(
        ["pdftotext", "-layout", str(tmp_path / "c.pdf"), "-"], capture_output=True, text=True
    ).stdout
    award = national["ta"].name
    assert "温州市教育局" in text and "盖章" in text and r.certificate_no in text
    assert text.count("一等奖") == 1 and text.count(award) <= 1 and "☒" not in text
    # The page is landscape A4 with every glyph set in an embedded font.
    info = subprocess.run(["pdfinfo", str(tmp_path / "c.pdf")], capture_output=True, text=True)
    assert "842 x 595" in info.stdout.replace(".", " ").replace("  ", " ") or "841" in info.stdout
    fonts = subprocess.run(["pdffonts", str(tmp_path / "c.pdf")], capture_output=True, text=True)
    cjk = [line for line in fonts.stdout.splitlines() if "WenQuanYi" in line or "STSong" in line]
    assert cjk and ("yes yes" in cjk[0] or "STSong" in cjk[0])  # embedded (or the CID font)
