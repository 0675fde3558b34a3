"""The simulation engines: coverage, succession and allocation. Each returns the long results
table of :mod:`workbench.results`."""
