"""`make bench`: import and daily-cycle timings at 100k and 1M accounts on SQLite and PostgreSQL,
each next to its floor (the same reads and writes done with raw bulk SQL in the same run), plus
peak memory. Writes BENCHMARKS.md.

Each (database, size) runs in its own subprocess so that its peak RSS is its own.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import polars as pl
from sqlalchemy import create_engine, text

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "bench-data"
AS_OF = date(2026, 11, 27)
CYCLE_DATE = date(2026, 11, 28)
PG_ADMIN = os.environ.get(
    "HUANKUAN_BENCH_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)


def sample_dir(size: int) -> Path:
    """Generate (once) and return the sample portfolio of `size` accounts."""
    from huankuan.simulation.portfolio import generate_portfolio

    directory = DATA / f"sample-{size}"
    if not (directory / "payments.csv").exists():
        started = time.perf_counter()
        generate_portfolio(
            directory, accounts=size, seed=7, locale="mixed", fmt="csv", dirty=False, as_of=AS_OF
        )
        (directory / "generated-seconds").write_text(f"{time.perf_counter() - started:.2f}")
    return directory


def fresh_database(kind: str, size: int, suffix: str = "") -> str:
    from huankuan.adapters.storage.database import make_engine
    from huankuan.adapters.storage.migrate import upgrade

    if kind == "sqlite":
        path = DATA / f"bench-{size}{suffix}.db"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        url = f"sqlite:///{path}"
    else:
        name = f"huankuan_bench_{size}{suffix}"
        admin = create_engine(PG_ADMIN, isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        admin.dispose()
        url = PG_ADMIN.rsplit("/", 1)[0] + f"/{name}"
    engine = make_engine(url, create_dir=True)
    upgrade(engine)
    engine.dispose()
    return url


def _timed(function, *args, **kwargs) -> float:  # type: ignore[no-untyped-def]
    started = time.perf_counter()
    function(*args, **kwargs)
    return time.perf_counter() - started


def import_floor(kind: str, size: int, directory: Path) -> float:
    """Read the accounts file and write the same debtors, cases and accounts rows into the same
    (indexed, constrained) tables of a fresh database with raw bulk SQL, without validation."""
    from huankuan.adapters.storage.bulk import insert_frame
    from huankuan.adapters.storage.database import make_engine

    engine = make_engine(fresh_database(kind, size, suffix="floor"))
    started = time.perf_counter()
    frame = pl.read_csv(
        directory / "accounts.csv",
        try_parse_dates=True,
        schema_overrides={"national_id": pl.String, "holds": pl.String},
    )
    debtor_frame = frame.unique("debtor_id", keep="first", maintain_order=True).select(
        "debtor_id",
        pl.col("debtor_name").alias("name"),
        "national_id",
        "date_of_birth",
        "timezone",
        "locale",
        "jurisdiction",
    )
    case_frame = debtor_frame.select(
        pl.format("C-{}", "debtor_id").alias("case_id"), "debtor_id", pl.lit("open").alias("status")
    )
    account_frame = frame.drop(
        "debtor_name", "national_id", "date_of_birth", "locale", "jurisdiction", "holds"
    )
    with engine.begin() as connection:
        insert_frame(connection, "debtors", debtor_frame)
        insert_frame(connection, "cases", case_frame)
        insert_frame(connection, "accounts", account_frame)
    seconds = time.perf_counter() - started
    engine.dispose()
    return seconds


def _clone_ddl(connection, table: str, clone: str) -> str:  # type: ignore[no-untyped-def]
    """DDL for an empty copy of `table` with the same keys and indexes."""
    if connection.dialect.name == "postgresql":
        return f"CREATE TABLE {clone} (LIKE {table} INCLUDING ALL)"
    ddl = connection.execute(
        text("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = :n"), {"n": table}
    ).scalar_one()
    return ddl.replace(table, clone, 1).replace(f"pk_{table}", f"pk_{clone}")


def cycle_floor(url: str, plan_rows: int) -> float:
    """Read all accounts and write `plan_rows` plan-shaped rows with raw bulk SQL."""
    from huankuan.adapters.storage.bulk import insert_frame, read_frame
    from huankuan.adapters.storage.database import make_engine

    engine = make_engine(url)
    with engine.begin() as connection:
        connection.execute(text("DROP TABLE IF EXISTS floor_plan"))
        connection.execute(text(_clone_ddl(connection, "action_plan", "floor_plan")))
        if connection.dialect.name == "sqlite":
            connection.execute(
                text("CREATE INDEX ix_floor_plan ON floor_plan (business_date, priority)")
            )
    schema = {
        "account_id": pl.String,
        "debtor_id": pl.String,
        "principal_minor": pl.Int64,
        "interest_minor": pl.Int64,
        "penalty_minor": pl.Int64,
        "fees_minor": pl.Int64,
        "paid_to_date_minor": pl.Int64,
        "instalment_minor": pl.Int64,
        "first_due_on": pl.Date,
        "timezone": pl.String,
    }
    started = time.perf_counter()
    with engine.begin() as connection:
        frame = read_frame(connection, f"SELECT {', '.join(schema)} FROM accounts", schema)
        repeat = -(-plan_rows // max(frame.height, 1))
        rows = pl.concat([frame] * repeat).head(plan_rows).with_row_index("n")
        plan = rows.select(
            pl.format("F-{}", pl.col("n")).alias("action_id"),
            pl.lit(CYCLE_DATE).alias("business_date"),
            "account_id",
            "debtor_id",
            pl.col("account_id").alias("contact_id"),
            pl.lit("sms").alias("channel"),
            pl.lit("self").alias("contact_role"),
            pl.lit("reminder").alias("template"),
            pl.lit(CYCLE_DATE).cast(pl.Datetime("us")).alias("scheduled_at"),
            "timezone",
            pl.lit(50).alias("priority"),
            pl.lit("M1").alias("bucket"),
            pl.lit("medium").alias("segment"),
            pl.lit("allow").alias("decision"),
            pl.lit("[]").alias("rules"),
            pl.lit(None, pl.Datetime("us")).alias("next_allowed_at"),
            pl.lit("floor").alias("gate_version"),
        )
        insert_frame(connection, "floor_plan", plan)
    seconds = time.perf_counter() - started
    with engine.begin() as connection:
        connection.execute(text("DROP TABLE floor_plan"))
    engine.dispose()
    return seconds


def run_operation(operation: str, kind: str, size: int, url: str) -> dict:
    """One measured operation, in this (child) process: seconds and this process's peak RSS."""
    from huankuan.adapters.clock import SystemClock
    from huankuan.adapters.storage.database import make_engine
    from huankuan.bootstrap import App
    from huankuan.config import Settings

    directory = sample_dir(size)
    application = App(
        settings=Settings(database_url=url, today=CYCLE_DATE.isoformat()),
        engine=make_engine(url),
        clock=SystemClock(),
    )
    plan_rows = None
    if operation.startswith("import_") and operation != "import_floor":
        from huankuan.service_layer.ingest import import_file

        file_kind = operation.removeprefix("import_")
        seconds = _timed(import_file, application, file_kind, directory / f"{file_kind}.csv")
    elif operation in ("cycle", "cycle_rerun"):
        from huankuan.service_layer.cycle import run_cycle

        seconds = _timed(run_cycle, application, CYCLE_DATE)
    elif operation == "import_floor":
        seconds = import_floor(kind, size, directory)
    else:
        with application.engine.connect() as connection:
            plan_rows = connection.execute(
                text("SELECT count(*) FROM action_plan WHERE business_date = :d"), {"d": CYCLE_DATE}
            ).scalar_one()
        seconds = cycle_floor(url, plan_rows)
    application.engine.dispose()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"seconds": seconds, "peak_rss_mib": round(peak), "plan_rows": plan_rows}


