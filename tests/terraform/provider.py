"""A stand-in for the hashicorp/aws provider: serves the real schema over tfplugin6 and plans like the SDK, offline.

Run as ``python -m tests.terraform.provider SCHEMA_JSON``: it listens on a loopback TCP port and
prints one line, the ``TF_REATTACH_PROVIDERS`` value that points Terraform at it (go-plugin's
reattach mode, so one process serves every Terraform run of a test session). It calls no API:
plans leave unset computed attributes unknown, as the plugin SDK does on create, plan the
provider's defaults and answer ``requires_replace`` as hashicorp/aws 6.x does (replacement.py),
and apply replaces each unknown by a deterministic, plausibly shaped value.

Terraform runs one provider instance per provider configuration (the default and each alias),
each on a connection of its own: the stand-in tells them apart by the peer's address, which is
why it listens on TCP (every unix-socket client has the same empty peer name), and so plans each
resource with the region of the configuration it belongs to.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
import threading
from concurrent import futures
from pathlib import Path as FilePath
from typing import Any

import grpc
from tf.gen import grpc_controller_pb2 as controller_pb
from tf.gen import grpc_controller_pb2_grpc as controller_rpc
from tf.gen import grpc_stdio_pb2_grpc as stdio_rpc
from tf.gen import tfplugin_pb2 as pb
from tf.gen import tfplugin_pb2_grpc as rpc

from tests.terraform import checks, replacement
from tests.terraform.schema import PROVIDER_ADDRESS
from tests.terraform.values import (
    UNKNOWN,
    Path,
    attribute_path,
    complete,
    decode,
    encode,
    error,
    transform,
)

ACCOUNT = "123456789012"
CLOUDFRONT_ZONE = "Z2FDTNDATAQYW2"  # the hosted zone of every CloudFront distribution (AWS docs)
NESTING = {
    "single": pb.Schema.NestedBlock.SINGLE,
    "list": pb.Schema.NestedBlock.LIST,
    "set": pb.Schema.NestedBlock.SET,
    "map": pb.Schema.NestedBlock.MAP,
    "group": pb.Schema.NestedBlock.GROUP,
}


def _block_pb(block: dict[str, Any]) -> pb.Schema.Block:
    return pb.Schema.Block(
        attributes=[
            pb.Schema.Attribute(
                name=name,
                type=json.dumps(spec["type"]).encode(),
                required=spec.get("required", False),
                optional=spec.get("optional", False),
                computed=spec.get("computed", False),
                sensitive=spec.get("sensitive", False),
            )
            for name, spec in block.get("attributes", {}).items()
        ],
        block_types=[
            pb.Schema.NestedBlock(
                type_name=name,
                block=_block_pb(nested["block"]),
                nesting=NESTING[nested["nesting_mode"]],
                min_items=nested.get("min_items", 0),
                max_items=nested.get("max_items", 0),
            )
            for name, nested in block.get("block_types", {}).items()
        ],
    )


def _digest(*parts: Any) -> str:
    return hashlib.sha256(json.dumps(parts, sort_keys=True, default=repr).encode()).hexdigest()


def _known(value: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in value.items() if isinstance(v, (str, int, float, bool))}


def fake(type_name: str, state: dict[str, Any], name: str, cty: Any, path: Path) -> Any:
    """A value for an attribute Terraform left unknown: shaped like AWS's answer, derived from the known ones."""
    seed = _digest(type_name, path, _known(state))
    short = seed[:13].upper()
    if type_name == "aws_ses_domain_dkim" and name == "dkim_tokens":
        return [_digest(seed, i)[:32] for i in range(3)]  # SES Easy DKIM answers three tokens
    if type_name == "aws_sesv2_email_identity" and name == "dkim_signing_attributes":
        # An identity that exists, with Easy DKIM: one attributes object holding three tokens
        # (SES GetEmailIdentity DkimAttributes); the other attributes as their zero values.
        element = _zero(cty[1], name)
        return [{**element, "tokens": [_digest(seed, i)[:32] for i in range(3)]}]
    if type_name == "aws_ses_domain_identity" and name == "verification_token":
        return seed[:44]
    if type_name == "aws_acm_certificate" and name == "domain_validation_options":
        names = [state.get("domain_name"), *(state.get("subject_alternative_names") or [])]
        return [
            {
                "domain_name": host,
                "resource_record_name": f"_{_digest(seed, host)[:32]}.{host}.",
                "resource_record_type": "CNAME",
                "resource_record_value": f"_{_digest(host, seed)[:32]}.acm-validations.aws.",
            }
            for host in names
            if isinstance(host, str)
        ]
    if type_name == "aws_s3_bucket":
        known = [state[key] for key in ("bucket", "id") if isinstance(state.get(key), str)]  # an import knows the id
        prefix = state.get("bucket_prefix") if isinstance(state.get("bucket_prefix"), str) else "terraform-"
        suffix = str(int(seed, 16))[:UNIQUE_SUFFIX]  # digits, as helper/id's timestamp and counter are
        bucket = known[0] if known else f"{prefix}{suffix}"
        derived = {
            "bucket": bucket,
            "id": bucket,
            "arn": f"arn:aws:s3:::{bucket}",
            "bucket_domain_name": f"{bucket}.s3.amazonaws.com",
            "bucket_regional_domain_name": f"{bucket}.s3.us-east-1.amazonaws.com",
            "hosted_zone_id": "Z3AQBSTGFYJSTF",
        }
        if name in derived:
            return derived[name]
    if type_name == "aws_cloudfront_distribution":
        derived = {
            "id": f"E{short}",
            "arn": f"arn:aws:cloudfront::{ACCOUNT}:distribution/E{short}",
            "domain_name": f"d{seed[:13]}.cloudfront.net",
            "hosted_zone_id": CLOUDFRONT_ZONE,
            "status": "Deployed",
        }
        if name in derived:
            return derived[name]
    if type_name == "aws_route53_record" and name == "fqdn":
        return state.get("name")
    if type_name == "aws_route53_zone" and name in ("zone_id", "id"):
        return f"Z{short}"
    if name == "arn":
        service = type_name.removeprefix("aws_").split("_")[0]
        return f"arn:aws:{service}:us-east-1:{ACCOUNT}:{type_name.removeprefix('aws_')}/{seed[:36]}"
    return _zero(cty, f"{name}-{seed[:8]}")


