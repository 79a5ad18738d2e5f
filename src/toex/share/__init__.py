"""The share stage: the threat picture export, standard interchange formats and
intelligence packages. Every export is audited as a ``disclosure``. See docs/exports.md.
"""

from toex.share.export import ExportSummary, write_export

__all__ = ["ExportSummary", "write_export"]
