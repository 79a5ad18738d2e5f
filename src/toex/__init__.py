"""toex: analysis platform for police exploitation hubs.

The package reads like the pipeline: ``ingest`` -> ``resolve`` -> ``graph`` ->
``detect`` -> ``assess`` -> ``task`` -> ``share``, with the ``store`` and the
``engine`` beneath them and the faces (``cli``, ``api``, web) above them.
"""

__version__ = "0.1.0"

__all__ = ["__version__"]
