"""maildns: email DNS and MTA-STS hosting as code."""
