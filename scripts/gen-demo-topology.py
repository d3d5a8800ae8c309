#!/usr/bin/env python3
"""Writes assets/demo-topology.toml, the account `portolan --demo` starts from.

Deterministic (fixed seed): the same file, ARNs and mappings on every run. The account is
realistic and big: 24 custom routing accelerators for game servers and VoIP, most holding tens
of thousands of mappings, one nearly full (> 60,000 of its 65,535 possible ports), more than
1,000,000 mappings in all, endpoint groups in seven regions, subnets from /28 to /20 plus spare
ones in every region, some destinations denied, one subnet attached to two accelerators and two
accelerators disabled. For EC2: every subnet's VPC, zone and Name, and where the emulator runs
instances by rule (most destinations, a few ALLOWed addresses without one, one subnet denying
all traffic to running instances).

The script checks the rules the emulator enforces (listener capacity, overlaps, one group per
region per listener, subnets in their group's region) and prints the totals.

    python3 scripts/gen-demo-topology.py            # rewrites assets/demo-topology.toml
"""
import hashlib
import ipaddress
import pathlib
import random

ACCOUNT = "111122223333"
REGIONS = ["us-east-1", "us-west-2", "eu-west-1", "eu-central-1", "ap-northeast-1", "ap-southeast-2", "sa-east-1"]
rng = random.Random(20261125)

subnets = []  # dicts: id, region, cidr
cursor = {r: int(ipaddress.IPv4Address(f"10.{i * 16}.0.0")) for i, r in enumerate(REGIONS)}


def subnet_id(n):
    return "subnet-0" + hashlib.sha256(f"demo-subnet-{n}".encode()).hexdigest()[:16]


def new_subnet(region, prefix):
    size = 1 << (32 - prefix)
    start = (cursor[region] + size - 1) // size * size
    cursor[region] = start + size
    net = ipaddress.IPv4Network((start, prefix))
    s = {"id": subnet_id(len(subnets)), "region": region, "cidr": str(net), "usable": size - 5}
    subnets.append(s)
    return s


GAME = [[(7777, 7786, ["UDP"])], [(7000, 7007, ["UDP"]), (7100, 7101, ["TCP"])], [(27015, 27030, ["UDP", "TCP"])]]
VOIP = [[(5060, 5061, ["TCP", "UDP"]), (10000, 10009, ["UDP"])], [(3478, 3481, ["UDP", "TCP"]), (49152, 49159, ["UDP"])]]

NAMES = [
    ("game-eu-central", GAME, True), ("game-us-east", GAME, True), ("game-ap-tokyo", GAME, True),
    ("matchmaker-global", GAME, True), ("battle-royale-na", GAME, True), ("battle-royale-eu", GAME, True),
    ("racing-sim-global", GAME, True), ("mmo-shards-eu", GAME, True), ("mmo-shards-us", GAME, True),
    ("mmo-shards-apac", GAME, True), ("esports-arena", GAME, True), ("fps-ranked", GAME, True),
    ("chess-live", GAME, True), ("party-games-sa", GAME, True), ("voip-sbc-edge", VOIP, True),
    ("voip-media-eu", VOIP, True), ("voice-chat-us", VOIP, True), ("webrtc-turn-us", VOIP, True),
    ("webrtc-turn-eu", VOIP, True), ("sip-trunks", VOIP, True), ("voip-core", VOIP, True),
    ("conference-bridge", VOIP, True), ("fps-ranked-staging", GAME, False), ("legacy-voip", VOIP, False),
]
NEARLY_FULL = "voip-core"

