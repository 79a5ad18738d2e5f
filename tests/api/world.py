"""A tiny hand-built picture for the API tests (used by conftest fixtures and tests).

Two forces in different regions (Suffolk in ERSOU, the Met in London), an
agency source (NRM, Home Office), the companies register, a SECRET source,
one person seen by both forces (P-000001), a child (P-000002) in a Suffolk
network, a Met-only person (P-000003), intelligence graded 1B P and one
report with handling code C (its subject P-000004 is known from it only).
"""

from __future__ import annotations

import secrets
import shutil
import tempfile
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from fastapi.testclient import TestClient

from toex.api.app import create_app
from toex.api.auth import add_user, now, token_hash
from toex.api.db import Database
from toex.api.settings import ApiSettings
from toex.store import Store, open_store

PASSWORD = "correct horse battery"

USERS = {
    # username: (role, scope kind, scope id, clearance, handling C)
    "suffolk": ("analyst", "force", "suffolk", "OFFICIAL-SENSITIVE", False),
    "met": ("analyst", "force", "metropolitan", "OFFICIAL-SENSITIVE", False),
    "ersou": ("analyst", "region", "ersou", "OFFICIAL-SENSITIVE", False),
    "national": ("analyst", "national", None, "SECRET", True),
    "natofficial": ("analyst", "national", None, "OFFICIAL-SENSITIVE", False),
    "supsuffolk": ("supervisor", "force", "suffolk", "OFFICIAL-SENSITIVE", False),
    "supmet": ("supervisor", "force", "metropolitan", "OFFICIAL-SENSITIVE", False),
    "tasksuffolk": ("tasking", "force", "suffolk", "OFFICIAL-SENSITIVE", False),
    "admin": ("admin", "national", None, "SECRET", True),
}

