"""Nationwide warranty (全国联保): a device's repairs at every point count for the repeat-repair
flag and the 三包 exchange, and another point's records are shown only as facts about the device
(point, dates, warranty, repair type, part numbers, result), never its customer; each lookup that
shows them is audited, and the lookups are bounded per user."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from parts.models import Part
from repairs import selectors, services
from repairs.actions import PartLineInput
from repairs.models import RepairTicket, RepairType, TicketStatus
from servicedesk.models import AuditLog, Role
from servicedesk.tenancy import CrossPointRefused, cross_point_lookup, device_key
from tests import urlwalk
from tests.factories import (
    CustomerFactory,
    RegionFactory,
    ServicePointFactory,
    in_stock,
    make_staff,
)
from tests.opening import VALID_IMEI, open_ticket
from tests.tickets import PNG, move

pytestmark = pytest.mark.django_db

OTHER_IMEIS = ["356938035643809", "352099001761481", "490154203237500"]


@pytest.fixture(autouse=True)
def _fresh_rate_limit():
    cache.clear()
    yield
    cache.clear()


def customer_markers(tag: str) -> dict:
    """Unique strings for every field the customer owns or wrote."""
    return {
        "name": f"{tag}顾客名",
        "phone": f"+86137{tag[-1]}8765432",
        "alt_phone": f"+86135{tag[-1]}1234987",
        "company": f"{tag}公司名",
        "notes": f"{tag}顾客备注",
        "fault_description": f"{tag}顾客说不开机",
        "accessories": f"{tag}配件盒",
        "condition": f"{tag}外壳划痕",
        "purchase_place": f"{tag}购买商场",
        "contact_phone": f"+86136{tag[-1]}5554321",
        "satisfaction_comment": f"{tag}顾客评价",
        "invoice_number": f"INV{tag[-1]}77331",
    }


def marker_strings(markers: dict) -> list[str]:
    found = []
    for value in markers.values():
        found.append(value)
        if value.startswith("+86"):
            digits = value[3:]
            found += [digits, f"{digits[:3]} {digits[3:7]} {digits[7:]}", digits[-4:] + "<"]
    return found


def repair_at(point, *, tag: str, days_ago: int, paid: bool = False) -> RepairTicket:
    """A finished repair of the VALID_IMEI device at ``point`` with every customer field
    carrying ``tag``; in warranty unless ``paid``."""
    m = customer_markers(tag)
    desk = make_staff(Role.FRONT_DESK, point=point).user
    tech = make_staff(Role.TECHNICIAN, point=point).user
    customer = CustomerFactory(
        point=point,
        name=m["name"],
        phone=m["phone"],
        alt_phone=m["alt_phone"],
        company=m["company"],
        notes=m["notes"],
    )
    repair_type = RepairType.objects.create(
        point=point, code=f"SCR{tag[-1]}", name="换屏", labor_fee=80
    )
    part = in_stock(
        Part.objects.create(point=point, code=f"LCD-{tag[-1]}01", name="屏幕", price=100)
    )
    now = timezone.now() - dt.timedelta(days=days_ago)
    ticket = open_ticket(
        point,
        desk,
        customer,
        now=now,
        purchase_days_ago=500 if paid else 100,
        fault_description=m["fault_description"],
        accessories=m["accessories"],
        condition=m["condition"],
        contact_phone=m["contact_phone"],
    )
    RepairTicket.objects.filter(pk=ticket.pk).update(purchase_place=m["purchase_place"])
    move(ticket, tech, "start_diagnosis")
    move(
        ticket,
        tech,
        "diagnose",
        fault_confirmed=f"{tag}技师确认",
        repair_type_id=repair_type.pk,
        parts=[PartLineInput(part_id=part.pk)],
        labor_fee=Decimal("80") if paid else None,
    )
    if paid:
        move(ticket, desk, "approve_quote", consent_kind="signature", signature_data_url=PNG)
    move(ticket, tech, "complete_repair", repair_method=f"{tag}技师方法")
    move(ticket, desk, "pass_qa")
    move(
        ticket,
        desk,
        "hand_over",
        tested_with_customer=True,
        explanation_given=True,
        signature_data_url=PNG,
        satisfaction_rating=5,
        satisfaction_comment=m["satisfaction_comment"],
        amount_received=Decimal("500") if paid else None,
        invoice_number=m["invoice_number"] if paid else "",
    )
    handed_over = now + dt.timedelta(hours=2)
    RepairTicket.objects.filter(pk=ticket.pk).update(handed_over_at=handed_over)
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.HANDED_OVER
    return ticket


@pytest.fixture
def network(point):
    """BJ01 (north) repaired the device in warranty 60 days ago, SH01 (east) 30 days ago; TJ01
    (north) has it on the counter now."""
    shanghai = ServicePointFactory(
        region=RegionFactory(code="EAST", name="华东"), code="SH01", name="上海网点"
    )
    tianjin = ServicePointFactory(region=point.region, code="TJ01", name="天津网点")
    bj = repair_at(point, tag="北京1", days_ago=60)
    sh = repair_at(shanghai, tag="上海2", days_ago=30)
    desk = make_staff(Role.FRONT_DESK, point=tianjin).user
    return {
        "bj01": point,
        "sh01": shanghai,
        "tj01": tianjin,
        "bj_ticket": bj,
        "sh_ticket": sh,
        "desk": desk,
        "customer": CustomerFactory(point=tianjin, name="天津顾客"),
        "markers_of": {
            ticket.point.code: [
                *marker_strings(customer_markers(tag)),
                f"{tag}技师确认",
                f"{tag}技师方法",
                ticket.number,
            ]
            for tag, ticket in (("北京1", bj), ("上海2", sh))
        },
        "markers": marker_strings(customer_markers("北京1"))
        + marker_strings(customer_markers("上海2"))
        + [PNG[22:80], bj.number, sh.number],
        "technician_notes": ["北京1技师确认", "北京1技师方法", "上海2技师确认", "上海2技师方法"],
    }


def history_audits():
    return AuditLog.objects.filter(action="device.history_shown").order_by("id")


def preview_url(network):
    return reverse("repairs:ticket_preview", args=[network["customer"].pk])


def post_preview(client, network, imei=VALID_IMEI) -> str:
    """The intake screen's preview as its script sends it: a POST of the form's fields."""
    body = {"imei": imei, "proof_of_purchase": "invoice", "purchase_date": "2026-06-01"}
    response = client.post(preview_url(network), body, headers={"HX-Request": "true"})
    assert response.status_code == 200
    return response.content.decode()


def test_repairs_at_two_other_points_make_a_repeat_with_an_exchange_at_the_third(network, client):
    """The issue's example: in warranty at BJ01, then at SH01, brought to TJ01."""
    preview = services.intake_preview(
        point=network["tj01"],
        user=network["desk"],
        imei=VALID_IMEI,
        serial="",
        purchase_date=None,
        proof="invoice",
    )
    assert [f.point_code for f in preview.repeat.earlier] == ["SH01", "BJ01"]
    assert preview.repeat.count == 2 and preview.repeat.exchange_entitled
    reason = preview.repeat.exchange_reason
    for ticket in (network["bj_ticket"], network["sh_ticket"]):
        day = timezone.localdate(ticket.handed_over_at).isoformat()
        assert ticket.point.code in reason and ticket.point.name in reason and day in reason

    client.force_login(network["desk"])
    page = post_preview(client, network)
    assert "data-exchange-reason" in page
    for ticket in (network["bj_ticket"], network["sh_ticket"]):
        assert f'data-earlier="{ticket.point.code}"' in page
        assert timezone.localdate(ticket.handed_over_at).isoformat() in page
        assert timezone.localdate(ticket.created_at).isoformat() in page
    assert "LCD-101" in page and "SCR1 换屏" in page  # part numbers and the repair type
    leaked = [m for m in network["markers"] + network["technician_notes"] if m in page]
    assert not leaked