accelerators = []
shared = None
for i, (name, kinds, enabled) in enumerate(NAMES):
    team = "voice" if kinds is VOIP else "games"
    acc = {"name": name, "enabled": enabled, "tags": {"team": team, "env": "prod" if enabled else "staging", "cost-center": f"cc-{1000 + i * 7}"}, "listeners": []}
    if name == NEARLY_FULL:
        # A /20 (4,091 usable) x 15 destination ports = 61,365 of the listener's 64,512 ports.
        listener = {"ranges": [(1024, 65535)], "groups": []}
        s = new_subnet("us-east-1", 20)
        listener["groups"].append({"region": "us-east-1", "dests": [(5060, 5061, ["TCP", "UDP"]), (10000, 10012, ["UDP"])], "endpoints": [{"subnet": s, "allow_all": True, "denied": []}]})
        acc["listeners"].append(listener)
        accelerators.append(acc)
        continue
    # One or two listeners splitting the upper port space.
    if rng.random() < 0.3:
        listeners = [{"ranges": [(1024, 30999)], "groups": []}, {"ranges": [(31000, 65000)], "groups": []}]
    else:
        listeners = [{"ranges": [(1024, 20999), (40000, 65535)], "groups": []}]
    target = rng.randint(42_000, 62_000)
    total = 0
    for j, listener in enumerate(listeners):
        capacity = sum(b - a + 1 for a, b in listener["ranges"])
        used = 0
        regions = rng.sample(REGIONS, rng.randint(2, 4))
        dests = rng.choice(kinds)
        ports = sum(b - a + 1 for a, b, _ in dests)
        budget = min(capacity - 3000, (target - total) // (len(listeners) - j))
        for region in regions:
            group = {"region": region, "dests": dests, "endpoints": []}
            listener["groups"].append(group)
            for _ in range(rng.randint(4, 10)):
                prefix = rng.choice([28, 26, 25, 24, 24, 23, 22])
                need = ((1 << (32 - prefix)) - 5) * ports
                if used + need > budget:
                    continue
                s = new_subnet(region, prefix)
                roll = rng.random()
                endpoint = {"subnet": s, "allow_all": roll > 0.12, "denied": []}
                if endpoint["allow_all"] and roll < 0.3:
                    base = ipaddress.IPv4Network(s["cidr"]).network_address
                    endpoint["denied"] = [str(base + 4 + k) for k in rng.sample(range(s["usable"]), min(3, s["usable"]))]
                group["endpoints"].append(endpoint)
                used += need
        total += used
    acc["listeners"] = listeners
    accelerators.append(acc)

# One subnet in two accelerators: the first us-east-1 /24 of game-us-east joins voice-chat-us.
donor = next(a for a in accelerators if a["name"] == "game-us-east")
taker = next(a for a in accelerators if a["name"] == "voice-chat-us")
candidates = [e["subnet"] for l in donor["listeners"] for g in l["groups"] for e in g["endpoints"] if g["region"] == "us-east-1"]
if not candidates:
    s = new_subnet("us-east-1", 24)
    donor["listeners"][0]["groups"].append({"region": "us-east-1", "dests": GAME[0], "endpoints": [{"subnet": s, "allow_all": True, "denied": []}]})
    candidates = [s]
shared = min(candidates, key=lambda s: s["usable"])
group = next((g for l in taker["listeners"] for g in l["groups"] if g["region"] == "us-east-1"), None)
if group is None:
    group = {"region": "us-east-1", "dests": VOIP[0], "endpoints": []}
    taker["listeners"][0]["groups"].append(group)
group["endpoints"].append({"subnet": shared, "allow_all": True, "denied": []})

# A few /28s attached here and there, and spare subnets (in no group) in every region.
for region in REGIONS:
    for prefix in (28, 26, 24):
        new_subnet(region, prefix)

# EC2, from a generator of its own so the Global Accelerator part above stays as it was: each
# subnet's VPC (one per region and team), zone (round robin over the region's three) and Name,
# and the emulator's instance rule (see src/emulator/ec2/hosts.rs) switched on where servers run:
# - every subnet some endpoint group ALLOWs all traffic to, and the spare /24 of every region;
# - addresses a group denies are vacant (their servers are gone), except in one subnet, where
#   servers still run behind the denied addresses;
# - a few ALLOWed addresses are vacant: traffic reaches addresses no interface holds;
# - one subnet that denies all traffic holds instances all the same.
ec2 = random.Random(20261126)
ZONES = {r: [f"{r}{z}" for z in ("acd" if r == "ap-northeast-1" else "abc")] for r in REGIONS}
uses = {}  # subnet id -> [(accelerator, endpoint)]
for acc in accelerators:
    for l in acc["listeners"]:
        for g in l["groups"]:
            for e in g["endpoints"]:
                uses.setdefault(e["subnet"]["id"], []).append((acc, e))
per_region = {r: 0 for r in REGIONS}
per_name = {}
for s in subnets:
    used = uses.get(s["id"], [])
    team = ("voice" if used[0][0]["tags"]["team"] == "voice" else "games") if used else "games"
    s["vpc"] = "vpc-0" + hashlib.sha256(f"demo-vpc-{s['region']}-{team}".encode()).hexdigest()[:16]
    s["zone"] = ZONES[s["region"]][per_region[s["region"]] % 3]
    per_region[s["region"]] += 1
    base = used[0][0]["name"] if used else f"spare-{s['region']}"
    per_name[base] = per_name.get(base, 0) + 1
    s["name"] = f"{base}-{per_name[base]:02}"
    s["generate"] = any(e["allow_all"] for _, e in used) or (not used and s["cidr"].endswith("/24"))
    s["vacant"] = sorted({d for _, e in used for d in e["denied"]}, key=ipaddress.IPv4Address)


def enabled(acc):
    return acc["enabled"]


def sole(s):
    return len(uses.get(s["id"], [])) == 1


# Servers still running behind denied addresses: the first such subnet of an enabled accelerator.
running_denied = next(s for s in subnets if s["vacant"] and sole(s) and enabled(uses[s["id"]][0][0]))
running_denied["vacant"] = []
# One subnet that denies all traffic while its instances run.
denying = next(s for s in subnets if sole(s) and not uses[s["id"]][0][1]["allow_all"] and enabled(uses[s["id"]][0][0]) and s["cidr"].endswith("/24"))
denying["generate"] = True
# ALLOWed addresses no interface holds: two in each of four subnets of four regions.
exposed = []
for region in ["us-east-1", "eu-west-1", "ap-northeast-1", "sa-east-1"]:
    pool = [s for s in subnets if s["region"] == region and s["generate"] and sole(s) and not s["vacant"]
            and uses[s["id"]][0][1]["allow_all"] and enabled(uses[s["id"]][0][0]) and s["usable"] >= 59]
    s = ec2.choice(pool)
    first = ipaddress.IPv4Network(s["cidr"]).network_address + 4
    s["vacant"] = [str(first + k) for k in sorted(ec2.sample(range(1, s["usable"]), 2))]
    exposed.append(s)

# Checks of the rules the emulator enforces, and the totals.
grand = 0
per_acc = []
for acc in accelerators:
    acc_total = 0
    seen_ranges = []
    for l in acc["listeners"]:
        for a, b in l["ranges"]:
            assert b - a + 1 >= 16
            assert all(b < x or a > y for x, y in seen_ranges), acc["name"]
            seen_ranges.append((a, b))
        capacity = sum(b - a + 1 for a, b in l["ranges"])
        regions = [g["region"] for g in l["groups"]]
        assert len(regions) == len(set(regions)), acc["name"]
        used = 0
        for g in l["groups"]:
            ports = sum(b - a + 1 for a, b, _ in g["dests"])
            for e in g["endpoints"]:
                assert e["subnet"]["region"] == g["region"]
                used += e["subnet"]["usable"] * ports
        assert used <= capacity, (acc["name"], used, capacity)
        acc_total += used
    per_acc.append((acc["name"], acc_total))
    grand += acc_total
assert len(accelerators) >= 20
assert max(t for _, t in per_acc) > 60_000
assert grand > 1_000_000, grand


def toml_str(s):
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


out = [
    "# The demo account that `portolan --demo` and `portolan emulator` start from.",
    "# Generated by scripts/gen-demo-topology.py; edit the script, not this file.",
    f"# {len(accelerators)} accelerators, {len(subnets)} subnets, {grand} port mappings.",
    f"account_id = {toml_str(ACCOUNT)}",
    "",
]
for s in subnets:
    out += ["[[subnets]]", f"id = {toml_str(s['id'])}", f"region = {toml_str(s['region'])}", f"cidr = {toml_str(s['cidr'])}"]
    out += [f"vpc_id = {toml_str(s['vpc'])}", f"availability_zone = {toml_str(s['zone'])}", f"name = {toml_str(s['name'])}"]
    if s["generate"]:
        out.append("generate_instances = true")
    if s["vacant"]:
        out.append("vacant = [" + ", ".join(toml_str(a) for a in s["vacant"]) + "]")
    out.append("")
for acc in accelerators:
    tags = ", ".join(f"{toml_str(k)} = {toml_str(v)}" for k, v in acc["tags"].items())
    out += ["[[accelerators]]", f"name = {toml_str(acc['name'])}", f"enabled = {'true' if acc['enabled'] else 'false'}", f"tags = {{ {tags} }}", ""]
    for l in acc["listeners"]:
        ranges = ", ".join(f"{{ from = {a}, to = {b} }}" for a, b in l["ranges"])
        out += ["[[accelerators.listeners]]", f"port_ranges = [{ranges}]", ""]
        for g in l["groups"]:
            dests = ", ".join(f"{{ from = {a}, to = {b}, protocols = [{', '.join(toml_str(p) for p in ps)}] }}" for a, b, ps in g["dests"])
            out += ["[[accelerators.listeners.endpoint_groups]]", f"region = {toml_str(g['region'])}", f"destinations = [{dests}]", "endpoints = ["]
            for e in g["endpoints"]:
                fields = [f"subnet = {toml_str(e['subnet']['id'])}", f"allow_all = {'true' if e['allow_all'] else 'false'}"]
                if e["denied"]:
                    fields.append("denied_addresses = [" + ", ".join(toml_str(d) for d in e["denied"]) + "]")
                out.append("  { " + ", ".join(fields) + " },")
            out += ["]", ""]

path = pathlib.Path(__file__).resolve().parent.parent / "assets" / "demo-topology.toml"
path.write_text("\n".join(out))
for name, total in per_acc:
    print(f"{name:22} {total:7}")
print(f"{'total':22} {grand:7}  ({len(subnets)} subnets) -> {path.name}")
print(f"instances by rule in {sum(s['generate'] for s in subnets)} subnets")
print(f"  denies all traffic, instances run: {denying['id']} {denying['cidr']} {denying['name']}")
print(f"  denied addresses with servers running: {running_denied['id']} {running_denied['name']}")
for s in exposed:
    print(f"  ALLOWed, no interface: {s['id']} {s['name']} {', '.join(s['vacant'])}")
