"""Duplicate and repeat detection: a MinHash/LSH index of report texts stored in the database."""