# Other hot paths, each measured by its own script in the same `make bench` run.
EXTRA_SECTIONS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("gate", ()),
    ("robot", ("--conversations", "300", "--simulate", "1000")),
    ("nlu", ("--no-embeddings",)),
    ("scoring", ()),
    ("content_guard", ()),
    ("web", ()),
)

IMPORTS = ("import_accounts", "import_contacts", "import_payments")
OPERATIONS = (
    "import_accounts",
    "import_contacts",
    "import_payments",
    "cycle",
    "cycle_rerun",
    "import_floor",
    "cycle_floor",
)


def run_one(kind: str, size: int, repeat: int) -> dict:
    """Every operation of one (database, size), each in its own process, `repeat` times."""
    seconds: dict[str, list[float]] = {op: [] for op in OPERATIONS}
    peaks: dict[str, int] = dict.fromkeys(OPERATIONS, 0)
    plan_rows = 0
    for _ in range(repeat):
        url = fresh_database(kind, size)
        for operation in OPERATIONS:
            child = subprocess.run(
                [
                    sys.executable,
                    "-m",
                    "benchmarks.run",
                    "--op",
                    f"{operation}|{kind}|{size}|{url}",
                ],
                cwd=ROOT,
                capture_output=True,
                text=True,
                check=False,
            )
            if child.returncode != 0:
                sys.stderr.write(child.stderr)
                raise SystemExit(f"benchmark {operation} on {kind} {size} failed")
            result = json.loads(child.stdout.strip().splitlines()[-1])
            seconds[operation].append(result["seconds"])
            peaks[operation] = max(peaks[operation], result["peak_rss_mib"])
            plan_rows = result["plan_rows"] or plan_rows
    return {
        "database": kind,
        "size": size,
        "repeat": repeat,
        "plan_rows": plan_rows,
        "peak_rss_mib": peaks,
        "seconds": seconds,
    }


