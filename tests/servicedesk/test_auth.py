"""Logins: Chinese login page, argon2, lockout per username + address, session timeouts."""

import time

import pytest
from django.contrib.auth.hashers import make_password
from django.test import override_settings
from django.urls import reverse

from servicedesk.middleware import LOGIN_AT_KEY, SEEN_AT_KEY
from servicedesk.models import AuditLog, Role
from tests.factories import PASSWORD, make_staff

pytestmark = pytest.mark.django_db


def test_login_page_speaks_chinese_by_default(client):
    response = client.get(reverse("login"))
    assert response.status_code == 200
    text = response.content.decode()
    assert "员工登录" in text and 'lang="zh-hans"' in text


def test_chinese_even_when_the_browser_asks_for_english(client):
    # Desk PCs often run an English system; the screens stay Chinese until the user switches.
    response = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert "员工登录" in response.content.decode()


def test_an_unknown_language_cookie_falls_back_to_chinese(client):
    client.cookies["django_language"] = "xx"
    assert "员工登录" in client.get(reverse("login")).content.decode()


def test_english_is_available(client):
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    response = client.get(reverse("login"))
    assert "Staff log in" in response.content.decode()


def test_front_desk_user_logs_in_and_sees_the_chinese_workbench(client, staff_of):
    me = staff_of(Role.FRONT_DESK)
    response = client.post(
        reverse("login"), {"username": me.user.username, "password": PASSWORD}, follow=True
    )
    text = response.content.decode()
    assert response.status_code == 200
    assert "工作台" in text and me.display_name in text and "前台接待" in text
    assert AuditLog.objects.filter(action="auth.login", actor=me.user).exists()


@override_settings(
    PASSWORD_HASHERS=[
        "django.contrib.auth.hashers.Argon2PasswordHasher",
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    ]
)
def test_passwords_are_hashed_with_argon2():
    assert make_password("secret-123").startswith("argon2$")


@pytest.mark.reliability(
    "Password guessing",
    "wrong passwords: that user name locked at that address, a colleague on the same NAT is not",
)
@override_settings(AXES_FAILURE_LIMIT=3)
def test_failed_logins_lock_the_username_at_that_address_only(client, staff_of):
    victim = staff_of(Role.FRONT_DESK)
    colleague = staff_of(Role.FRONT_DESK)
    for _ in range(3):
        client.post(reverse("login"), {"username": victim.user.username, "password": "wrong"})
    locked = client.post(reverse("login"), {"username": victim.user.username, "password": PASSWORD})
    assert locked.status_code == 429
    assert "登录失败次数过多" in locked.content.decode()
    # Same shared NAT address, other user: still fine (PITFALLS: lock per username + address).
    ok = client.post(reverse("login"), {"username": colleague.user.username, "password": PASSWORD})
    assert ok.status_code == 302
    assert (
        AuditLog.objects.filter(action="auth.login_failed", summary=victim.user.username).count()
        >= 3
    )


@pytest.mark.reliability(
    "Password guessing behind the TLS proxy",
    "TRUSTED_PROXY_COUNT=1: the lockout is per real client; the same user from another one logs in",
)
@override_settings(AXES_FAILURE_LIMIT=3, TRUSTED_PROXY_COUNT=1)
def test_login_lockout_is_per_forwarded_client_behind_a_proxy(client, staff_of):
    victim = staff_of(Role.FRONT_DESK)
    url = reverse("login")

    def login(address, password):
        return client.post(
            url,
            {"username": victim.user.username, "password": password},
            REMOTE_ADDR="10.0.0.2",
            HTTP_X_FORWARDED_FOR=address,
        )

    for _ in range(3):
        login("203.0.113.5", "wrong")
    assert login("203.0.113.5", PASSWORD).status_code == 429
    assert login("203.0.113.6", PASSWORD).status_code == 302
    failed = AuditLog.objects.filter(action="auth.login_failed", summary=victim.user.username)
    assert set(failed.values_list("ip_address", flat=True)) == {"203.0.113.5"}


@pytest.mark.reliability(
    "Session fixation",
    "an attacker-chosen session cookie before login: a new key after login",
)
def test_login_gives_a_new_session_key(client, staff_of):
    me = staff_of(Role.FRONT_DESK)
    client.get(reverse("login"))
    client.cookies["sessionid"] = "attacker-chosen-session-key"
    client.post(reverse("login"), {"username": me.user.username, "password": PASSWORD})
    assert client.cookies["sessionid"].value != "attacker-chosen-session-key"


@pytest.mark.reliability(
    "Session left open at a desk",
    "idle and absolute session timeouts passed",
)
@override_settings(SESSION_IDLE_SECONDS=60)
def test_idle_session_expires(client, staff_of):
    me = staff_of(Role.FRONT_DESK)
    client.force_login(me.user)
    assert client.get(reverse("home")).status_code == 200
    session = client.session
    session[SEEN_AT_KEY] = time.time() - 120
    session.save()
    response = client.get(reverse("home"))
    assert response.status_code == 302 and reverse("login") in response["Location"]
    assert client.get(reverse("home")).status_code == 302


@pytest.mark.reliability(
    "Session left open at a desk",
    "idle and absolute session timeouts passed",
)
@override_settings(SESSION_COOKIE_AGE=3600)
def test_absolute_session_timeout(client, staff_of):
    me = staff_of(Role.FRONT_DESK)
    client.force_login(me.user)
    client.get(reverse("home"))
    session = client.session
    session[LOGIN_AT_KEY] = time.time() - 3601
    session.save()
    assert client.get(reverse("home")).status_code == 302


@pytest.mark.reliability(
    "Account disabled while logged in",
    "the next request of its open session",
)
def test_disabling_an_account_ends_its_sessions(client, staff_of):
    me = staff_of(Role.FRONT_DESK)
    client.force_login(me.user)
    assert client.get(reverse("home")).status_code == 200
    me.user.is_active = False
    me.user.save()
    assert client.get(reverse("home")).status_code == 302


@pytest.mark.reliability(
    "Read-only role writes",
    "the regional center posts a change: 403",
)
def test_regional_center_cannot_change_anything(client, point):
    regional = make_staff(Role.REGIONAL_CENTER, region=point.region)
    client.force_login(regional.user)
    response = client.post(reverse("servicedesk:point_settings", args=[point.pk]), {"name": "x"})
    assert response.status_code == 403
    # ...but may still log out and switch language.
    assert client.post(reverse("set_language"), {"language": "en"}).status_code == 302
    assert client.post(reverse("logout")).status_code == 302
