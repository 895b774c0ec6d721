"""Default values of every per-point setting (docs/rules.md#settings), in one place.

These are defaults only: each service point stores its own copy (editable by its manager or an
administrator), and services read the point's value, never these constants directly.
"""

from decimal import Decimal

TIME_ZONE = "Asia/Shanghai"

# rules#callbacks: calls only inside the point's calling hours, local time.
CALLING_HOURS = [["09:00", "12:00"], ["14:00", "20:00"]]
# rules#callbacks: at least 30% of ordinary serviced customers are called back.
CALLBACK_SAMPLE_RATE = Decimal("0.30")
CALLBACK_FIRST_DAY = 3
CALLBACK_SECOND_WINDOW = (8, 15)
CALLBACK_MAX_ATTEMPTS = 3
CALLBACK_TARGET_SECONDS = 180
CALLBACK_RETRY_MINUTES = 120
COMPLAINT_CALLBACK_DAYS = 3
# rules#callbacks: a complaint opened from a dissatisfied callback promises the customer a reply
# within this many hours (the supervisor who takes it over may set another time).
COMPLAINT_FIRST_REPLY_HOURS = 24

# rules#complaints: compensation authority per role, in yuan.
COMPENSATION_LIMIT_FRONT_DESK = Decimal("0")
COMPENSATION_LIMIT_HOTLINE = Decimal("0")
COMPENSATION_LIMIT_SUPERVISOR = Decimal("200")
COMPENSATION_LIMIT_MANAGER = Decimal("1000")

# rules#hotline: answer within three rings; check back on a held caller every 30 seconds.
ANSWER_WITHIN_RINGS = 3
HOLD_CHECK_SECONDS = 30

# rules#repair: repeat repair window after a repair here.
REPEAT_REPAIR_DAYS = 90

# rules#repair: a ticket ready for longer than this many days is overdue for pickup (the desk
# calls the customer again; the work lists show it).
PICKUP_OVERDUE_DAYS = 7

# rules#tenancy: the supervisor is warned this many days before a certificate expires.
CERTIFICATE_WARNING_DAYS = 30