UNIQUE_SUFFIX = 26  # a generated name's suffix: a UTC timestamp and a counter (terraform-plugin-sdk helper/id)
RR_TYPES = ("A", "AAAA", "CAA", "CNAME", "DS", "HTTPS", "MX", "NAPTR", "NS", "PTR", "SOA", "SPF", "SRV", "SSHFP", "SVCB", "TLSA", "TXT")


def import_id(type_name: str, id_: str) -> dict[str, Any]:
    """The arguments an import ID carries, which the provider's Read fills in from it.

    A record's ID is ``ZONEID_NAME_TYPE[_SETIDENTIFIER]``, the name possibly holding underscores
    (``Z1_ _dmarc.example.com_TXT``): the first part that is a record type ends the name
    (internal/service/route53/record.go, parseRecordID).
    """
    if type_name == "aws_s3_bucket":
        # Read answers the prefix of a generated name: all but its 26-character unique suffix
        # (internal/service/s3/bucket.go, create.NamePrefixFromName).
        return {"bucket": id_, "bucket_prefix": id_[:-UNIQUE_SUFFIX] if len(id_) > UNIQUE_SUFFIX else None}
    if type_name != "aws_route53_record":
        return {}
    parts = id_.split("_")
    at = next((i for i, part in enumerate(parts) if i > 1 and part in RR_TYPES), None)
    if at is None:
        return {}
    return {
        "zone_id": parts[0],
        "name": "_".join(parts[1:at]).removesuffix(".").lower(),
        "type": parts[at],
        "set_identifier": "_".join(parts[at + 1 :]) or None,
    }


def _zero(cty: Any, text: str) -> Any:
    if cty == "string":
        return text
    if cty == "number":
        return 0
    if cty == "bool":
        return False
    kind = cty[0]
    if kind in ("list", "set"):
        return []
    if kind == "map":
        return {}
    if kind == "object":
        return dict.fromkeys(cty[1])
    return None


