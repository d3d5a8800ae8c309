#!/usr/bin/env bash
# Drives the unmodified AWS CLI against a fresh `portolan emulator` and checks that listing,
# describing, creating and paging behave as they do against AWS; then the emulator's EC2 subset
# with the AWS CLI and with boto3 (scripts/ec2-boto3-check.py).
#
#   scripts/aws-cli-check.sh            # uses `aws` from PATH, or installs the AWS CLI from PyPI
#                                       # into target/aws-cli-venv when it is missing; boto3 from
#                                       # the same Python, or installed into that venv
#
# Exits 0 when every check passes (and when the packages cannot be installed: skipped); prints
# which check failed otherwise.
set -euo pipefail
cd "$(dirname "$0")/.."

AWS=${AWS:-$(command -v aws || true)}
if [ -z "$AWS" ]; then
  venv=target/aws-cli-venv
  if [ ! -x "$venv/bin/aws" ]; then
    python3 -m venv "$venv" && "$venv/bin/pip" install -q awscli || {
      echo "aws-cli-check: the AWS CLI is not installed and could not be installed; skipped" >&2
      exit 0
    }
  fi
  AWS=$venv/bin/aws
fi

cargo build -q --bin portolan
fixture=tests/fixtures/small.toml
out=$(mktemp)
target/debug/portolan emulator --topology "$fixture" >"$out" 2>/dev/null &
pid=$!
ec2pid=
trap 'kill $pid $ec2pid 2>/dev/null || true; rm -f "$out" "$out.ec2"' EXIT
for _ in $(seq 1 100); do [ -s "$out" ] && break; sleep 0.05; done
url=$(head -n1 "$out")
echo "emulator at $url"

export AWS_ACCESS_KEY_ID=AKIDEXAMPLE AWS_SECRET_ACCESS_KEY=secret AWS_DEFAULT_REGION=us-west-2
export AWS_EC2_METADATA_DISABLED=true AWS_PAGER=""
ga() { "$AWS" --endpoint-url "$url" --output json globalaccelerator "$@"; }
py() { python3 -c "$1"; }
fail() { echo "FAIL: $*" >&2; exit 1; }

accs=$(ga list-custom-routing-accelerators)
n=$(echo "$accs" | py 'import json,sys; print(len(json.load(sys.stdin)["Accelerators"]))')
[ "$n" -ge 2 ] || fail "expected the fixture's accelerators, got $n"
# Paging by one item at a time must give the same list.
paged=$(ga list-custom-routing-accelerators --page-size 1)
[ "$(echo "$paged" | py 'import json,sys; print(sorted(a["AcceleratorArn"] for a in json.load(sys.stdin)["Accelerators"]))')" \
  = "$(echo "$accs" | py 'import json,sys; print(sorted(a["AcceleratorArn"] for a in json.load(sys.stdin)["Accelerators"]))')" ] \
  || fail "paged accelerators differ"
echo "ok   list-custom-routing-accelerators ($n, also with --page-size 1)"

acc=$(echo "$accs" | py 'import json,sys; print(json.load(sys.stdin)["Accelerators"][0]["AcceleratorArn"])')
name=$(ga describe-custom-routing-accelerator --accelerator-arn "$acc" | py 'import json,sys; print(json.load(sys.stdin)["Accelerator"]["Name"])')
[ -n "$name" ] || fail "describe gave no name"
echo "ok   describe-custom-routing-accelerator ($name)"

lis=$(ga list-custom-routing-listeners --accelerator-arn "$acc" | py 'import json,sys; print(json.load(sys.stdin)["Listeners"][0]["ListenerArn"])')
echo "ok   list-custom-routing-listeners"

