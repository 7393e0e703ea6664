"""`python -m dongne` runs the command line, as `dongne` does."""

from dongne.cli import main

main()
