"""Use cases: small handlers over a unit of work, and the daily-cycle orchestration."""
