"""Run villagefin from a checkout without installing it: `python cli.py check ...`."""

from villagefin.commands import main

if __name__ == "__main__":
    main()