def test_the_ticket_opened_at_the_third_point_stores_the_repeat_and_the_exchange(network):
    ticket = open_ticket(network["tj01"], network["desk"], network["customer"])
    assert ticket.repeat_count == 2 and ticket.is_repeat
    assert ticket.repeat_of is None  # another point's record is never linked
    assert ticket.exchange_entitled
    assert "BJ01" in ticket.exchange_reason and "SH01" in ticket.exchange_reason
    entry = history_audits().get(detail__purpose="ticket_open", point=network["tj01"])
    assert entry.actor == network["desk"] and entry.point == network["tj01"]
    assert entry.detail["points"] == ["BJ01", "SH01"]


def test_a_paid_repair_is_a_repeat_but_does_not_count_towards_the_exchange(point, other_point):
    repair_at(point, tag="北京1", days_ago=40, paid=True)
    repair_at(other_point, tag="上海2", days_ago=20)
    desk = make_staff(Role.FRONT_DESK, point=point).user
    check = services.repeat_check(point=point, imei=VALID_IMEI, serial="", user=desk)
    assert check.count == 2 and len(check.in_warranty) == 1
    assert not check.exchange_entitled and check.exchange_reason == ""


def test_a_repair_outside_the_intake_points_window_is_history_but_no_repeat(network):
    network["tj01"].repeat_repair_days = 45
    network["tj01"].save()
    check = services.repeat_check(
        point=network["tj01"], imei=VALID_IMEI, serial="", user=network["desk"]
    )
    assert [f.point_code for f in check.earlier] == ["SH01"]
    assert not check.exchange_entitled