SQL = r"""
INSERT INTO sources (source_id, name, owner, kind, classification, format) VALUES
 ('suffolk-crime', 'Suffolk crime', 'suffolk', 'crime', 'OFFICIAL-SENSITIVE', 'pole'),
 ('suffolk-intel', 'Suffolk intelligence', 'suffolk', 'intelligence', 'OFFICIAL-SENSITIVE', 'pole'),
 ('suffolk-secret', 'Suffolk covert', 'suffolk', 'intelligence', 'SECRET', 'pole'),
 ('met-crime', 'Met crime', 'metropolitan', 'crime', 'OFFICIAL-SENSITIVE', 'pole'),
 ('nrm', 'NRM referrals', 'home-office', 'nrm', 'OFFICIAL-SENSITIVE', 'pole'),
 ('companies', 'Companies register', 'companies-register', 'companies', 'OFFICIAL', 'pole');

INSERT INTO persons (source_id, ref, load_id, forenames, surname, forenames_norm, surname_norm, dob, dob_year, dob_month, sex) VALUES
 ('suffolk-crime', 'P1', 'l', 'Jonathan', 'Smith', 'jonathan', 'smith', DATE '1990-05-12', 1990, 5, 'M'),
 ('suffolk-crime', 'P2', 'l', 'Kyle', 'Jones', 'kyle', 'jones', DATE '2009-03-01', 2009, 3, 'M'),
 ('met-crime', 'K1', 'l', 'Jon', 'Smyth', 'jon', 'smyth', DATE '1990-05-12', 1990, 5, 'M'),
 ('met-crime', 'K2', 'l', 'Oliver', 'Metcalfe', 'oliver', 'metcalfe', DATE '1985-01-01', 1985, 1, 'M'),
 ('suffolk-intel', 'I1', 'l', 'Kyle', 'Jones', 'kyle', 'jones', NULL, 2009, NULL, 'M'),
 ('suffolk-intel', 'I2', 'l', 'Christopher', 'Hidden', 'christopher', 'hidden', NULL, 1980, NULL, 'M'),
 ('nrm', 'N1', 'l', 'Kyle', 'Jones', 'kyle', 'jones', DATE '2009-03-01', 2009, 3, 'M'),
 ('suffolk-secret', 'S1', 'l', 'Covert', 'Subject', 'covert', 'subject', NULL, 1970, NULL, 'M');

INSERT INTO events (source_id, ref, load_id, kind, occurred_from, force, offence_code, category, grading, grade_source, grade_intel, handling, latitude, longitude) VALUES
 ('suffolk-crime', 'E1', 'l', 'offence', TIMESTAMP '2024-01-10 10:00', 'suffolk', '92A', 'drugs', NULL, NULL, NULL, NULL, 52.05, 1.15),
 ('met-crime', 'KE1', 'l', 'offence', TIMESTAMP '2024-02-10 10:00', 'metropolitan', '28E', 'burglary', NULL, NULL, NULL, NULL, 51.5, -0.1),
 ('suffolk-intel', 'IR1', 'l', 'intelligence', TIMESTAMP '2024-01-12 09:00', 'suffolk', NULL, 'intelligence', '1B P', '1', 'B', 'P', NULL, NULL),
 ('suffolk-intel', 'IR2', 'l', 'intelligence', TIMESTAMP '2024-01-13 09:00', 'suffolk', NULL, 'intelligence', '3C C', '3', 'C', 'C', NULL, NULL),
 ('nrm', 'NR1', 'l', 'nrm-referral', TIMESTAMP '2024-03-01 09:00', 'suffolk', NULL, 'nrm', NULL, NULL, NULL, NULL, NULL, NULL),
 ('suffolk-secret', 'SE1', 'l', 'intelligence', TIMESTAMP '2024-03-02 09:00', 'suffolk', NULL, 'intelligence', '1A P', '1', 'A', 'P', NULL, NULL);

INSERT INTO objects (source_id, ref, load_id, kind, value_raw, value) VALUES
 ('suffolk-crime', 'PH1', 'l', 'phone', '07700 900123', '+447700900123'),
 ('met-crime', 'V1', 'l', 'vehicle', 'AB12 CDE', 'AB12CDE');

INSERT INTO locations (source_id, ref, load_id, address, town, postcode_raw, postcode, latitude, longitude, kind) VALUES
 ('suffolk-crime', 'L1', 'l', '1 High Street', 'Ipswich', 'IP1 1AA', 'IP1 1AA', 52.06, 1.15, 'residential'),
 ('met-crime', 'L2', 'l', '2 Baker Street', 'London', 'NW1 6XE', 'NW1 6XE', 51.52, -0.15, 'residential'),
 ('companies', 'CL1', 'l', '3 Market Lane', 'Ipswich', 'IP4 1AB', 'IP4 1AB', 52.06, 1.16, 'commercial');

INSERT INTO organisations (source_id, ref, load_id, name, name_norm, company_number, kind) VALUES
 ('companies', 'C1', 'l', 'Acme Nails Ltd', 'acme nails ltd', '01234567', 'company');

INSERT INTO links (source_id, load_id, from_ref, to_ref, from_kind, to_kind, role) VALUES
 ('suffolk-crime', 'l', 'P1', 'E1', 'person', 'event', 'offender'),
 ('suffolk-crime', 'l', 'P2', 'E1', 'person', 'event', 'victim'),
 ('suffolk-crime', 'l', 'P1', 'PH1', 'person', 'object', 'uses'),
 ('suffolk-crime', 'l', 'P1', 'L1', 'person', 'location', 'resides-at'),
 ('met-crime', 'l', 'K1', 'KE1', 'person', 'event', 'offender'),
 ('met-crime', 'l', 'K2', 'KE1', 'person', 'event', 'offender'),
 ('met-crime', 'l', 'K2', 'V1', 'person', 'object', 'keeper'),
 ('met-crime', 'l', 'K2', 'L2', 'person', 'location', 'resides-at'),
 ('suffolk-intel', 'l', 'I1', 'IR1', 'person', 'event', 'subject'),
 ('suffolk-intel', 'l', 'I2', 'IR2', 'person', 'event', 'subject'),
 ('nrm', 'l', 'N1', 'NR1', 'person', 'event', 'subject'),
 ('suffolk-secret', 'l', 'S1', 'SE1', 'person', 'event', 'subject'),
 ('companies', 'l', 'C1', 'CL1', 'organisation', 'location', 'registered-at');

INSERT INTO entity_records VALUES
 ('person', 'suffolk-crime', 'P1', 'P-000001'), ('person', 'met-crime', 'K1', 'P-000001'),
 ('person', 'suffolk-crime', 'P2', 'P-000002'), ('person', 'suffolk-intel', 'I1', 'P-000002'), ('person', 'nrm', 'N1', 'P-000002'),
 ('person', 'met-crime', 'K2', 'P-000003'), ('person', 'suffolk-intel', 'I2', 'P-000004'), ('person', 'suffolk-secret', 'S1', 'P-000005'),
 ('object', 'suffolk-crime', 'PH1', 'T-000001'), ('object', 'met-crime', 'V1', 'T-000002'),
 ('location', 'suffolk-crime', 'L1', 'L-000001'), ('location', 'met-crime', 'L2', 'L-000002'), ('location', 'companies', 'CL1', 'L-000003'),
 ('organisation', 'companies', 'C1', 'O-000001');

INSERT INTO entities VALUES
 ('P-000001', 'person', 'Jonathan Smith', 2, ['suffolk-crime', 'met-crime']),
 ('P-000002', 'person', 'Kyle Jones', 3, ['suffolk-crime', 'suffolk-intel', 'nrm']),
 ('P-000003', 'person', 'Oliver Metcalfe', 1, ['met-crime']),
 ('P-000004', 'person', 'Christopher Hidden', 1, ['suffolk-intel']),
 ('P-000005', 'person', 'Covert Subject', 1, ['suffolk-secret']),
 ('T-000001', 'object', '+447700900123', 1, ['suffolk-crime']), ('T-000002', 'object', 'AB12CDE', 1, ['met-crime']),
 ('L-000001', 'location', '1 High Street', 1, ['suffolk-crime']), ('L-000002', 'location', '2 Baker Street', 1, ['met-crime']),
 ('L-000003', 'location', '3 Market Lane', 1, ['companies']), ('O-000001', 'organisation', 'Acme Nails Ltd', 1, ['companies']);

INSERT INTO person_entities (entity_id, forenames, surname, dob, dob_year, sex) VALUES
 ('P-000001', 'Jonathan', 'Smith', DATE '1990-05-12', 1990, 'M'), ('P-000002', 'Kyle', 'Jones', DATE '2009-03-01', 2009, 'M'),
 ('P-000003', 'Oliver', 'Metcalfe', DATE '1985-01-01', 1985, 'M'), ('P-000004', 'Christopher', 'Hidden', NULL, 1980, 'M'),
 ('P-000005', 'Covert', 'Subject', NULL, 1970, 'M');
INSERT INTO location_entities (entity_id, address, town, postcode, latitude, longitude, kind) VALUES
 ('L-000001', '1 High Street', 'Ipswich', 'IP1 1AA', 52.06, 1.15, 'residential'),
 ('L-000002', '2 Baker Street', 'London', 'NW1 6XE', 51.52, -0.15, 'residential'),
 ('L-000003', '3 Market Lane', 'Ipswich', 'IP4 1AB', 52.06, 1.16, 'commercial');
INSERT INTO object_entities (entity_id, kind, value) VALUES ('T-000001', 'phone', '+447700900123'), ('T-000002', 'vehicle', 'AB12CDE');
INSERT INTO organisation_entities (entity_id, name, company_number) VALUES ('O-000001', 'Acme Nails Ltd', '01234567');

INSERT INTO person_match_pairs VALUES
 ('suffolk-crime', 'P1', 'met-crime', 'K1', 9.5, 0.998, true, 'forenames: name variant (nickname, transliteration, alias, middle name) (+3.10); surname: similar spelling (Jaro-Winkler >= 0.92) (+4.00); dob: the same (+2.40)', NULL, NULL),
 ('suffolk-crime', 'P2', 'suffolk-intel', 'I1', 8.0, 0.99, true, 'forenames: all forenames the same (+4.00); surname: the same (+4.00)', NULL, NULL);

INSERT INTO graph_nodes (node_id, kind, label) VALUES
 ('P-000001', 'person', 'Jonathan Smith'), ('P-000002', 'person', 'Kyle Jones'), ('P-000003', 'person', 'Oliver Metcalfe'),
 ('P-000004', 'person', 'Christopher Hidden'), ('T-000001', 'object', '+447700900123'), ('L-000001', 'location', '1 High Street'),
 ('E:suffolk-crime:E1', 'event', 'offence'), ('E:met-crime:KE1', 'event', 'offence'),
 ('E:suffolk-intel:IR1', 'event', 'intelligence'), ('E:suffolk-intel:IR2', 'event', 'intelligence');
INSERT INTO graph_edges VALUES
 ('P-000001', 'E:suffolk-crime:E1', 'offender', DATE '2024-01-10', DATE '2024-01-10', 'suffolk-crime', 'E1', NULL, 1, false),
 ('P-000002', 'E:suffolk-crime:E1', 'victim', DATE '2024-01-10', DATE '2024-01-10', 'suffolk-crime', 'E1', NULL, 1, false),
 ('P-000001', 'E:met-crime:KE1', 'offender', DATE '2024-02-10', DATE '2024-02-10', 'met-crime', 'KE1', NULL, 1, false),
 ('P-000003', 'E:met-crime:KE1', 'offender', DATE '2024-02-10', DATE '2024-02-10', 'met-crime', 'KE1', NULL, 1, false),
 ('P-000001', 'P-000003', 'co-offending', DATE '2024-02-10', DATE '2024-02-10', 'met-crime', 'KE1', NULL, 1, true),
 ('P-000001', 'P-000002', 'offended-against', DATE '2024-01-10', DATE '2024-01-10', 'suffolk-crime', 'E1', NULL, 1, true),
 ('P-000002', 'E:suffolk-intel:IR1', 'subject', DATE '2024-01-12', DATE '2024-01-12', 'suffolk-intel', 'IR1', '1B P', 0.85, false),
 ('P-000004', 'E:suffolk-intel:IR2', 'subject', DATE '2024-01-13', DATE '2024-01-13', 'suffolk-intel', 'IR2', '3C C', 0.24, false),
 ('P-000002', 'P-000004', 'intel-co-subject', DATE '2024-01-13', DATE '2024-01-13', 'suffolk-intel', 'IR2', '3C C', 0.24, true),
 ('P-000001', 'T-000001', 'uses', NULL, NULL, 'suffolk-crime', 'P1', NULL, 1, false),
 ('P-000001', 'L-000001', 'resides-at', NULL, NULL, 'suffolk-crime', 'P1', NULL, 1, false);

INSERT INTO networks (network_id, threats, forces, regions, summary, members, evidence) VALUES
 ('N-0001', ['county-lines'], ['suffolk'], ['ersou'], 'Jonathan Smith runs a line exploiting Kyle Jones (15).', 3,
  '[{"reason": "offence", "source_id": "suffolk-crime", "ref": "E1"}]'),
 ('N-0002', ['burglary'], ['suffolk', 'metropolitan'], ['ersou', 'london'], 'Jonathan Smith and Oliver Metcalfe burgle in London.', 2,
  '[{"reason": "co-offending", "source_id": "met-crime", "ref": "KE1"}]'),
 ('N-0003', ['burglary'], ['metropolitan'], ['london'], 'Oliver Metcalfe, prolific burglar.', 1,
  '[{"reason": "offence", "source_id": "met-crime", "ref": "KE1"}]');
INSERT INTO network_members (network_id, entity_id, kind, role, evidence, age, safeguarding) VALUES
 ('N-0001', 'P-000001', 'person', 'organiser', '[{"reason": "offender", "source_id": "suffolk-crime", "ref": "E1"}]', 33, NULL),
 ('N-0001', 'P-000002', 'person', 'exploited', '[{"reason": "victim", "source_id": "suffolk-crime", "ref": "E1"}, {"reason": "intel", "source_id": "suffolk-intel", "ref": "IR2"}]', 15, 'children''s services (MASH) and NRM'),
 ('N-0001', 'T-000001', 'object', 'associate', '[]', NULL, NULL),
 ('N-0002', 'P-000001', 'person', 'organiser', '[{"reason": "offender", "source_id": "met-crime", "ref": "KE1"}]', 33, NULL),
 ('N-0002', 'P-000003', 'person', 'associate', '[{"reason": "offender", "source_id": "met-crime", "ref": "KE1"}]', 39, NULL),
 ('N-0003', 'P-000003', 'person', 'organiser', '[{"reason": "offender", "source_id": "met-crime", "ref": "KE1"}]', 39, NULL);
INSERT INTO network_scores (network_id, rank, score, weights_version, summary, breakdown) VALUES
 ('N-0001', 1, 80.0, 'w1', 'County line exploiting a child.', '{"harm": {"auto": 0.8, "final": 0.8}}'),
 ('N-0002', 2, 50.0, 'w1', 'Cross-border burglary.', '{"harm": {"auto": 0.5, "final": 0.5}}'),
 ('N-0003', 3, 30.0, 'w1', 'Prolific burglar.', '{"harm": {"auto": 0.3, "final": 0.3}}');
INSERT INTO network_owners VALUES ('N-0001', 'local', 'suffolk', 'one force'), ('N-0002', 'regional', 'ersou', 'two forces'),
 ('N-0003', 'local', 'metropolitan', 'one force');
INSERT INTO network_evidence (network_id, entity_id, role, link_role, source_id, ref, kind, occurred_from, force, category, handling, latitude, longitude) VALUES
 ('N-0001', 'P-000001', 'organiser', 'offender', 'suffolk-crime', 'E1', 'offence', TIMESTAMP '2024-01-10 10:00', 'suffolk', 'drugs', NULL, 52.05, 1.15),
 ('N-0001', 'P-000002', 'exploited', 'subject', 'suffolk-intel', 'IR2', 'intelligence', TIMESTAMP '2024-01-13 09:00', 'suffolk', 'intelligence', 'C', NULL, NULL),
 ('N-0002', 'P-000003', 'associate', 'offender', 'met-crime', 'KE1', 'offence', TIMESTAMP '2024-02-10 10:00', 'metropolitan', 'burglary', NULL, 51.5, -0.1),
 ('N-0003', 'P-000003', 'organiser', 'offender', 'met-crime', 'KE1', 'offence', TIMESTAMP '2024-02-10 10:00', 'metropolitan', 'burglary', NULL, 51.5, -0.1);
INSERT INTO person_indicators VALUES
 ('P-000002', 'child-victim', 0.8, '[{"reason": "victim aged 14", "source_id": "suffolk-crime", "ref": "E1"}]', 'county-lines'),
 ('P-000002', 'covert-intel', 0.5, '[{"reason": "C intel", "source_id": "suffolk-intel", "ref": "IR2"}]', 'county-lines'),
 ('P-000003', 'prolific', 0.6, '[{"reason": "offence", "source_id": "met-crime", "ref": "KE1"}]', 'burglary');
INSERT INTO safeguarding_list (rank, entity_id, score, age, network_id, indicators, is_child, nrm_referred, home_force, home_area, summary) VALUES
 (1, 'P-000002', 90.0, 15, 'N-0001', 'child-victim', true, true, 'suffolk', 'Ipswich', 'Kyle Jones, 15'),
 (2, 'P-000003', 40.0, 39, 'N-0003', 'prolific', false, false, 'metropolitan', 'London', 'Oliver Metcalfe');
INSERT INTO alerts VALUES
 ('trend:T-0001', 'emerging-trend', 70.0, 'Shoplifting by 10-17s up in Suffolk', '{"force": "suffolk", "group": "age:10-17"}'),
 ('trend:T-0002', 'emerging-trend', 60.0, 'Burglary up in the Met', '{"force": "metropolitan", "group": "all"}'),
 ('CH-0001', 'change', 50.0, 'Oliver Metcalfe joined a network', '{"change": "new-organiser", "network_id": "N-0003", "entity_id": "P-000003"}'),
 ('travel:G-0001', 'travelling-group', 40.0, 'Jonathan Smith and Oliver Metcalfe travel', '{"members": ["P-000001", "P-000003"], "forces": ["suffolk", "metropolitan"]}');
INSERT INTO tasks (task_id, network_id, strand, action, action_key, owner_level, owner_unit, status, created_at, updated_at) VALUES
 ('TK-0001', 'N-0001', 'protect', 'Safeguarding referral for Kyle Jones', 'k1', 'local', 'suffolk', 'proposed', now()::TIMESTAMP, now()::TIMESTAMP),
 ('TK-0002', 'N-0003', 'pursue', 'Arrest Oliver Metcalfe', 'k2', 'local', 'metropolitan', 'proposed', now()::TIMESTAMP, now()::TIMESTAMP);
"""

