"""Providers we buy services from, one folder each behind a port of the domain: payments/
(the payment-provider port, domain/payments.py) and, later, bureau and documents. Every
provider ships a fake that the tests and the demo use."""
