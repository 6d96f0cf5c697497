"""The one module that imports the CDK for Terraform library: cdktf 0.21 (default) or its maintained fork cdktn.

cdktf 0.21.0 is the final release (archived upstream in 2025-12); CDK Terrain (``cdktn``) keeps the
same API under another module name. ``MAILDNS_CDK=cdktn`` selects the fork; both synthesize the
same stacks, apart from the library version in the metadata.
"""

from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from constructs import Construct
else:
    from constructs import Construct as _Construct

    class Construct(_Construct):
        """constructs' ``Construct``, which also remembers its scope and id on the Python side: the
        blocks of ``maildns.aws`` find their path and stack there without a call into Node.js."""

        def __init__(self, scope: _Construct, id: str) -> None:
            super().__init__(scope, id)
            self.maildns_parent = (scope, id)


LIBRARY = os.environ.get("MAILDNS_CDK", "cdktf")
LIBRARIES = ("cdktf", "cdktn")
if LIBRARY not in LIBRARIES:
    print(f"maildns: MAILDNS_CDK is {LIBRARY!r}; it is one of {', '.join(LIBRARIES)}", file=sys.stderr)
    raise SystemExit(2)  # a usage error

if TYPE_CHECKING or LIBRARY == "cdktf":
    from cdktf import (
        App,
        ComplexObject,
        DataTerraformRemoteStateLocal,
        DataTerraformRemoteStateS3,
        Fn,
        ITerraformDependable,
        LocalBackend,
        S3Backend,
        TerraformDataSource,
        TerraformElement,
        TerraformOutput,
        TerraformProvider,
        TerraformProviderGeneratorMetadata,
        TerraformResource,
        TerraformResourceLifecycle,
        TerraformStack,
        Testing,
    )
else:
    from cdktn import (
        App,
        ComplexObject,
        DataTerraformRemoteStateLocal,
        DataTerraformRemoteStateS3,
        Fn,
        ITerraformDependable,
        LocalBackend,
        S3Backend,
        TerraformDataSource,
        TerraformElement,
        TerraformOutput,
        TerraformProvider,
        TerraformProviderGeneratorMetadata,
        TerraformResource,
        TerraformResourceLifecycle,
        TerraformStack,
        Testing,
    )

__all__ = [
    "LIBRARY",
    "App",
    "ComplexObject",
    "Construct",
    "DataTerraformRemoteStateLocal",
    "DataTerraformRemoteStateS3",
    "Fn",
    "ITerraformDependable",
    "LocalBackend",
    "S3Backend",
    "TerraformDataSource",
    "TerraformElement",
    "TerraformOutput",
    "TerraformProvider",
    "TerraformProviderGeneratorMetadata",
    "TerraformResource",
    "TerraformResourceLifecycle",
    "TerraformStack",
    "Testing",
]