def test_another_points_pages_stay_404_for_the_third_point(network, client):
    bj = network["bj_ticket"]
    for role in (Role.FRONT_DESK, Role.TECHNICIAN, Role.SUPERVISOR):
        client.force_login(make_staff(role, point=network["tj01"]).user)
        for url in (
            reverse("repairs:ticket_detail", args=[bj.pk]),
            reverse("intake:customer_detail", args=[bj.customer_id]),
            reverse("repairs:device_detail", args=[bj.device_id]),
            reverse("repairs:ticket_print", args=[bj.pk, "customer-copy"]),
        ):
            assert client.get(url).status_code == 404, (role, url)


def test_no_customer_data_of_another_point_on_any_page_of_the_third(network, client):
    """Every list, search, queue and figure page of TJ01 and its own objects' pages, with the
    device history on them, for every role of TJ01 and its region's center: none shows a
    string of BJ01's or SH01's customers, nor their technicians' notes (not shared)."""
    mine = urlwalk.make_objects(network["tj01"])  # its ticket is the same device (VALID_IMEI)
    tj_ticket = open_ticket(network["tj01"], network["desk"], network["customer"])
    plain, object_urls = urlwalk.registry()
    urls = [reverse(n) for n in sorted(plain - {"login", "logout", "set_language", "health"})]
    urls += [
        urlwalk.url_for(name, mine)
        for name in sorted(object_urls)
        if name in urlwalk.get_only() and name != "intake:customer_phone"
    ]
    search = reverse("intake:search")
    urls += [
        reverse("repairs:ticket_detail", args=[tj_ticket.pk]),
        reverse("repairs:device_detail", args=[tj_ticket.device_id]),
        f"{search}?q={VALID_IMEI}",
        f"{search}?q=13718765432",
        f"{search}?q={network['bj_ticket'].number}",
    ]
    viewers = [
        make_staff(role, point=network["tj01"], region=network["tj01"].region).user
        for role in Role
        if role != Role.ADMIN
    ]
    # The reveals (POST): the preview, the device's and the ticket's repairs at other points.
    reveals = [
        (preview_url(network), {"imei": VALID_IMEI, "proof_of_purchase": "invoice"}),
        (reverse("repairs:device_history", args=[tj_ticket.device_id]), {}),
        (reverse("repairs:ticket_history", args=[tj_ticket.pk]), {}),
    ]
    failures, shown = [], 0
    for user in viewers:
        # The regional center of the north sees BJ01 (its region) anyway, SH01 never.
        hidden = ["SH01"] if user.staff_profile.role == Role.REGIONAL_CENTER else ["BJ01", "SH01"]
        forbidden = [PNG[22:80], *(m for code in hidden for m in network["markers_of"][code])]
        client.force_login(user)
        requests = [(url, None) for url in urls] + reveals
        for url, data in requests:
            response = client.get(url) if data is None else client.post(url, data)
            body = (b"".join(response) if response.streaming else response.content).decode(
                "utf-8", "replace"
            )
            assert response.status_code < 500, url
            # A search page shows what was typed: the query itself is no leak.
            typed = url.split("?q=")[1] if "?q=" in url else None
            if leaked := [m for m in forbidden if m in body and m != typed]:
                failures.append(f"{user.staff_profile.role} {url}: {leaked}")
            shown += 'data-point="BJ01"' in body
    assert not failures, "\n".join(failures)
    assert shown  # the facts themselves do show


