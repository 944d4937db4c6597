"""Renderers of the public view: PDF sheets (pdf.py), portal pages, open data, annotated workbooks.

Each renderer takes only the dataclasses of `villagefin.public` and writes files; none reads ledgers.
"""
