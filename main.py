"""The cdktf app of this repository (``cdktf synth`` runs it): ``maildns.app`` with config/.

An organisation's own repository (``maildns init``) runs ``python -m maildns.app`` instead.
"""

import sys

from maildns.app import main

if __name__ == "__main__":
    sys.exit(main(prog="main.py"))
