"""The command line: ``toex``."""
