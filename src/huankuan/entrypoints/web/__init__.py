"""The server-rendered pages: agent workbench, supervisor dashboard, compliance views and the
borrower portal (Jinja2 + vendored htmx 2, no JavaScript build step)."""
