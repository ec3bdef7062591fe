"""Synthetic contact points: 2–5 per debtor (own mobiles, e-mail, emergency contacts,
workplace, sometimes a postal address), with validity, consent and opt-outs.

Every phone's `timezone` is the zone phonenumbers gives for it: a debtor's own and workplace
numbers sit in the debtor's zone; an American emergency contact may live in another zone.
"""

from __future__ import annotations

import polars as pl

from huankuan.simulation.draws import Draws
from huankuan.simulation.personas import trait
from huankuan.simulation.phones import US_ZONE_SHARES, china_numbers, us_numbers
from huankuan.simulation.pools import locale_pool, pool_size, sample

MAX_CONTACTS_PER_DEBTOR = 5
EMAIL_DOMAINS = {
    "zh_CN": ["qq.com", "163.com", "126.com", "sina.com", "foxmail.com"],
    "en_US": ["gmail.com", "yahoo.com", "outlook.com", "hotmail.com", "icloud.com", "aol.com"],
}
# (slot, kind, role, chance for zh_CN, chance for en_US); slots appear in this order per debtor
# and, above the cap, the optional ones are dropped last-first (address, workplace, ...).
SLOTS: tuple[tuple[str, str, str, float, float], ...] = (
    ("mobile", "phone", "self", 1.0, 1.0),
    ("emergency", "phone", "emergency_contact", 1.0, 1.0),
    ("email", "email", "self", 0.30, 0.85),
    ("second_mobile", "phone", "self", 0.15, 0.12),
    ("second_emergency", "phone", "emergency_contact", 0.30, 0.25),
    ("workplace", "phone", "workplace", 0.25, 0.20),
    ("address", "address", "self", 0.10, 0.20),
)
PHONE_OPT_OUTS = {"sms": 0.35, "robot_call": 0.35, "sms;robot_call": 0.2, "agent_call": 0.1}
CONTACT_COLUMNS = [
    "contact_id",
    "debtor_id",
    "kind",
    "value",
    "role",
    "timezone",
    "valid",
    "consent",
    "opted_out",
]


def build_contacts(seed: int, debtors: pl.DataFrame) -> pl.DataFrame:
    present = _slots_present(Draws(seed, "contact_slots"), debtors)
    size = pool_size(debtors.height)
    parts = []
    for order, (slot, kind, role, _zh, _en) in enumerate(SLOTS):
        owners = debtors.filter(present[slot])
        if owners.is_empty():
            continue
        values = _values(Draws(seed, f"contacts:{slot}"), owners, slot, kind, (seed, size))
        parts.append(
            owners.select("debtor_index", "debtor_id", "persona").with_columns(
                slot_order=pl.lit(order),
                kind=pl.lit(kind),
                role=pl.lit(role),
                value=values["value"],
                timezone=values["timezone"],
            )
        )
    contacts = pl.concat(parts).sort("debtor_index", "slot_order")
    contacts = _with_flags(Draws(seed, "contact_flags"), contacts)
    width = max(8, len(str(contacts.height)))
    return contacts.with_columns(
        contact_id=pl.lit("K") + (pl.int_range(pl.len()) + 1).cast(pl.String).str.zfill(width)
    ).select(CONTACT_COLUMNS)


def _slots_present(draws: Draws, debtors: pl.DataFrame) -> pl.DataFrame:
    n = debtors.height
    chinese = debtors["locale"] == "zh_CN"
    present = pl.DataFrame(
        {
            slot: pl.select(pl.when(pl.lit(chinese)).then(zh).otherwise(en)).to_series()
            > draws.uniform(n)
            for slot, _kind, _role, zh, en in SLOTS
        }
    )
    for slot, *_rest in reversed(SLOTS):
        over = pl.sum_horizontal(pl.all().cast(pl.Int32)) > MAX_CONTACTS_PER_DEBTOR
        present = present.with_columns(
            pl.when(over).then(False).otherwise(pl.col(slot)).alias(slot)
        )
    return present


def _values(
    draws: Draws, owners: pl.DataFrame, slot: str, kind: str, pool: tuple[int, int]
) -> pl.DataFrame:
    """Values and time zones of one slot; `pool` is the (seed, size) of the Faker pools."""
    n = owners.height
    if kind == "email":
        return _emails(draws, owners, pool)
    if kind == "address":
        text = {
            code: sample(draws, n, locale_pool(code, *pool).addresses) for code in EMAIL_DOMAINS
        }
        return _per_locale(owners, text, owners["timezone"])
    zones = owners["timezone"]
    if slot in ("emergency", "second_emergency"):
        elsewhere = draws.choice(
            n, list(US_ZONE_SHARES), list(US_ZONE_SHARES.values()), dtype=pl.String
        )
        zones = pl.select(
            pl.when(draws.chance(n, 0.25)).then(elsewhere).otherwise(zones)
        ).to_series()
    us_zones = pl.select(
        pl.when(owners["locale"] == "en_US")
        .then(zones)
        .otherwise(pl.lit(next(iter(US_ZONE_SHARES))))
    ).to_series()
    chinese_kind = "landline" if slot == "workplace" else "mobile"
    numbers = {"zh_CN": china_numbers(draws, n, chinese_kind), "en_US": us_numbers(draws, us_zones)}
    phone_zones = pl.select(
        pl.when(owners["locale"] == "en_US").then(us_zones).otherwise(owners["timezone"])
    ).to_series()
    return _per_locale(owners, numbers, phone_zones)


def _emails(draws: Draws, owners: pl.DataFrame, pool: tuple[int, int]) -> pl.DataFrame:
    n = owners.height
    addresses = {}
    for code, domains in EMAIL_DOMAINS.items():
        user = sample(draws, n, locale_pool(code, *pool).user_names)
        number = draws.integers(n, 1, 999).cast(pl.String)
        addresses[code] = user + number + "@" + sample(draws, n, tuple(domains))
    return _per_locale(owners, addresses, owners["timezone"])


def _per_locale(
    owners: pl.DataFrame, values: dict[str, pl.Series], zones: pl.Series
) -> pl.DataFrame:
    chosen = pl.select(
        pl.when(owners["locale"] == "zh_CN").then(values["zh_CN"]).otherwise(values["en_US"])
    ).to_series()
    return pl.DataFrame({"value": chosen, "timezone": zones})


def _with_flags(draws: Draws, contacts: pl.DataFrame) -> pl.DataFrame:
    n = contacts.height
    is_phone = pl.col("kind") == "phone"
    opt_out_phone = draws.choice(
        n, list(PHONE_OPT_OUTS), list(PHONE_OPT_OUTS.values()), dtype=pl.String
    )
    return contacts.with_columns(
        invalid_pick=draws.uniform(n),
        consent_pick=draws.uniform(n),
        opt_pick=draws.uniform(n),
        invalid_phone=trait(contacts["persona"], "invalid_phone"),
        opts_out=trait(contacts["persona"], "opts_out"),
    ).with_columns(
        valid=~pl.when(is_phone)
        .then(pl.col("invalid_pick") < pl.col("invalid_phone"))
        .otherwise(pl.col("invalid_pick") < 0.02),
        consent=pl.col("consent_pick")
        >= pl.when(pl.col("role") == "self").then(0.02).otherwise(0.06),
        opted_out=pl.when(pl.col("opt_pick") >= pl.col("opts_out"))
        .then(pl.lit(None, pl.String))
        .when(is_phone)
        .then(opt_out_phone)
        .when(pl.col("kind") == "email")
        .then(pl.lit("email"))
        .otherwise(pl.lit("letter")),
    )
