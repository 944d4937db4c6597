"""villagefin: monthly village expense publication (村务财务公开) for township accountants."""

__version__ = "0.1.0"