full=$(ga list-custom-routing-port-mappings --accelerator-arn "$acc")
paged=$(ga list-custom-routing-port-mappings --accelerator-arn "$acc" --page-size 7)
check='import json,sys
a=json.load(open(sys.argv[1]))["PortMappings"]; b=json.load(open(sys.argv[2]))["PortMappings"]
key=lambda m:(m["AcceleratorPort"],m["EndpointId"],m["DestinationSocketAddress"]["IpAddress"],m["DestinationSocketAddress"]["Port"])
ports=[m["AcceleratorPort"] for m in a]
assert len(a)>0, "no mappings"
assert len(set(ports))==len(ports), "accelerator ports repeat"
assert sorted(map(key,a))==sorted(map(key,b)), "paging at 7 differs from one call"
print(len(a))'
echo "$full" >"$out.a"; echo "$paged" >"$out.b"
count=$(python3 -c "$check" "$out.a" "$out.b") || fail "port mappings"
rm -f "$out.a" "$out.b"
echo "ok   list-custom-routing-port-mappings ($count mappings, same with --page-size 7)"

first=$(echo "$full" | py 'import json,sys; m=json.load(sys.stdin)["PortMappings"][0]; print(m["EndpointId"], m["DestinationSocketAddress"]["IpAddress"], m["AcceleratorPort"])')
read -r subnet ip port <<<"$first"
bydest=$(ga list-custom-routing-port-mappings-by-destination --endpoint-id "$subnet" --destination-address "$ip")
echo "$bydest" | py "import json,sys
d=json.load(sys.stdin)['DestinationPortMappings']
assert any(s['Port']==$port for m in d for s in m['AcceleratorSocketAddresses']), 'by-destination misses the mapping'" \
  || fail "by-destination"
echo "ok   list-custom-routing-port-mappings-by-destination ($subnet $ip)"

token=cli-check-$$
create() {
  ga create-custom-routing-endpoint-group --listener-arn "$lis" --endpoint-group-region ca-central-1 \
    --destination-configurations FromPort=7000,ToPort=7010,Protocols=UDP --idempotency-token "$token"
}
g1=$(create | py 'import json,sys; print(json.load(sys.stdin)["EndpointGroup"]["EndpointGroupArn"])')
g2=$(create | py 'import json,sys; print(json.load(sys.stdin)["EndpointGroup"]["EndpointGroupArn"])')
[ "$g1" = "$g2" ] || fail "same idempotency token created two groups"
ga describe-custom-routing-endpoint-group --endpoint-group-arn "$g1" >/dev/null
echo "ok   create-custom-routing-endpoint-group (idempotent retry returns $g1)"

if err=$(ga create-custom-routing-endpoint-group --listener-arn "$lis" --endpoint-group-region ca-central-1 \
    --destination-configurations FromPort=7000,ToPort=7010,Protocols=UDP --idempotency-token other-$$ 2>&1); then
  fail "a second group in one region was accepted"
fi
echo "$err" | grep -q EndpointGroupAlreadyExistsException || fail "wrong error: $err"
echo "ok   EndpointGroupAlreadyExistsException reaches the AWS CLI by name"

if err=$(ga describe-custom-routing-accelerator --accelerator-arn "${acc%/*}/00000000-0000-4000-8000-000000000000" 2>&1); then
  fail "unknown accelerator described"
fi
echo "$err" | grep -q AcceleratorNotFoundException || fail "wrong error: $err"
echo "ok   AcceleratorNotFoundException"

# EC2, on its own account: the first DescribeSubnets is refused, the first two
# DescribeNetworkInterfaces are throttled (the CLI retries them).
target/debug/portolan emulator --topology tests/fixtures/ec2.toml \
  --fault 'DescribeSubnets:error=UnauthorizedOperation#1' --fault 'DescribeNetworkInterfaces:throttle#2' \
  >"$out.ec2" 2>/dev/null &
ec2pid=$!
for _ in $(seq 1 100); do [ -s "$out.ec2" ] && break; sleep 0.05; done
ec2url=$(head -n1 "$out.ec2")
ec2() { "$AWS" --endpoint-url "$ec2url" --region us-east-1 --output json ec2 "$@"; }
ids() { py "import json,sys; d=json.load(sys.stdin); print(' '.join($1))"; }

