"""Keep the store's ``ref_*`` tables in step with the package's reference data."""

from __future__ import annotations

from toex import reference
from toex.store.store import Store

#: store table -> (reference table name, columns in store order)
_TABLES: dict[str, tuple[str, tuple[str, ...]]] = {
    "ref_forces": (
        "forces",
        ("force_id", "name", "short_name", "policeuk_name", "region_id", "country", "latitude", "longitude"),
    ),
    "ref_regions": ("regions", ("region_id", "name", "unit_name", "kind")),
    "ref_offence_codes": (
        "offence_codes",
        ("offence_code", "description", "group", "subgroup", "policeuk_category"),
    ),
    "ref_policeuk_categories": ("policeuk_categories", ("label", "slug")),
}


def refresh_reference_tables(store: Store, *, force: bool = False) -> bool:
    """Reload the reference tables when the package's reference version changed."""
    version = reference.version()
    if not force and store.meta("reference_version") == version:
        return False
    paths = reference.table_paths()
    with store.transaction():
        for table, (name, columns) in _TABLES.items():
            cols = ", ".join(f'"{c}"' for c in columns)
            store.execute(f"DELETE FROM {table}")
            store.execute(
                f"INSERT INTO {table} ({cols}) SELECT {cols} FROM read_csv(?, header=true, all_varchar=true)",
                [str(paths[name])],
            )
        store.set_meta("reference_version", version)
    return True
