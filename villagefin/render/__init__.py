"""Renderers: PDF sheets (pdf*.py), portal pages (pages.py) and open data (opendata.py) take only the
dataclasses of `villagefin.public`; annotate.py is the one internal renderer, marking findings on a copy of a
ledger for the accountant (it shows the originals, so it never feeds anything public).
"""