class StandInAws(rpc.ProviderServicer):
    """The Provider service, on the schema document ``schema``."""

    def __init__(self, schema: dict[str, Any]) -> None:
        provider = schema["provider_schemas"][PROVIDER_ADDRESS]
        self.provider = provider["provider"]
        # peer address of a configured provider instance -> the region of its configuration
        self._regions: dict[str, str | None] = {}
        self._lock = threading.Lock()
        self.resources: dict[str, Any] = provider["resource_schemas"]
        self.data_sources: dict[str, Any] = provider["data_source_schemas"]

        def as_pb(doc: dict[str, Any]) -> pb.Schema:
            return pb.Schema(version=doc.get("version", 0), block=_block_pb(doc["block"]))

        # Built once: Terraform asks for it at the start of every command, once per provider configuration.
        self._schema = pb.GetProviderSchema.Response(
            provider=as_pb(self.provider),
            resource_schemas={name: as_pb(doc) for name, doc in self.resources.items()},
            data_source_schemas={name: as_pb(doc) for name, doc in self.data_sources.items()},
            server_capabilities=self._capabilities(),
        )

    def _capabilities(self) -> pb.ServerCapabilities:
        return pb.ServerCapabilities(plan_destroy=True)

    def GetMetadata(self, request: Any, context: Any) -> Any:
        return pb.GetMetadata.Response(
            server_capabilities=self._capabilities(),
            resources=[pb.GetMetadata.ResourceMetadata(type_name=name) for name in self.resources],
            data_sources=[pb.GetMetadata.DataSourceMetadata(type_name=name) for name in self.data_sources],
        )

    def GetProviderSchema(self, request: Any, context: Any) -> Any:
        return self._schema

    def GetFunctions(self, request: Any, context: Any) -> Any:
        return pb.GetFunctions.Response()

    def ValidateProviderConfig(self, request: Any, context: Any) -> Any:
        return pb.ValidateProviderConfig.Response(diagnostics=checks.check("provider", self.provider["block"], decode(request.config)))

    def ValidateResourceConfig(self, request: Any, context: Any) -> Any:
        block = self.resources[request.type_name]["block"]
        return pb.ValidateResourceConfig.Response(diagnostics=checks.check(request.type_name, block, decode(request.config)))

    def ValidateDataResourceConfig(self, request: Any, context: Any) -> Any:
        block = self.data_sources[request.type_name]["block"]
        return pb.ValidateDataResourceConfig.Response(diagnostics=checks.check(request.type_name, block, decode(request.config)))

    def ConfigureProvider(self, request: Any, context: Any) -> Any:
        config = decode(request.config) or {}
        with self._lock:
            self._regions[context.peer()] = config.get("region")
        return pb.ConfigureProvider.Response()

    def _region(self, context: Any) -> str | None:
        """The region of the provider configuration this call comes from (None before ConfigureProvider)."""
        with self._lock:
            return self._regions.get(context.peer())

    def UpgradeResourceState(self, request: Any, context: Any) -> Any:
        block = self.resources[request.type_name]["block"]
        raw = json.loads(request.raw_state.json) if request.raw_state.json else {}
        return pb.UpgradeResourceState.Response(upgraded_state=encode(complete(block, raw)))

    def ReadResource(self, request: Any, context: Any) -> Any:
        # Nothing drifts: what was applied reads back the same. An imported resource has only its
        # id, so its computed attributes are read the way apply would have made them.
        block = self.resources[request.type_name]["block"]
        state = decode(request.current_state)
        if state is None:
            return pb.ReadResource.Response(new_state=request.current_state, private=request.private)
        read = transform(
            block,
            state,
            lambda name, spec, value, path: (
                fake(request.type_name, state, name, spec["type"], path) if value is None and spec.get("computed") else value
            ),
        )
        return pb.ReadResource.Response(new_state=encode(read), private=request.private)

    def ReadDataSource(self, request: Any, context: Any) -> Any:
        block = self.data_sources[request.type_name]["block"]
        config = decode(request.config)
        if replacement.regional(block) and config.get("region") is None:
            config = {**config, "region": self._region(context)}  # a data source reads in its configuration's region
        state = transform(
            block,
            config,
            lambda name, spec, value, path: (
                fake(request.type_name, config, name, spec["type"], path) if value is None and spec.get("computed") else value
            ),
        )
        return pb.ReadDataSource.Response(state=encode(state))

    def PlanResourceChange(self, request: Any, context: Any) -> Any:
        block = self.resources[request.type_name]["block"]
        proposed, prior = decode(request.proposed_new_state), decode(request.prior_state)
        if proposed is None:  # destroy
            return pb.PlanResourceChange.Response(planned_state=encode(None), legacy_type_system=False)
        config = decode(request.config)
        diagnostics = checks.check(request.type_name, block, config)
        region = self._region(context)
        planned = dict(proposed)
        if prior is None:
            # The SDK on create: every computed attribute the configuration leaves null is unknown.
            planned = transform(
                block, proposed, lambda name, spec, value, path: UNKNOWN if value is None and spec.get("computed") else value
            )
        # Defaults set arguments that are not computed: the SDK's plans do that under the legacy
        # type system, which makes Terraform accept them (and the real provider always says so).
        legacy = replacement.plan_defaults(request.type_name, block, config, planned, region)
        replace = [] if prior is None else replacement.requires_replace(request.type_name, block, prior, planned, region)
        return pb.PlanResourceChange.Response(
            planned_state=encode(planned),
            requires_replace=[attribute_path(path) for path in replace],
            diagnostics=diagnostics,
            planned_private=request.prior_private,
            legacy_type_system=legacy,
        )

    def ApplyResourceChange(self, request: Any, context: Any) -> Any:
        block = self.resources[request.type_name]["block"]
        planned = decode(request.planned_state)
        if planned is None:
            return pb.ApplyResourceChange.Response(new_state=encode(None), legacy_type_system=False)
        applied = transform(
            block,
            planned,
            lambda name, spec, value, path: fake(request.type_name, planned, name, spec["type"], path) if value is UNKNOWN else value,
        )
        left = _unknowns(applied)
        diagnostics = [error("Unknown value after apply", f"{'.'.join(map(str, p))} is still unknown", p) for p in left]
        return pb.ApplyResourceChange.Response(
            new_state=encode(applied), private=request.planned_private, diagnostics=diagnostics, legacy_type_system=False
        )

    def ImportResourceState(self, request: Any, context: Any) -> Any:
        block = self.resources[request.type_name]["block"]
        imported: dict[str, Any] = {"id": request.id, **import_id(request.type_name, request.id)}
        if replacement.regional(block):
            imported["region"] = self._region(context)  # importRegion: the provider configuration's region
        state = complete(block, imported)
        return pb.ImportResourceState.Response(
            imported_resources=[pb.ImportResourceState.ImportedResource(type_name=request.type_name, state=encode(state))]
        )

    def MoveResourceState(self, request: Any, context: Any) -> Any:
        return pb.MoveResourceState.Response(diagnostics=[error("Move not supported", "the stand-in moves no state between types")])

    def StopProvider(self, request: Any, context: Any) -> Any:
        return pb.StopProvider.Response()


