"""The steps of ``transit demo`` on the embedded sample city (never imported by the library)."""
