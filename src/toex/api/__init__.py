"""The REST API and web application server (``toex serve``).

``create_app`` builds the FastAPI application; access control lives in
:mod:`toex.api.access`, all SQL in :mod:`toex.api.queries`, the audit of
consultations and disclosures in :mod:`toex.api.audit_log`.
"""

from toex.api.app import create_app

__all__ = ["create_app"]