def test_technician_notes_show_only_where_their_point_shares_them(network, client):
    network["bj01"].share_technician_notes = True
    network["bj01"].save()
    client.force_login(network["desk"])
    page = post_preview(client, network)
    assert "北京1技师确认" in page and "北京1技师方法" in page
    assert "上海2技师确认" not in page
    assert not [m for m in network["markers"] if m in page]


def test_every_lookup_that_shows_another_point_is_audited(network, client):
    tj_ticket = open_ticket(network["tj01"], network["desk"], network["customer"])
    before = history_audits().count()
    client.force_login(network["desk"])
    post_preview(client, network)
    client.post(reverse("repairs:device_history", args=[tj_ticket.device_id]))
    client.post(reverse("repairs:ticket_history", args=[tj_ticket.pk]))
    entries = list(history_audits()[before:])
    assert [e.detail["purpose"] for e in entries] == [
        "intake_preview",
        "device_page",
        "ticket_page",
    ]
    for entry in entries:
        assert entry.actor == network["desk"] and entry.point == network["tj01"]
        assert entry.detail["points"] == ["BJ01", "SH01"]
        assert entry.detail["device"] == device_key(VALID_IMEI)
        assert sorted(entry.detail["tickets"]) == sorted(
            [network["bj_ticket"].pk, network["sh_ticket"].pk]
        )
        assert VALID_IMEI not in str(entry.detail) + entry.summary
    assert [e.object_type for e in entries] == [
        "intake.customer",
        "intake.device",
        "repairs.repairticket",
    ]


def test_a_lookup_that_shows_only_the_points_own_records_writes_no_audit(point, desk_user):
    repair_at(point, tag="北京1", days_ago=10)
    history = selectors.device_facts_across_points(
        user=desk_user, imei=VALID_IMEI, serial="", point=point, purpose="device_page"
    )
    assert [f.at_own_point for f in history.facts] == [True]
    assert history.facts[0].ticket_id and history.facts[0].fault_confirmed == "北京1技师确认"
    assert not history_audits().exists()


def test_lookups_are_rate_limited_per_user_by_different_devices(network, settings, client):
    settings.CROSS_POINT_LOOKUPS_PER_HOUR = 2
    client.force_login(network["desk"])
    assert 'data-point="BJ01"' in post_preview(client, network)
    post_preview(client, network)  # the same device again: not counted
    post_preview(client, network, OTHER_IMEIS[0])
    assert "data-history-refused" in post_preview(client, network, OTHER_IMEIS[1])
    # Still refused for a new device; the device already looked up this hour still shows.
    assert "data-history-refused" in post_preview(client, network, OTHER_IMEIS[2])
    assert 'data-point="BJ01"' in post_preview(client, network)
    # Saving a ticket is never cut short by the limit, and the ticket page's reveal of a
    # device already looked up this hour still shows it.
    ticket = open_ticket(network["tj01"], network["desk"], network["customer"])
    assert ticket.exchange_entitled
    reveal = client.post(reverse("repairs:ticket_history", args=[ticket.pk])).content.decode()
    assert 'data-point="BJ01"' in reveal and "data-history-refused" not in reveal
    # Another user has their own allowance.
    client.force_login(make_staff(Role.FRONT_DESK, point=network["tj01"]).user)
    assert "data-history-refused" not in post_preview(client, network, OTHER_IMEIS[1])


