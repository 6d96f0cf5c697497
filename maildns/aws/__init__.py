"""Thin typed Terraform classes for exactly the AWS types maildns uses (see base.py for why)."""
