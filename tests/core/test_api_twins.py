"""Every action a page offers has an API route calling the same service: the URL map's
state-changing page routes each name their twin here, or stand in the short list of actions that
must stay on the pages, each with its reason. A new page action without a twin fails this test."""

from __future__ import annotations

SAFE = {"GET", "HEAD", "OPTIONS"}

# Actions a program must never take in a person's name, or that only make sense in a browser.
PAGE_ONLY = {
    "core.login": "signing in makes a browser session; programs use tokens",
    "core.logout": "ends the browser session",
    "i18n.switch": "the pages' language; the API reads Accept-Language",
    "core.password": "a token must not change the password that guards the token page",
    "core.create_token": "a token is made by a person signed in, never by another token",
    "core.revoke_token": "as making one: a person on their account page",
    "placements.mentor_page": "the enterprise mentor has no account: the signed link is all",
}

TWINS = {
    # accounts, schools, rules, tasks, notifications
    "core.mail_settings": "admin_api.mail_settings",
    "core.new_user": "admin_api.create_user",
    "core.set_enabled": "admin_api.set_enabled",
    "core.reset_password": "admin_api.reset_password",
    "core.rule_detail": "admin_api.add_rule_version",
    "core.new_school": "core_api.create_school",
    "core.edit_school": "core_api.edit_school",
    "core.school": "core_api.set_enrollment",
    "core.seal": "core_api.put_seal",
    "core.delete_seal": "core_api.delete_seal",
    "core.task_retry": "core_api.task_retry",
    "core.import_upload": "imports_api.upload",  # the preview: dry_run=true
    "core.import_confirm": "imports_api.upload",  # the confirmation: dry_run=false
    "notifications.mark_read": "core_api.notifications_read",
    "dashboard.start_report": "dashboard_api.start_report",
    "dashboard.plans_page": "dashboard_api.add_plan",
    # the counties' assessment
    "assessment.publish": "assessment_api.publish",
    "assessment.enter_figure": "assessment_api.enter_figure",
    "assessment.record_interview": "assessment_api.record_interview",
    "assessment.interview_page": "assessment_api.report",  # close and return: assessment_api.review
    # teachers
    "teachers.new": "teachers_api.create_teacher",
    "teachers.edit": "teachers_api.patch_teacher",
    "teachers.contact": "teachers_api.patch_teacher",
    "teachers.leave": "teachers_api.leave",
    "teachers.reinstate": "teachers_api.reinstate",
    "teachers.new_certificate": "teachers_api.add_certificate",
    "teachers.delete_certificate": "teachers_api.delete_certificate",
    "teachers.export_in_background": "teachers_api.export",
    # part-time appointments
    "appointments.new": "appointments_api.create",
    "appointments.edit": "appointments_api.edit",
    "appointments.act": "appointments_api.act",
    "appointments.agreement": "appointments_api.agreement",
    "appointments.renew": "appointments_api.renew",
    "appointments.policy": "appointments_api.policy",
    # teams and overseas study
    "teams.new": "teams_api.create_team",
    "teams.act": "teams_api.act",
    "teams.application": "teams_api.application",
    "teams.raise_level": "teams_api.raise_level",
    "teams.add_report": "teams_api.add_report",
    "teams.new_batch": "teams_api.create_batch",
    "teams.nominate": "teams_api.nominate",
    "teams.decide": "teams_api.decide",
    "teams.report": "teams_api.report",
    # placements
    "placements.new": "placements_api.create",
    "placements.edit": "placements_api.edit",
    "placements.delete": "placements_api.delete",
    "placements.act": "placements_api.act",
    "placements.add_evidence": "placements_api.add_evidence",
    "placements.remove_evidence": "placements_api.remove_evidence",
    # digital literacy
    "literacy.index": "literacy_api.open_round",
    "literacy.round_page": "literacy_api.record",
    "placements.bulk_approve": "placements_api.bulk_approve",
    "placements.correct": "placements_api.correct",
    "placements.mentor_link": "placements_api.mentor_link",
    "placements.confirm_upload": "practice_api.confirm_upload",
    "placements.new_job": "practice_api.new_job",
    "placements.decide_job": "practice_api.decide_job",
    "placements.record_hours": "practice_api.record_hours",
    "placements.declare": "practice_api.declare",
    # competitions
    "competitions.new": "competitions_api.create",
    "competitions.edit": "competitions_api.edit",
    "competitions.change_state": "competitions_api.change_state",
    "competitions.add_event": "competitions_api.add_event",
    "competitions.results_import": "competitions_api.results_import",
    "competitions.register": "competitions_api.register",
    "competitions.result": "competitions_api.result",
    "competitions.withdraw": "competitions_api.withdraw",
    # recognitions
    "recognition.apply": "recognition_api.apply",
    "recognition.act": "recognition_api.decide",
    "recognition.bulk": "recognition_api.bulk_decide",
    "recognition.certificates": "recognition_api.certificate_batch",
    "recognition.ethics": "recognition_api.record_ethics",
}


def test_every_page_action_has_an_api_twin(app):
    page_actions = {
        rule.endpoint
        for rule in app.url_map.iter_rules()
        if not rule.rule.startswith("/api/") and (rule.methods or set()) - SAFE
    }
    api_routes = {
        rule.endpoint: rule for rule in app.url_map.iter_rules() if rule.rule.startswith("/api/v1")
    }
    missing = sorted(page_actions - set(TWINS) - set(PAGE_ONLY))
    assert not missing, f"page actions without an API twin: {missing}"
    stale = sorted((set(TWINS) | set(PAGE_ONLY)) - page_actions)
    assert not stale, f"listed here but no longer a page action: {stale}"
    for page, twin in TWINS.items():
        assert twin in api_routes, (page, twin)
        assert (api_routes[twin].methods or set()) - SAFE, f"{twin} changes nothing"
    document = app.test_client().get("/api/v1/openapi.json").json
    operations = {
        operation["operationId"]
        for methods in document["paths"].values()
        for operation in methods.values()
    }
    for twin in set(TWINS.values()):
        assert twin.replace("_api.", "_") in operations, f"{twin} is not in the document"
