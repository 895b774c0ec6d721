"""Login auditing: who logged in, from where; failed attempts too."""

from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.dispatch import receiver

from servicedesk.audit import audit_login, audit_login_failed
from servicedesk.clientip import client_ip


@receiver(user_logged_in)
def on_login(sender, request, user, **kwargs):
    audit_login(user=user, ip_address=client_ip(request))


@receiver(user_login_failed)
def on_login_failed(sender, credentials, request=None, **kwargs):
    audit_login_failed(
        username=str(credentials.get("username", ""))[:150], ip_address=client_ip(request)
    )
