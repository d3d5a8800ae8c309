#!/usr/bin/env python3
"""Drives unmodified boto3 against `portolan emulator --topology tests/fixtures/ec2.toml`: pages
through DescribeSubnets, DescribeNetworkInterfaces and DescribeInstances with boto3's
paginators, with and without filters, and checks the answers against the fixture.

    python3 scripts/ec2-boto3-check.py http://127.0.0.1:4000

scripts/aws-cli-check.sh runs it. Exits 0 when every check passes, 1 with the failed check.
"""
import sys

import boto3
from botocore.exceptions import ClientError

URL = sys.argv[1]
US = "us-east-1"
A1, A2, A3, A4 = (f"subnet-0e0000000000000a{n}" for n in range(1, 5))
B1 = "subnet-0e0000000000000b1"


def client(region):
    return boto3.client(
        "ec2",
        endpoint_url=URL,
        region_name=region,
        aws_access_key_id="AKIDEXAMPLE",
        aws_secret_access_key="secret",
    )


def check(ok, what):
    if not ok:
        print(f"FAIL: {what}", file=sys.stderr)
        sys.exit(1)


def paged(c, operation, key, page_size=None, **kwargs):
    """Every item, and the number of pages it took."""
    config = {"PageSize": page_size} if page_size else {}
    items, pages = [], 0
    for page in c.get_paginator(operation).paginate(PaginationConfig=config, **kwargs):
        pages += 1
        items.extend(page[key])
    return items, pages


us, eu = client(US), client("eu-west-1")

subnets, _ = paged(us, "describe_subnets", "Subnets")
check([s["SubnetId"] for s in subnets] == [A1, A2, A3, A4], f"us-east-1 subnets: {subnets}")
by_id = {s["SubnetId"]: s for s in subnets}
check(by_id[A1]["CidrBlock"] == "10.2.0.0/24" and by_id[A1]["AvailableIpAddressCount"] == 2, "fleet-a")
check({"Key": "Name", "Value": "fleet-a"} in by_id[A1]["Tags"], "fleet-a's Name tag")
check(by_id[A3]["VpcId"] == "vpc-0e000000000000002" and by_id[A3]["AvailabilityZone"] == "us-east-1b", "sbc")
again, pages = paged(us, "describe_subnets", "Subnets", page_size=5)
check(again == subnets and pages == 1, "subnets at page size 5")
check([s["SubnetId"] for s in paged(eu, "describe_subnets", "Subnets")[0]] == [B1], "eu-west-1 lists its own")
named, _ = paged(us, "describe_subnets", "Subnets", Filters=[{"Name": "tag:Name", "Values": ["fleet-*"]}])
check([s["SubnetId"] for s in named] == [A1, A2], "tag:Name filter")
try:
    us.describe_subnets(SubnetIds=[A1, "subnet-0e00000000000ffff"])
    check(False, "an unknown subnet id was accepted")
except ClientError as e:
    check(e.response["Error"]["Code"] == "InvalidSubnetID.NotFound", f"wrong error {e.response['Error']}")
print(f"ok   boto3 describe_subnets ({len(subnets)} in {US}, filters, an unknown id refused)")

enis, _ = paged(us, "describe_network_interfaces", "NetworkInterfaces")
for size in (5, 9):
    again, pages = paged(us, "describe_network_interfaces", "NetworkInterfaces", page_size=size)
    check([n["NetworkInterfaceId"] for n in again] == [n["NetworkInterfaceId"] for n in enis], f"interfaces at page size {size}")
    check(pages == -(-len(enis) // size), f"{pages} pages of {size} for {len(enis)} interfaces")
found, _ = paged(
    us,
    "describe_network_interfaces",
    "NetworkInterfaces",
    page_size=5,
    Filters=[{"Name": "addresses.private-ip-address", "Values": ["10.2.2.5", "10.2.0.4"]}],
)
sbc1 = [n for n in found if n["NetworkInterfaceId"] == "eni-0e000000000000001"]
check(len(found) == 2 and len(sbc1) == 1, f"address filter: {[n['NetworkInterfaceId'] for n in found]}")
sbc1 = sbc1[0]
check(sbc1["Attachment"]["InstanceId"] == "i-0e000000000000001", "sbc-1's attachment")
check([a["PrivateIpAddress"] for a in sbc1["PrivateIpAddresses"]] == ["10.2.2.4", "10.2.2.5", "10.2.2.6"], "secondaries")
check(sbc1["Ipv4Prefixes"] == [{"Ipv4Prefix": "10.2.2.16/28"}], "the delegated prefix")
print(f"ok   boto3 describe_network_interfaces ({len(enis)}, paged at 5 and 9, by address, a prefix)")

fleet = [{"Name": "subnet-id", "Values": [A1, A2]}]
reservations, _ = paged(us, "describe_instances", "Reservations", Filters=fleet)
ids = [i["InstanceId"] for r in reservations for i in r["Instances"]]
check(len(ids) > 10 and len(set(ids)) == len(ids), f"{len(ids)} instances in fleet-a and fleet-b")
again, pages = paged(us, "describe_instances", "Reservations", page_size=5, Filters=fleet)
check([i["InstanceId"] for r in again for i in r["Instances"]] == ids, "instances at page size 5")
check(pages == -(-len(ids) // 5), f"{pages} pages of 5 for {len(ids)} instances")
stopped, _ = paged(us, "describe_instances", "Reservations", Filters=[{"Name": "instance-state-name", "Values": ["stopped"]}])
check("i-0e000000000000002" in [i["InstanceId"] for r in stopped for i in r["Instances"]], "sbc-2 is stopped")
holder = us.describe_instances(
    Filters=[{"Name": "network-interface.addresses.private-ip-address", "Values": ["10.2.2.6"]}]
)["Reservations"]
check([i["InstanceId"] for r in holder for i in r["Instances"]] == ["i-0e000000000000001"], "who holds 10.2.2.6")
eu_ids = [i["InstanceId"] for r in paged(eu, "describe_instances", "Reservations")[0] for i in r["Instances"]]
check(eu_ids and not set(eu_ids) & set(ids), "eu-west-1 lists its own instances")
try:
    us.describe_instances(InstanceIds=["i-0e000000000000001", "i-0e00000000000000f"])
    check(False, "an unknown instance id was accepted")
except ClientError as e:
    check(e.response["Error"]["Code"] == "InvalidInstanceID.NotFound", f"wrong error {e.response['Error']}")
print(f"ok   boto3 describe_instances ({len(ids)} in two subnets, paged at 5, by state, by address)")
print("all boto3 EC2 checks passed")
