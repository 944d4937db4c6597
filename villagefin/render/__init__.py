"""Renderers of the public view: noticeboard PDF, portal pages, open data files."""