def machine_note() -> str:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    import sqlite3

    pg = "?"
    try:
        engine = create_engine(PG_ADMIN)
        with engine.connect() as connection:
            pg = connection.execute(text("SHOW server_version")).scalar_one()
        engine.dispose()
    except Exception:
        pg = "not available"
    return (
        f"{os.cpu_count()} cores ({cpu}), {memory:.0f} GiB RAM, Python "
        f"{platform.python_version()}, SQLite {sqlite3.sqlite_version}, PostgreSQL {pg}, "
        f"Polars {pl.__version__}"
    )


def render(rows: list[dict], note: str) -> str:
    lines = [
        "# Benchmarks",
        "",
        f"Measured by `make bench` (benchmarks/run.py) on {date.today().isoformat()}: {note}.",
        "",
        "Each figure is the median of the repeats shown (each repeat on a fresh database). "
        "The floor is measured in the same run on the same database engine: for the import, "
        "reading the same accounts file and writing the same debtors, cases and accounts rows "
        "into the same (keyed, indexed) tables of a fresh database with raw bulk SQL (COPY on "
        "PostgreSQL, executemany on SQLite) and no validation; for the cycle, reading the same "
        "accounts and writing the same number of plan rows into a copy of the plan table with "
        "the same keys and indexes. Ratio = figure / floor. "
        "Each operation runs in its own process, as it does from the command line; peak RSS is "
        "the largest resident set of the import processes and of the cycle processes.",
        "",
        "| database | accounts | repeats | import accounts s | floor s | ratio | import contacts s "
        "| import payments s | cycle s | cycle re-run s | floor s | ratio | plan rows "
        "| import peak MiB | cycle peak MiB |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for row in rows:
        m = {k: statistics.median(v) for k, v in row["seconds"].items()}
        peaks = row["peak_rss_mib"]
        lines.append(
            f"| {row['database']} | {row['size']:,} | {row['repeat']} | {m['import_accounts']:.1f} "
            f"| {m['import_floor']:.1f} | {m['import_accounts'] / m['import_floor']:.1f}× "
            f"| {m['import_contacts']:.1f} | {m['import_payments']:.1f} | {m['cycle']:.1f} "
            f"| {m['cycle_rerun']:.1f} | {m['cycle_floor']:.1f} "
            f"| {m['cycle'] / m['cycle_floor']:.1f}× | {row['plan_rows']:,} "
            f"| {max(peaks[k] for k in IMPORTS):,} "
            f"| {max(peaks['cycle'], peaks['cycle_rerun']):,} |"
        )
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="100000,1000000")
    parser.add_argument("--databases", default="sqlite,postgres")
    parser.add_argument("--repeat-small", type=int, default=3, help="repeats below 1M accounts")
    parser.add_argument("--out", default=str(ROOT / "BENCHMARKS.md"))
    parser.add_argument("--skip-extras", action="store_true", help="only import and cycle")
    parser.add_argument("--op", help=argparse.SUPPRESS)  # child mode: "operation|kind|size|url"
    args = parser.parse_args()
    if args.op:
        operation, kind, size, url = args.op.split("|", 3)
        print(json.dumps(run_operation(operation, kind, int(size), url)))
        return
    rows = []
    for size in (int(s) for s in args.sizes.split(",")):
        sample_dir(size)
        for kind in args.databases.split(","):
            repeat = args.repeat_small if size < 1_000_000 else 1
            print(f"benchmark: {kind} {size:,} accounts x{repeat}...", file=sys.stderr, flush=True)
            rows.append(run_one(kind, size, repeat))
            print(json.dumps(rows[-1]), file=sys.stderr)
    text_out = render(rows, machine_note())
    for module, extra in EXTRA_SECTIONS:
        if args.skip_extras or not (ROOT / "benchmarks" / f"{module}.py").exists():
            continue
        print(f"benchmark: {module}...", file=sys.stderr, flush=True)
        child = subprocess.run(
            [sys.executable, "-m", f"benchmarks.{module}", *extra],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=False,
        )
        output = child.stdout.strip() if child.returncode == 0 else child.stderr.strip()[-2000:]
        text_out += (
            f"\n## `python -m benchmarks.{module} {' '.join(extra)}`\n\n```\n{output}\n```\n"
        )
    Path(args.out).write_text(text_out, encoding="utf-8")
    print(f"wrote {args.out}", file=sys.stderr)


if __name__ == "__main__":
    main()
