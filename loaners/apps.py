from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LoanersConfig(AppConfig):
    name = "loaners"
    verbose_name = _("Loaner phones")

    def ready(self):
        from loaners import subscribers
        from servicedesk import navigation
        from servicedesk.models import Role

        # Under "More" for everybody, without a badge: the counter reaches loaners from the
        # ticket page, and the supervisor's home lists the overdue ones.
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
        )
        subscribers.subscribe()
