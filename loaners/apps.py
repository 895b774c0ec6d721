from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def _overdue_loans(user) -> int:
    """The menu badge: loaners to chase (expected day passed, or the repaired phone went home)."""
    from django.utils import timezone

    from loaners.selectors import loans_overdue

    return loans_overdue(user=user, today=timezone.localdate()).count()


class LoanersConfig(AppConfig):
    name = "loaners"
    verbose_name = _("Loaner phones")

    def ready(self):
        from loaners import hooks
        from servicedesk import navigation
        from servicedesk.models import Role

        # Under "More" for everybody: the counter reaches loaners from the ticket page, and the
        # supervisor's home lists the overdue ones.
        navigation.register(
            "loaners:list",
            _("Loaner phones"),
            [
                Role.FRONT_DESK,
                Role.TECHNICIAN,
                Role.SUPERVISOR,
                Role.SERVICE_MANAGER,
                Role.REGIONAL_CENTER,
            ],
            order=60,
            menu=[],
            badge=_overdue_loans,
        )
        hooks.register()