if err=$(ec2 describe-subnets 2>&1); then fail "an injected UnauthorizedOperation was not answered"; fi
echo "$err" | grep -q UnauthorizedOperation || fail "wrong error: $err"
echo "ok   ec2 UnauthorizedOperation reaches the AWS CLI by name"
subnets=$(ec2 describe-subnets | ids 's["SubnetId"] for s in d["Subnets"]')
[ "$subnets" = "subnet-0e0000000000000a1 subnet-0e0000000000000a2 subnet-0e0000000000000a3 subnet-0e0000000000000a4" ] \
  || fail "us-east-1 subnets: $subnets"
eu=$("$AWS" --endpoint-url "$ec2url" --region eu-west-1 --output json ec2 describe-subnets | ids 's["SubnetId"] for s in d["Subnets"]')
[ "$eu" = "subnet-0e0000000000000b1" ] || fail "eu-west-1 subnets: $eu"
named=$(ec2 describe-subnets --filters 'Name=tag:Name,Values=fleet-*' Name=availability-zone,Values=us-east-1b \
  | ids 's["SubnetId"] for s in d["Subnets"]')
[ "$named" = "subnet-0e0000000000000a2" ] || fail "filtered subnets: $named"
if err=$(ec2 describe-subnets --subnet-ids subnet-0e0000000000000a1 subnet-0e00000000000ffff 2>&1); then
  fail "an unknown subnet id was accepted"
fi
echo "$err" | grep -q 'InvalidSubnetID.NotFound' || fail "wrong error: $err"
echo "ok   ec2 describe-subnets (the signed region's, --filters, --subnet-ids with an unknown id refused)"

enis=$(ec2 describe-network-interfaces --filters Name=addresses.private-ip-address,Values=10.2.2.5 \
  | ids 'n["NetworkInterfaceId"] + ":" + ",".join(p["Ipv4Prefix"] for p in n["Ipv4Prefixes"]) for n in d["NetworkInterfaces"]')
[ "$enis" = "eni-0e000000000000001:10.2.2.16/28" ] || fail "interface holding 10.2.2.5: $enis"
echo "ok   ec2 describe-network-interfaces --filters Name=addresses.private-ip-address (after two throttled tries)"

fleet=(--filters Name=subnet-id,Values=subnet-0e0000000000000a1)
all=$(ec2 describe-instances "${fleet[@]}" | ids 'i["InstanceId"] for r in d["Reservations"] for i in r["Instances"]')
paged=$(ec2 describe-instances "${fleet[@]}" --page-size 5 | ids 'i["InstanceId"] for r in d["Reservations"] for i in r["Instances"]')
[ -n "$all" ] && [ "$all" = "$paged" ] || fail "describe-instances at --page-size 5 differs"
first=$(ec2 describe-instances "${fleet[@]}" --page-size 5 --max-items 7)
token=$(echo "$first" | py 'import json,sys; print(json.load(sys.stdin)["NextToken"])')
rest=$(ec2 describe-instances "${fleet[@]}" --page-size 5 --starting-token "$token" | ids 'i["InstanceId"] for r in d["Reservations"] for i in r["Instances"]')
joined="$(echo "$first" | ids 'i["InstanceId"] for r in d["Reservations"] for i in r["Instances"]') $rest"
[ "$joined" = "$all" ] || fail "--max-items 7 then --starting-token differs from one listing"
n=$(echo "$all" | wc -w)
echo "ok   ec2 describe-instances --filters Name=subnet-id ($n, the same at --page-size 5 and by --max-items 7)"

PY=python3
if ! "$PY" -c 'import boto3' 2>/dev/null; then
  venv=target/aws-cli-venv
  [ -x "$venv/bin/python" ] || python3 -m venv "$venv" 2>/dev/null || true
  if [ -x "$venv/bin/python" ] && { "$venv/bin/python" -c 'import boto3' 2>/dev/null || "$venv/bin/pip" install -q boto3; }; then
    PY=$venv/bin/python
  else
    PY=
  fi
fi
if [ -n "$PY" ]; then
  "$PY" scripts/ec2-boto3-check.py "$ec2url" || fail "boto3 against the EC2 subset"
else
  echo "aws-cli-check: boto3 is not installed and could not be installed; the boto3 checks are skipped" >&2
fi
echo "all AWS CLI checks passed"
