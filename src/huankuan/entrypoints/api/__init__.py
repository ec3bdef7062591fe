"""The HTTP API (FastAPI): `create_app` in app.py; OpenAPI docs at /docs."""