def test_a_regional_center_sees_the_history_of_its_regions_devices_only(network, client):
    tj_ticket = open_ticket(network["tj01"], network["desk"], network["customer"])
    north = make_staff(Role.REGIONAL_CENTER, region=network["tj01"].region).user
    east = make_staff(Role.REGIONAL_CENTER, region=network["sh01"].region).user
    client.force_login(north)
    page = client.post(reverse("repairs:device_history", args=[tj_ticket.device_id])).content
    # Both other points' repairs, its own region's (BJ01) linked, the other region's not.
    assert b'data-point="SH01"' in page and b'data-point="BJ01"' in page
    assert network["bj_ticket"].number.encode() in page
    assert network["sh_ticket"].number.encode() not in page
    client.force_login(east)
    assert (
        client.get(reverse("repairs:device_detail", args=[tj_ticket.device_id])).status_code == 404
    )
    assert (
        client.post(reverse("repairs:device_history", args=[tj_ticket.device_id])).status_code
        == 404
    )
    with pytest.raises(CrossPointRefused):
        cross_point_lookup(user=east, point=network["tj01"], purpose="device_page", identity="x")


def test_a_lookup_is_refused_for_a_point_the_user_does_not_hold(network):
    with pytest.raises(CrossPointRefused):
        cross_point_lookup(
            user=network["desk"], point=network["bj01"], purpose="device_page", identity="x"
        )
    history = selectors.device_facts_across_points(
        user=network["desk"],
        imei=VALID_IMEI,
        serial="",
        point=network["bj01"],
        purpose="device_page",
    )
    assert history.facts == () and history.refused
    with pytest.raises(ValueError, match="not a place"):
        cross_point_lookup(
            user=network["desk"], point=network["tj01"], purpose="search", identity="x"
        )


# --- Revealed by a POST only (rules#R-intake-10): a GET never looks across points ------------


@pytest.fixture
def at_tianjin(network):
    """TJ01's ticket of the travelling device (opening it is itself audited: ticket_open)."""
    return open_ticket(network["tj01"], network["desk"], network["customer"])


def page_urls(ticket) -> list[str]:
    return [
        reverse("repairs:ticket_detail", args=[ticket.pk]),
        reverse("repairs:device_detail", args=[ticket.device_id]),
    ]


def reveal_urls(ticket) -> list[str]:
    return [
        reverse("repairs:ticket_history", args=[ticket.pk]),
        reverse("repairs:device_history", args=[ticket.device_id]),
    ]


def test_the_ticket_and_device_pages_offer_the_reveal_and_show_nothing_of_other_points(
    network, at_tianjin, client
):
    """The pages show the point's own history and a button; not even whether other points have
    records (that the device travelled is itself another point's fact)."""
    for role in (Role.FRONT_DESK, Role.TECHNICIAN, Role.SUPERVISOR):
        client.force_login(make_staff(role, point=network["tj01"]).user)  # a login is audited
        for url, reveal in zip(page_urls(at_tianjin), reveal_urls(at_tianjin), strict=True):
            before = AuditLog.objects.count()
            response = client.get(url)
            assert AuditLog.objects.count() == before
            page = response.content.decode()
            assert response.status_code == 200
            assert "data-reveal-history" in page and f'hx-post="{reveal}"' in page
            assert 'method="post"' in page and "csrfmiddlewaretoken" in page
            # No fact of another point's record (the part numbers, the repair type). The
            # ticket keeps what its opening decided (audited then): the entitlement's reason.
            assert "data-point=" not in page and "LCD-101" not in page and "SCR1" not in page
            if "devices" in url:
                assert "BJ01" not in page and "SH01" not in page


def test_get_on_the_reveal_urls_and_the_preview_is_405_and_writes_nothing(
    network, at_tianjin, client
):
    client.force_login(network["desk"])
    before = AuditLog.objects.count()
    for url in [*reveal_urls(at_tianjin), preview_url(network)]:
        assert client.get(url).status_code == 405, url
        assert client.get(f"{url}?imei={VALID_IMEI}&proof_of_purchase=invoice").status_code == 405
    assert AuditLog.objects.count() == before


