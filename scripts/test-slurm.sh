#!/usr/bin/env bash
# The Slurm launcher on a real one-node cluster: installs Debian's slurm-wlm and munge if
# missing, starts munged, slurmctld and slurmd on localhost (2 CPUs, select/cons_tres,
# proctrack/linuxproc: no cgroups), triages one kdump per scenario of the main kernel plus a file
# that is no dump as an array of 3 tasks (scripts/triage-slurm.sh --wait), and checks that the
# merged records and grouping equal the single-machine batch of the same list (records by path,
# "cached" left out). Stops the daemons it started. Needs root (CI is root).
#
# usage: scripts/test-slurm.sh PANICSCOPE_BINARY MANIFEST   (MANIFEST: the manifest, or the file
#        that holds its path, as ctest's generate_dumps fixture leaves it)
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
[ $# -eq 2 ] || { echo "usage: $0 PANICSCOPE_BINARY MANIFEST" >&2; exit 2; }
bin=$(realpath "$1")
manifest=$2
head -c 6 "$manifest" | grep -q '^kernel' || manifest=$(tail -n 1 "$manifest")
[ "$(id -u)" -eq 0 ] || { echo "test-slurm: needs root: it starts munged, slurmctld, slurmd" >&2; exit 1; }
started=$(date +%s.%N)
"$here/scripts/install-deps.sh" --slurm

tmp=$(mktemp -d /tmp/panicscope-slurm.XXXXXX)
chmod 0755 "$tmp" # munged runs as munge and reaches its socket through it
pids=()
cleanup() {
    # Only what this script started, by pid.
    [ -n "${SLURM_CONF:-}" ] && scontrol shutdown > /dev/null 2>&1 || true
    for pidfile in "$tmp/slurmd.pid" "$tmp/slurmctld.pid" "$tmp/munged.pid"; do
        pid=$(cat "$pidfile" 2> /dev/null || true)
        [ -n "$pid" ] && kill "$pid" 2> /dev/null || true
    done
    sleep 0.5
    rm -rf "$tmp"
}
trap cleanup EXIT

# munged as its own user, on a socket of ours (the system's, if any, is left alone).
mkdir -p "$tmp/munge"
chown munge: "$tmp/munge"
chmod 0755 "$tmp/munge" # munged wants its socket directory reachable by everyone
runuser -u munge -- /usr/sbin/munged --socket="$tmp/munge/socket" --pid-file="$tmp/munge/pid" \
    --log-file="$tmp/munge/log" --seed-file="$tmp/munge/seed"
cp "$tmp/munge/pid" "$tmp/munged.pid"

host=$(hostname -s)
mkdir -p "$tmp/state" "$tmp/spool"
export SLURM_CONF="$tmp/slurm.conf"
cat > "$SLURM_CONF" <<CONF
ClusterName=panicscope-test
SlurmctldHost=$host(127.0.0.1)
SlurmctldPort=16817
SlurmdPort=16818
SlurmUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$tmp/munge/socket
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
SchedulerType=sched/builtin
ReturnToService=2
MpiDefault=none
JobCompType=jobcomp/none
AccountingStorageType=accounting_storage/none
JobAcctGatherType=jobacct_gather/none
StateSaveLocation=$tmp/state
SlurmdSpoolDir=$tmp/spool
SlurmctldPidFile=$tmp/slurmctld.pid
SlurmdPidFile=$tmp/slurmd.pid
SlurmctldLogFile=$tmp/slurmctld.log
SlurmdLogFile=$tmp/slurmd.log
NodeName=$host NodeAddr=127.0.0.1 CPUs=2 State=UNKNOWN
PartitionName=test Nodes=$host Default=YES MaxTime=INFINITE State=UP
CONF
slurmctld -f "$SLURM_CONF"
slurmd -f "$SLURM_CONF" -N "$host"
for _ in $(seq 100); do
    state=$(sinfo -h -o %t 2> /dev/null || true)
    [ "$state" = idle ] && break
    sleep 0.2
done
[ "$state" = idle ] || { echo "test-slurm: the node did not come up ($state)" >&2; tail "$tmp"/*.log >&2; exit 1; }

# One kdump per scenario of the main kernel, and a file that is no dump.
main=6.1.0-56-cloud-amd64
awk -F'\t' -v k=$main 'NR > 1 && $1 == k && $3 == "kdump" && $2 != "scale" {print $5}' \
    "$manifest" > "$tmp/list"
vmlinux=$(awk -F'\t' -v k=$main 'NR > 1 && $1 == k {print $7; exit}' "$manifest")
echo "no dump" > "$tmp/not-a-dump"
echo "$tmp/not-a-dump" >> "$tmp/list"
export PANICSCOPE_TRIAGE_CACHE_DIR="$tmp/cache" # sbatch passes the environment on

elapsed() { echo "$(date +%s.%N) - $started" | bc | xargs printf '%.1f'; }
echo "test-slurm: cluster up at $(elapsed) s" >&2
set +e
"$here/scripts/triage-slurm.sh" --panicscope "$bin" --out "$tmp/out" --tasks 3 --cpus 1 \
    --vmlinux "$vmlinux" --list "$tmp/list" --wait > "$tmp/slurm-groups.txt"
slurm_status=$?
echo "test-slurm: the array and its merge done at $(elapsed) s" >&2
"$bin" triage --json --no-cache --vmlinux "$vmlinux" --list "$tmp/list" > "$tmp/single.jsonl"
single_status=$?
echo "test-slurm: the single-machine batch done at $(elapsed) s" >&2
"$bin" triage --group --json --from-json "$tmp/single.jsonl" > "$tmp/single-groups.jsonl"
set -e
[ $slurm_status -eq 1 ] && [ $single_status -eq 1 ] || {
    echo "test-slurm: exit statuses $slurm_status (slurm), $single_status (single); 1 expected (one bad file)" >&2
    cat "$tmp"/out/slurm-*.out >&2 || true
    exit 1
}
python3 - "$tmp" "$(wc -l < "$tmp/list")" <<'PY'
import json, sys
tmp, count = sys.argv[1], int(sys.argv[2])
def records(path):
    out = [json.loads(line) for line in open(path) if line.strip()]
    for r in out:
        r.pop("cached", None)
    return sorted(out, key=lambda r: r["path"])
merged, single = records(f"{tmp}/out/results.jsonl"), records(f"{tmp}/single.jsonl")
assert len(merged) == count, f"{len(merged)} merged records for {count} inputs"
assert [r["path"] for r in merged] == sorted(l.strip() for l in open(f"{tmp}/list")), "paths"
assert merged == single, "the merged records differ from the single-machine batch"
assert sum("error" in r for r in merged) == 1, "exactly the bad file fails"
groups = [json.loads(l) for l in open(f"{tmp}/out/groups.jsonl")]
assert groups == [json.loads(l) for l in open(f"{tmp}/single-groups.jsonl")], "groups differ"
assert sum(g["count"] for g in groups) == count, "group counts"
shards = sum(1 for i in range(3) if open(f"{tmp}/out/shard-{i}.jsonl").read())
assert shards == 3, f"{shards} of 3 array tasks gave records"
print(f"test-slurm: {count} inputs in 3 array tasks: merged result and {len(groups)} groups equal the single-machine batch")
PY
grep -q "^COUNT  SIGNATURE" "$tmp/slurm-groups.txt"
echo "test-slurm: passed in $(elapsed) s"
