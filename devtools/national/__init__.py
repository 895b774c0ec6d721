"""A realistic national data set for scale tests: ``manage.py generate_national``.

The generator simulates two years of a network of service points and streams the rows into
PostgreSQL with ``COPY``:

- ``sizes``: how many of everything for a ``--scale``;
- ``clock``: epoch-second time arithmetic, Asia/Shanghai office and calling hours, seasonal peaks;
- ``vocab``: names, models, faults and the other words the rows are made of;
- ``network``: regions, points, staff, price lists and departments (through the ORM);
- ``simulate``: one point's customers, devices, visits and repair tickets with their timelines;
- ``followups`` and ``contacts``: callbacks, hotline calls, message slips and complaints;
- ``loaners``: the points' loaner phones and their loans;
- ``loader``: the COPY streams, id blocks, sequences and the foreign-key check.

Every row follows the rules the services enforce (the same transition order, the same timeline
events, callbacks scheduled only for handed-over tickets, and so on), so the application works on
the generated data as on its own.
"""