@pytest.mark.parametrize("htmx", [True, False], ids=["htmx", "no-script"])
def test_each_reveal_writes_one_audit_row_and_shows_the_facts_never_the_customer(
    htmx, network, at_tianjin, client
):
    client.force_login(network["desk"])
    headers = {"HX-Request": "true"} if htmx else {}
    reveals = zip(
        reveal_urls(at_tianjin), ["ticket_page", "device_page"], page_urls(at_tianjin), strict=True
    )
    for url, purpose, back in reveals:
        before = history_audits().count()
        last = history_audits().values_list("id", flat=True).last() or 0
        response = client.post(url, headers=headers)
        page = response.content.decode()
        assert response.status_code == 200
        entry = history_audits().get(id__gt=last)
        assert entry.detail["purpose"] == purpose and entry.detail["points"] == ["BJ01", "SH01"]
        assert entry.actor == network["desk"] and entry.point == network["tj01"]
        assert 'data-point="BJ01"' in page and 'data-point="SH01"' in page
        assert "LCD-101" in page and "SCR1 换屏" in page
        assert not [m for m in network["markers"] + network["technician_notes"] if m in page]
        assert "data-reveal-history" not in page
        # htmx swaps the panel in; without script a page of its own, with the way back.
        assert ("<html" in page) is not htmx
        assert (f'href="{back}"' in page) is not htmx
        # Sent again, a second reveal: a second row (each look is one row).
        client.post(url, headers=headers)
        assert history_audits().count() == before + 2


def test_a_reveal_with_only_the_points_own_records_says_so_and_writes_nothing(
    point, desk_user, client
):
    repair_at(point, tag="北京1", days_ago=10)
    ticket = open_ticket(point, desk_user)
    client.force_login(desk_user)
    for url in reveal_urls(ticket):
        page = client.post(url, headers={"HX-Request": "true"}).content.decode()
        assert "data-no-history" in page
    assert not history_audits().exists()


def test_the_reveal_is_csrf_checked(network, at_tianjin):
    from django.test import Client

    csrf_client = Client(enforce_csrf_checks=True)
    csrf_client.force_login(network["desk"])
    before = history_audits().count()
    for url in [*reveal_urls(at_tianjin), preview_url(network)]:
        assert csrf_client.post(url, {"imei": VALID_IMEI}).status_code == 403, url
    assert history_audits().count() == before


@pytest.mark.parametrize("others", [1, 6])
def test_the_reveal_keeps_its_query_count(
    others, network, at_tianjin, client, django_assert_max_num_queries
):
    """However many points repaired the device: the ticket, the facts, their part numbers and
    the audit row (with the session and the user)."""
    for n in range(others - 1):
        point = ServicePointFactory(region=network["sh01"].region, code=f"Q{n:03d}")
        repair_at(point, tag=f"其他{n}", days_ago=50 + n)
    client.force_login(network["desk"])
    url = reveal_urls(at_tianjin)[0]
    client.post(url)  # warm: the session is written once
    with django_assert_max_num_queries(REVEAL_QUERIES):
        page = client.post(url, headers={"HX-Request": "true"}).content.decode()
    assert page.count("data-point=") == others + 1


#: Session, user and profile (3), the ticket with its device and point, the facts, their part
#: numbers, the audit row.
REVEAL_QUERIES = 8


def test_opening_a_ticket_counts_against_the_lookup_limit_like_a_preview(network, settings, client):
    settings.CROSS_POINT_LOOKUPS_PER_HOUR = 2
    client.force_login(network["desk"])
    # Two tickets opened for two devices use the hour's allowance, never refused themselves...
    for imei in OTHER_IMEIS[:2]:
        cross_point_lookup(
            user=network["desk"], point=network["tj01"], purpose="ticket_open", identity=imei
        )
    # ...so a third device's preview is refused, while a device already opened still shows.
    assert "data-history-refused" in post_preview(client, network)
    assert "data-history-refused" not in post_preview(client, network, OTHER_IMEIS[0])
    assert cross_point_lookup(
        user=network["desk"], point=network["tj01"], purpose="ticket_open", identity=OTHER_IMEIS[2]
    )
