"""Reading ledgers: spreadsheet files → raw cells (read), header detection (headers), expenses (normalise)."""
