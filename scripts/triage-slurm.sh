#!/usr/bin/env bash
# Triage a fleet's dumps on a Slurm cluster: the dump list is split over a job array, each array
# task runs `panicscope triage --json -j $SLURM_CPUS_PER_TASK` over its shard into a JSON-lines
# file, and a merge job that depends on the whole array concatenates the shards into one result
# and groups it (`triage --group --from-json`), as `triage DIR...` on one machine would.
#
# usage: scripts/triage-slurm.sh [options] DIR|DUMP... [--list FILE]
#   --out DIR          where the list, the shards and the results go (default: ./triage-JOBTIME)
#   --tasks N          array tasks (default 4; never more than there are dumps)
#   --cpus N           CPUs per task, the workers each task runs (default 2)
#   --list FILE        dumps to triage, one path a line (with or besides DIR/DUMP arguments)
#   --vmlinux FILE, --debug-dir DIR, --module-dir DIR, --timeout S, --no-cache
#                      passed to every `panicscope triage`
#   --panicscope BIN   the binary every node runs (default: panicscope on PATH, else this tree's
#                      build/cli/panicscope); it and the dumps must be at the same path on the nodes
#   --wait             wait for the merge job and print the grouping
#   --sbatch "ARGS"    more sbatch arguments for every job (e.g. "--partition=batch --time=1:00:00")
# Writes OUT/dumps.list, OUT/shard-I.jsonl, OUT/results.jsonl (every record, one a line),
# OUT/groups.txt and OUT/groups.jsonl; exit status of the merge job: 1 when any dump failed.
set -euo pipefail

die() { echo "triage-slurm: $*" >&2; exit 2; }

here=$(cd "$(dirname "$0")/.." && pwd)
out="" tasks=4 cpus=2 wait=0 sbatch_extra="" bin=""
inputs=() triage_opts=()
while [ $# -gt 0 ]; do
    case "$1" in
        --out) out=$2; shift 2 ;;
        --tasks) tasks=$2; shift 2 ;;
        --cpus) cpus=$2; shift 2 ;;
        --list) inputs+=(--list "$(realpath "$2")"); shift 2 ;;
        --vmlinux|--debug-dir|--module-dir)
            triage_opts+=("$1" "$(realpath "$2")"); shift 2 ;;
        --timeout) triage_opts+=("$1" "$2"); shift 2 ;;
        --no-cache) triage_opts+=("$1"); shift ;;
        --panicscope) bin=$(realpath "$2"); shift 2 ;;
        --wait) wait=1; shift ;;
        --sbatch) sbatch_extra=$2; shift 2 ;;
        -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
        -*) die "unknown option '$1' (see --help)" ;;
        *) inputs+=("$(realpath "$1")"); shift ;;
    esac
done
[ ${#inputs[@]} -gt 0 ] || die "no DIR, DUMP or --list given (see --help)"
[[ "$tasks" =~ ^[1-9][0-9]*$ ]] || die "--tasks takes a positive number"
[[ "$cpus" =~ ^[1-9][0-9]*$ ]] || die "--cpus takes a positive number"
if [ -z "$bin" ]; then
    bin=$(command -v panicscope || true)
    [ -n "$bin" ] || bin="$here/build/cli/panicscope"
fi
[ -x "$bin" ] || die "no panicscope binary at $bin (give --panicscope BIN)"
command -v sbatch > /dev/null || die "sbatch not found: is this a Slurm submit host?"
out=$(realpath -m "${out:-triage-$(date +%Y%m%d-%H%M%S)}")
mkdir -p "$out"

# The list: directories searched by panicscope itself (dump files by their magic), so the array
# triages exactly what `triage DIR...` would.
"$bin" triage --dry-run "${inputs[@]}" > "$out/dumps.list"
count=$(wc -l < "$out/dumps.list")
[ "$count" -gt 0 ] || die "no dump found"
[ "$tasks" -le "$count" ] || tasks=$count

# Each task takes every TASKS-th line (round robin: shards of alike size whatever the order).
q() { [ $# -eq 0 ] || printf '%q ' "$@"; } # words for the job scripts, each with a space
o=$(printf %q "$out")
cat > "$out/task.sh" <<TASK
#!/usr/bin/env bash
set -uo pipefail
i=\$SLURM_ARRAY_TASK_ID
awk -v n=$tasks -v i="\$i" '(NR - 1) % n == i' $o/dumps.list > $o/shard-\$i.list
$(q "$bin") triage --json -j "\${SLURM_CPUS_PER_TASK:-1}" $(q "${triage_opts[@]}")--list $o/shard-\$i.list \\
    > $o/shard-\$i.jsonl.part
status=\$?
# 1: some dumps failed, each has its error record; the shard is whole.
[ \$status -le 1 ] && mv $o/shard-\$i.jsonl.part $o/shard-\$i.jsonl
exit \$(( status <= 1 ? 0 : status ))
TASK
cat > "$out/merge.sh" <<MERGE
#!/usr/bin/env bash
set -uo pipefail
cd $o
for i in \$(seq 0 $((tasks - 1))); do
    [ -f shard-\$i.jsonl ] || { echo "triage-slurm: array task \$i left no result (see slurm-*_\$i.out)" >&2; exit 2; }
done
cat \$(seq -f 'shard-%g.jsonl' 0 $((tasks - 1))) > results.jsonl.part && mv results.jsonl.part results.jsonl
$(q "$bin") triage --group --json --from-json results.jsonl > groups.jsonl
$(q "$bin") triage --group --from-json results.jsonl > groups.txt
MERGE
chmod +x "$out/task.sh" "$out/merge.sh"

# shellcheck disable=SC2086 # --sbatch holds several arguments
array=$(sbatch --parsable $sbatch_extra --job-name=panicscope-triage --array=0-$((tasks - 1)) \
        --cpus-per-task="$cpus" --output="$out/slurm-%A_%a.out" "$out/task.sh")
array=${array%%;*}
merge_args=(--parsable --job-name=panicscope-triage-merge --dependency=afterany:"$array"
            --output="$out/slurm-merge-%j.out")
[ $wait -eq 1 ] && merge_args+=(--wait)
echo "triage-slurm: $count dumps in $tasks array tasks: job $array; results in $out" >&2
set +e
# shellcheck disable=SC2086
merge=$(sbatch "${merge_args[@]}" $sbatch_extra "$out/merge.sh")
status=$?
set -e
echo "triage-slurm: merge job ${merge%%;*}" >&2
if [ $wait -eq 1 ]; then
    [ -f "$out/groups.txt" ] && cat "$out/groups.txt"
    exit $status
fi
