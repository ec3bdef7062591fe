"""Outbound channels, one folder each (sms/, email/, voice/, chat/, letter/) against the base
class in base.py, which refuses any message without a stored, approving gate decision for
exactly that action. templates/ holds the bilingual texts the channels send."""