#: What each force analyst must never see (ids and names).
MET_ONLY = ("P-000003", "Metcalfe", "met-crime", "T-000002", "L-000002", "AB12CDE", "N-0003", "TK-0002", "KE1")
SUFFOLK_ONLY = ("P-000002", "Kyle", "suffolk-crime", "suffolk-intel", "T-000001", "N-0001", "TK-0001", "447700900123")
HANDLING_C = ("P-000004", "Hidden", "IR2")
SECRET = ("P-000005", "Covert", "suffolk-secret")


def build_world(store: Store) -> None:
    with store.transaction():
        store.con.execute(SQL)
        for name, (role, kind, sid, clearance, c) in USERS.items():
            add_user(store, name, PASSWORD, role=role, scope_kind=kind, scope_id=sid, clearance=clearance, handling_c=c)


@dataclass
class World:
    client: TestClient
    db: Database
    settings: ApiSettings
    tokens: dict[str, str]

    def headers(self, user: str, purpose: str | None = "case 24/123") -> dict[str, str]:
        h = {"Authorization": f"Bearer {self.tokens[user]}"}
        if purpose:
            h["X-Toex-Purpose"] = purpose
        return h

    def get(self, path: str, user: str, purpose: str | None = "case 24/123", **params: object) -> object:
        return self.client.get(path, headers=self.headers(user, purpose), params=params)


