"""Refused actions are shown in one place: the middleware turns an ``ActionRefused`` into a
message and a way back; a form view shows it on the form instead, keeping what was typed."""

import pytest
from django import forms
from django.contrib.messages import get_messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.sessions.backends.signed_cookies import SessionStore
from django.http import HttpResponse
from django.test import RequestFactory

from servicedesk.errors import ActionRefused, ConflictError
from servicedesk.forms import apply_errors
from servicedesk.middleware import RefusedActionMiddleware


def _request(method="post", referer=None):
    request = getattr(RequestFactory(), method)(
        "/repairs/1/action/", HTTP_REFERER=referer or "", HTTP_HOST="testserver"
    )
    request.session = SessionStore()
    request._messages = FallbackStorage(request)
    return request


def test_a_refused_action_goes_back_to_the_page_with_the_reason():
    middleware = RefusedActionMiddleware(lambda request: HttpResponse())
    request = _request(referer="http://testserver/repairs/1/")
    response = middleware.process_exception(request, ActionRefused("已由同事处理"))
    assert (response.status_code, response["Location"]) == (302, "http://testserver/repairs/1/")
    assert [str(m) for m in get_messages(request)] == ["已由同事处理"]


def test_a_referer_on_another_site_is_not_followed():
    middleware = RefusedActionMiddleware(lambda request: HttpResponse())
    request = _request(referer="https://evil.example/x")
    response = middleware.process_exception(request, ConflictError("stale"))
    assert response["Location"] == "/"


def test_other_exceptions_are_left_alone():
    middleware = RefusedActionMiddleware(lambda request: HttpResponse())
    assert middleware.process_exception(_request(), ValueError("x")) is None


def test_a_form_view_shows_the_refusal_on_the_form_and_keeps_the_input():
    class NoteForm(forms.Form):
        note = forms.CharField(max_length=50)

    form = NoteForm({"note": "顾客要求周五取机"})
    assert form.is_valid()
    apply_errors(form, ConflictError("别人刚修改过，请刷新"))
    assert form.non_field_errors() == ["别人刚修改过，请刷新"]
    assert form.data["note"] == "顾客要求周五取机"


@pytest.mark.django_db
def test_every_refusal_class_of_the_apps_is_an_action_refused():
    from complaints.services import ComplaintError
    from followups.services import ConflictError as CallbackConflict
    from repairs.actions import TransitionError

    for error in (ComplaintError, CallbackConflict, TransitionError):
        assert issubclass(error, ActionRefused)
