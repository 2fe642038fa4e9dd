"""Message catalogues of the check kinds: one module per kind, ``MESSAGES = {"en": {...}, "de": {...}}``.

Keys start with the kind (``group_fairness.summary.pass``); a rule's criterion is
``<kind>.rule.<rule id>``. :func:`auditkit.i18n.messages` merges every module here into the
language's catalogue; the parity test holds each language to English's keys and fields.
"""