_TEMPLATE: dict[str, Path] = {}


def _template() -> Path:
    """The world built once per test session into a file; each world opens a copy."""
    if "path" not in _TEMPLATE:
        folder = Path(tempfile.mkdtemp(prefix="toex-api-world-"))
        store = open_store(folder / "template.duckdb")
        build_world(store)
        Database(store, index_check_seconds=3600).refresh_index(force=True)
        store.close()
        _TEMPLATE["path"] = folder / "template.duckdb"
    return _TEMPLATE["path"]


def issue_token(store: Store, username: str, hours: float = 8.0) -> str:
    """A session for a user without the (deliberately slow) password check."""
    token = secrets.token_urlsafe(32)
    store.execute("INSERT INTO sessions VALUES (?, ?, ?, ?, false)",
                  [token_hash(token), username, now(), now() + timedelta(hours=hours)])
    return token


def make_world(settings: ApiSettings | None = None) -> World:
    folder = Path(tempfile.mkdtemp(prefix="toex-api-"))
    shutil.copy(_template(), folder / "store.duckdb")
    store = open_store(folder / "store.duckdb")
    db = Database(store, index_check_seconds=3600)
    cfg = settings or ApiSettings(store=folder / "store.duckdb")
    app = create_app(cfg, db)
    client = TestClient(app)
    tokens = {name: issue_token(store, name) for name in USERS}
    return World(client, db, cfg, tokens)
