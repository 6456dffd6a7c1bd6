"""Competition services: the catalogue, entries and their rules, results, publishing."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, func, or_, select

from core import audit
from core.errors import Conflict, PermissionDenied, ValidationFailed
from core.extensions import db
from core.models import Role, School, User
from core.notifications import notify
from core.timeutil import today, utcnow
from core.workflow import Step, Workflow
from teachers.models import Teacher, TeacherStatus

from .labels import AWARD as AWARD_LABELS
from .labels import STATUS
from .models import (
    AWARDS,
    Competition,
    CompetitionStatus,
    Entry,
    EntryPerson,
    Event,
    Level,
    ResultRevision,
    Scheme,
    Series,
    Student,
)
from .signals import results_changed
from .waits import WAITS

C = CompetitionStatus


def is_organizer(user: User) -> bool:
    return user.role in (Role.ORGANIZER, Role.ADMIN)


def _require_organizer(user: User) -> None:
    if not is_organizer(user):
        raise PermissionDenied(_("Only competition organizers can do this."))


# --- catalogue --------------------------------------------------------------------------------

COMPETITION_FIELDS = (
    "name",
    "series",
    "level",
    "organizing_body",
    "year",
    "start_date",
    "end_date",
    "scheme",
    "registration_opens",
    "registration_closes",
    "mask_student_names",
)


def save_competition(
    data: dict[str, Any], by: User, competition: Competition | None = None
) -> Competition:
    _require_organizer(by)
    errors = {}
    if data.get("series") not in set(Series):
        errors["series"] = _("Choose a series.")
    if data.get("level") not in set(Level):
        errors["level"] = _("Choose a level.")
    if data.get("scheme") not in set(Scheme):
        errors["scheme"] = _("Choose an award scheme.")
    if data.get("start_date") and data.get("end_date") and data["end_date"] < data["start_date"]:
        errors["end_date"] = _("The competition ends before it starts.")
    if (
        data.get("registration_opens")
        and data.get("registration_closes")
        and (data["registration_closes"] < data["registration_opens"])
    ):
        errors["registration_closes"] = _("Registration closes before it opens.")
    if (
        competition is not None
        and competition.status == C.PUBLISHED
        and data.get("scheme") != competition.scheme
    ):
        errors["scheme"] = _("The award scheme of a published competition cannot change.")
    if errors:
        raise ValidationFailed(errors)
    if competition is None:
        competition = Competition(created_by_id=by.id, status=C.OPEN)
        db.session.add(competition)
        action = "create"
    else:
        action = "update"
    for key in COMPETITION_FIELDS:
        value = data.get(key)
        setattr(competition, key, value.strip() if isinstance(value, str) else value)
    changes = audit.pending_changes(competition)
    db.session.flush()
    if changes:
        audit.record(action, competition, by=by, changes=changes)
    return competition


def add_event(competition: Competition, data: dict[str, Any], by: User) -> Event:
    _require_organizer(by)
    if competition.status == C.PUBLISHED:
        raise Conflict(_("The competition is published."), status=competition.status)
    team = bool(data.get("team"))
    low = int(data.get("min_members") or 1)
    high = int(data.get("max_members") or (4 if team else 1))
    instructors = data.get("max_instructors")
    instructors = int(instructors) if instructors not in (None, "") else (2 if team else 1)
    errors = {}
    if not (data.get("name") or "").strip():
        errors["name"] = _("Name the event.")
    if not 1 <= low <= high <= 20:
        errors["max_members"] = _("Members: from 1 up to 20, the minimum not above the maximum.")
    if not team and high != 1:
        errors["max_members"] = _("An individual event has exactly one member.")
    limit = 2 if team else 1  # 指导教师: at most 2 for a team, 1 for an individual
    if not 0 <= instructors <= limit:
        errors["max_instructors"] = _("At most %(n)d instructors for this kind of event.", n=limit)
    quota = data.get("quota_per_school")
    if quota not in (None, "") and int(quota) < 1:
        errors["quota_per_school"] = _("A quota is at least 1 entry.")
    if errors:
        raise ValidationFailed(errors)
    if competition.series == Series.TEACHING_ABILITY and team:
        low, high = max(low, 3), min(high, 4)  # teaching-ability teams have 3–4 teachers
    event = Event(
        competition_id=competition.id,
        name=data["name"].strip(),
        group=(data.get("group") or "").strip(),
        team=team,
        min_members=low,
        max_members=high,
        max_instructors=instructors,
        quota_per_school=int(quota) if quota not in (None, "") else None,
    )
    db.session.add(event)
    db.session.flush()
    audit.record("event_added", competition, by=by, changes={"event": [None, str(event)]})
    return event


# --- entries ----------------------------------------------------------------------------------


@dataclass
class EntryPeople:
    teachers: list[int] = field(default_factory=list)  # teacher members
    students: list[tuple[str, str]] = field(default_factory=list)  # (student number, name)
    instructors: list[int] = field(default_factory=list)


def can_register_for(user: User, school: School) -> bool:
    return is_organizer(user) or (user.role == Role.SCHOOL_HR and user.school_id == school.id)


def _student(school: School, number: str, name: str) -> Student:
    student = db.session.scalar(
        select(Student).where(Student.school_id == school.id, Student.student_no == number)
    )
    if student is None:
        student = Student(school_id=school.id, student_no=number, name=name)
        db.session.add(student)
        db.session.flush()
    return student


def member_kinds(competition: Competition) -> set[str]:
    """Who competes: teachers (教学能力比赛, 教师技能比赛), students (学生技能大赛) or both."""
    series = Series(competition.series)
    if series in (Series.TEACHING_ABILITY, Series.TEACHER_SKILLS):
        return {"teachers"}
    if series == Series.STUDENT_SKILLS:
        return {"students"}
    return {"teachers", "students"}


def candidates(event: Event, school: School, q: str, limit: int = 20) -> list[Teacher]:
    """Teachers of `school` who may be picked for an entry of `event`, by name or staff number:
    in post, and not yet in any entry of the event (nobody twice in one event)."""
    taken = select(EntryPerson.teacher_id).where(
        EntryPerson.event_id == event.id, EntryPerson.teacher_id.is_not(None)
    )
    like = f"%{q.strip()}%"
    return list(
        db.session.scalars(
            select(Teacher)
            .where(
                Teacher.school_id == school.id,
                Teacher.status == TeacherStatus.ACTIVE,
                Teacher.id.not_in(taken),
                or_(Teacher.name.like(like), Teacher.staff_no.like(like)),
            )
            .order_by(Teacher.name, Teacher.staff_no)
            .limit(limit)
        )
    )


def register_entry(event: Event, school: School, people: EntryPeople, by: User) -> Entry:
    """Check every rule first; create the entry only when all hold."""
    competition = event.competition
    if not can_register_for(by, school):
        raise PermissionDenied(_("School HR registers entries of their own school only."))
    if competition.status not in (C.OPEN, C.DRAFT):
        raise Conflict(_("Entries are closed for this competition."), status=competition.status)
    if (
        not is_organizer(by)
        and competition.registration_opens
        and not (
            competition.registration_opens
            <= today()
            <= (competition.registration_closes or today())
        )
    ):
        raise Conflict(
            _(
                "Registration is open from %(a)s to %(b)s.",
                a=competition.registration_opens,
                b=competition.registration_closes,
            ),
            status=competition.status,
        )
    errors: dict[str, list[str]] = {}

    def err(key: str, message: str) -> None:
        errors.setdefault(key, []).append(message)

    ids = set(people.teachers) | set(people.instructors)
    teachers = (
        {t.id: t for t in db.session.scalars(select(Teacher).where(Teacher.id.in_(ids)))}
        if ids
        else {}
    )
    for tid in ids:
        teacher = teachers.get(tid)
        if teacher is None:
            err("members", _("A chosen teacher is no longer on record: choose again."))
        elif teacher.school_id != school.id:
            key = "instructors" if tid in people.instructors else "members"
            err(
                key,
                _(
                    "%(name)s is not a teacher of %(school)s.",
                    name=teacher.name,
                    school=school.name,
                ),
            )
        elif teacher.status != TeacherStatus.ACTIVE:
            err("members", _("%(name)s has left the school.", name=teacher.name))
    kinds = member_kinds(competition)
    if people.students and "students" not in kinds:
        err("students", _("This competition is for teachers: it takes no students."))
    if people.teachers and "teachers" not in kinds:
        err("members", _("This competition is for students: teachers enter as instructors."))
    numbers = [n.strip() for n, _name in people.students]
    if len(set(numbers)) != len(numbers) or len(set(people.teachers)) != len(people.teachers):
        err("members", _("The same person is listed twice."))
    if any(not n or not name.strip() for n, name in people.students):
        err("students", _("Give each student's number and name."))
    size = len(people.teachers) + len(people.students)
    if not event.min_members <= size <= event.max_members:
        err(
            "members",
            _(
                "This event takes %(a)d to %(b)d members; %(n)d given.",
                a=event.min_members,
                b=event.max_members,
                n=size,
            ),
        )
    if competition.series == Series.TEACHING_ABILITY and (
        people.students or not 3 <= len(people.teachers) <= 4
    ):
        err("members", _("A teaching-ability team has 3 to 4 teachers."))
    if len(people.instructors) > event.max_instructors:
        err("instructors", _("At most %(n)d instructors for this event.", n=event.max_instructors))
    if set(people.instructors) & set(people.teachers):
        err("instructors", _("A member cannot also be the entry's instructor."))
    # Nobody may be a member of two entries of one event.
    clash_teachers = db.session.scalars(
        select(Teacher.name)
        .join(EntryPerson, EntryPerson.teacher_id == Teacher.id)
        .where(
            EntryPerson.event_id == event.id,
            EntryPerson.role == "member",
            EntryPerson.teacher_id.in_(people.teachers or [-1]),
        )
    )
    for name in clash_teachers:
        err("members", _("%(name)s is already in another entry of this event.", name=name))
    if people.students:
        clash_students = db.session.scalars(
            select(Student.name)
            .join(EntryPerson, EntryPerson.student_id == Student.id)
            .where(
                EntryPerson.event_id == event.id,
                Student.school_id == school.id,
                Student.student_no.in_(numbers),
            )
        )
        for name in clash_students:
            err("students", _("%(name)s is already in another entry of this event.", name=name))
    if event.quota_per_school:
        used = db.session.scalar(
            select(func.count(Entry.id)).where(
                Entry.event_id == event.id, Entry.school_id == school.id
            )
        )
        if used >= event.quota_per_school:
            err(
                "event",
                _(
                    "%(school)s has used its quota of %(n)d entries in this event.",
                    school=school.name,
                    n=event.quota_per_school,
                ),
            )
    if errors:
        raise ValidationFailed(errors)
    entry = Entry(event_id=event.id, school_id=school.id, created_by_id=by.id)
    db.session.add(entry)
    db.session.flush()
    for tid in people.teachers:
        db.session.add(
            EntryPerson(entry_id=entry.id, event_id=event.id, role="member", teacher_id=tid)
        )
    for number, name in people.students:
        student = _student(school, number.strip(), name.strip())
        db.session.add(
            EntryPerson(entry_id=entry.id, event_id=event.id, role="member", student_id=student.id)
        )
    for tid in people.instructors:
        db.session.add(
            EntryPerson(entry_id=entry.id, event_id=event.id, role="instructor", teacher_id=tid)
        )
    db.session.flush()
    audit.record(
        "entry_registered",
        entry,
        by=by,
        school_id=school.id,
        changes={"people": [None, size], "instructors": [None, len(people.instructors)]},
    )
    return entry


def withdraw_entry(entry: Entry, by: User) -> None:
    if not can_register_for(by, entry.school):
        raise PermissionDenied(_("School HR registers entries of their own school only."))
    if entry.event.competition.status not in (C.OPEN, C.DRAFT) or entry.award:
        raise Conflict(
            _("Entries are closed for this competition."), status=entry.event.competition.status
        )
    audit.record("entry_withdrawn", entry, by=by, school_id=entry.school_id)
    db.session.delete(entry)
    db.session.flush()


# --- results ----------------------------------------------------------------------------------


def parse_result(competition: Competition, award: Any, rank: Any, score: Any) -> dict[str, Any]:
    errors = {}
    award = (award or "").strip() if isinstance(award, str) else award
    if award in ("", "none"):
        award = None
    if award is not None and award not in AWARDS[Scheme(competition.scheme)]:
        errors["award"] = _(
            "This competition awards %(list)s (or none).",
            list="、".join(str(AWARD_LABELS[a]) for a in AWARDS[Scheme(competition.scheme)]),
        )
    try:
        rank = int(rank) if rank not in (None, "") else None
        if rank is not None and rank < 1:
            raise ValueError
    except (TypeError, ValueError):
        errors["rank"] = _("A rank is a whole number from 1.")
        rank = None
    try:
        score = Decimal(str(score)) if score not in (None, "") else None
        if score is not None and not Decimal(0) <= score <= Decimal(1000):
            raise InvalidOperation
    except InvalidOperation:
        errors["score"] = _("A score is a number from 0 to 1,000.")
        score = None
    if errors:
        raise ValidationFailed(errors)
    return {"award": award, "rank": rank, "score": score}


def record_result(
    entry: Entry, award: Any, rank: Any, score: Any, by: User, reason: str = ""
) -> Entry:
    """Record an entry's result; once published, only as a correction with a reason, which is
    announced so everything that depends on it (D-class recognition) is re-run."""
    _require_organizer(by)
    competition = entry.event.competition
    values = parse_result(competition, award, rank, score)
    published = competition.status == C.PUBLISHED
    if published and not (reason or "").strip():
        raise ValidationFailed({"reason": _("A published result is corrected only with a reason.")})
    for key, value in values.items():
        setattr(entry, key, value)
    entry.result_recorded_at = utcnow()
    competition.updated_at = entry.result_recorded_at  # so a sync sees its results changed
    changes = audit.pending_changes(entry, include={"award", "rank", "score"})
    db.session.flush()
    if not changes:
        return entry
    if published:
        db.session.add(
            ResultRevision(entry_id=entry.id, changes=changes, reason=reason.strip(), by_id=by.id)
        )
        audit.record(
            "result_corrected",
            entry,
            by=by,
            changes=changes,
            note=reason,
            school_id=entry.school_id,
        )
        db.session.flush()
        announce(competition, [entry], "corrected")
    else:
        audit.record("result", entry, by=by, changes=changes, school_id=entry.school_id)
    return entry


def _entries(competition: Competition) -> list[Entry]:
    return list(
        db.session.scalars(
            select(Entry)
            .join(Event, Entry.event_id == Event.id)
            .where(Event.competition_id == competition.id)
        )
    )


def publishing_early(competition: Competition) -> str | None:
    """Why publishing the results now would be early, in words, or None: registration is still
    open, or the contest has not reached its last day."""
    closes = competition.registration_closes  # without one, the organizer closes entries
    if competition.status == C.OPEN and closes is not None and closes >= today():
        return _("Registration is still open (until %(d)s)", d=closes)
    if competition.end_date is not None and competition.end_date > today():
        return _("The contest's last day, %(d)s, has not come", d=competition.end_date)
    return None


def result_counts(competition: Competition) -> tuple[int, int]:
    """(entries with a result recorded, entries without one): what publishing would show."""
    with_result, total = db.session.execute(
        select(func.count(Entry.result_recorded_at), func.count(Entry.id))
        .join(Event, Entry.event_id == Event.id)
        .where(Event.competition_id == competition.id)
    ).one()
    return int(with_result), int(total) - int(with_result)


def _check_publishable(competition: Competition, _by: User | None, reason: str) -> None:
    if not _entries(competition):
        raise Conflict(_("There are no entries to publish."), status=competition.status)
    early = publishing_early(competition)
    if early and not reason:
        raise ValidationFailed(
            {"reason": _("%(why)s: publish now only if you must, and give the reason.", why=early)}
        )


def _published(competition: Competition, _by: User | None, _reason: str) -> None:
    competition.published_at = utcnow()


def _announce_published(competition: Competition, _by: User | None) -> None:
    announce(competition, _entries(competition), "published")


def _organizer(by: User | None, _competition: Competition) -> bool:
    return by is not None and is_organizer(by)


def _organizers_only(*_args: Any) -> str:
    return _("Only competition organizers can do this.")


_publish = Step(
    C.PUBLISHED, _organizer, guard=_check_publishable, effect=_published, audit_as="published",
    denied=_organizers_only, then=_announce_published,
)  # fmt: skip

# A competition takes entries while open; closing them starts the recording of results;
# publishing makes the results public and final (corrections only with a reason).
WORKFLOW = Workflow(
    {
        (C.DRAFT, "open"): Step(C.OPEN, _organizer, denied=_organizers_only),
        (C.OPEN, "close"): Step(C.CLOSED, _organizer, audit_as="entries_closed",
                                denied=_organizers_only),
        (C.OPEN, "publish"): _publish,
        (C.CLOSED, "publish"): _publish,
    },
    STATUS,
    {"open": _l("Open for entries"), "close": _l("Close entries"), "publish": _l("Publish")},
    model=Competition,
    waits=WAITS,
)  # fmt: skip


def transition(competition: Competition, action: str, by: User, reason: str = "") -> Competition:
    """A step; publishing early (registration open, the contest not over) needs `reason`."""
    return WORKFLOW.transition(competition, action, by, reason)


def close_entries(competition: Competition, by: User) -> None:
    transition(competition, "close", by)


def publish(competition: Competition, by: User) -> None:
    transition(competition, "publish", by)


def announce(competition: Competition, entries: list[Entry], reason: str) -> None:
    """The one place a result change is announced (on publishing, and on each correction): to
    the packages that depend on results (D-class recognition), and to the people concerned —
    HR of the schools entered and the teachers in the entries."""
    results_changed.send(competition, entries=entries, reason=reason)
    entry_ids = [e.id for e in entries]
    schools = {e.school_id for e in entries}
    people = set(
        db.session.scalars(
            select(User.id).where(
                User.enabled.is_(True),
                or_(
                    and_(User.role == Role.SCHOOL_HR, User.school_id.in_(schools)),
                    User.id.in_(
                        select(Teacher.user_id)
                        .join(EntryPerson, EntryPerson.teacher_id == Teacher.id)
                        .where(EntryPerson.entry_id.in_(entry_ids))
                    ),
                ),
            )
        )
    )
    kind = "results_published" if reason == "published" else "results_corrected"
    stamp = f"{competition.id}:{reason}:{utcnow().isoformat()}"
    for user_id in people:
        notify(user_id, kind, key=f"{kind}:{user_id}:{stamp}"[:120],
               link=f"/competitions/{competition.id}", competition=competition.name)  # fmt: skip