def _unknowns(value: Any, path: Path = ()) -> list[Path]:
    if value is UNKNOWN:
        return [path]
    if isinstance(value, dict):
        return [p for k, v in value.items() for p in _unknowns(v, (*path, k))]
    if isinstance(value, list):
        return [p for i, v in enumerate(value) for p in _unknowns(v, (*path, i))]
    return []


class _Controller(controller_rpc.GRPCControllerServicer):
    def Shutdown(self, request: Any, context: Any) -> Any:
        # One process serves the whole session; the test fixture stops it by pid.
        return controller_pb.Empty()


class _Stdio(stdio_rpc.GRPCStdioServicer):
    def StreamStdio(self, request: Any, context: Any) -> Any:
        return iter([])


def serve(schema_path: str) -> None:
    schema = json.loads(FilePath(schema_path).read_text(encoding="utf-8"))
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=8))
    rpc.add_ProviderServicer_to_server(StandInAws(schema), server)
    controller_rpc.add_GRPCControllerServicer_to_server(_Controller(), server)
    stdio_rpc.add_GRPCStdioServicer_to_server(_Stdio(), server)
    port = server.add_insecure_port("127.0.0.1:0")  # loopback only; the kernel picks a free port
    server.start()
    reattach = {
        PROVIDER_ADDRESS: {
            "Protocol": "grpc",
            "ProtocolVersion": 6,
            "Pid": os.getpid(),
            "Test": True,
            "Addr": {"Network": "tcp", "String": f"127.0.0.1:{port}"},
        }
    }
    print(json.dumps(reattach), flush=True)
    server.wait_for_termination()


if __name__ == "__main__":
    serve(sys.argv[1])
