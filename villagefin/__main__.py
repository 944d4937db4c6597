"""`python -m villagefin …`: the same as the `villagefin` command."""

from .commands import main

if __name__ == "__main__":  # guarded: worker processes started by "spawn" (Windows, macOS) import this module
    main()
