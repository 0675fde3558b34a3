"""One module per ``workbench`` sub-command (see :mod:`workbench.cli`)."""
