"""`python -m villagefin …`: the same as the `villagefin` command."""

from .commands import main

main()
