#!/usr/bin/env bash
# A single-node Slurm cluster in a directory this script owns, for tests and local trials.
#
#   scripts/slurm/cluster.sh start DIR   installs slurm-wlm + munge when missing (apt-get, as
#                                        root), writes DIR/slurm.conf, starts munged, slurmctld
#                                        and slurmd with every file under DIR, waits until the
#                                        node is idle, prints `export SLURM_CONF=DIR/slurm.conf`
#   scripts/slurm/cluster.sh stop DIR    stops the three daemons by the PIDs in DIR (nothing else)
#
# Everything is local to DIR: munge's key and socket, Slurm's state, spool, logs and ports (two
# free ones are picked, so a second cluster or a left-over one does not collide). Clients find the
# cluster through SLURM_CONF. The daemons run as root (SlurmUser=root), munged as `munge`, as the
# Debian package expects. Without systemd; tested with Debian slurm-wlm 22.05 and munge 0.5.15.
set -euo pipefail

usage() { echo "usage: $0 start|stop DIR" >&2; exit 2; }
[ "$#" -eq 2 ] || usage
action="$1"
dir="$2"
here="$(cd "$(dirname "$0")" && pwd)"

log() { echo "slurm-cluster: $*" >&2; }
die() { log "$*"; exit 1; }

stop_pidfile() {
  local file="$1" name="$2" pid
  [ -s "$file" ] || return 0
  pid="$(cat "$file")"
  if [[ "$pid" =~ ^[0-9]+$ ]] && kill -0 "$pid" 2>/dev/null; then
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    if kill -0 "$pid" 2>/dev/null; then
      log "$name (pid $pid) did not stop on SIGTERM; sending SIGKILL"
      kill -9 "$pid" 2>/dev/null || true
    fi
  fi
  rm -f "$file"
}

stop_cluster() {
  [ -d "$dir" ] || return 0
  stop_pidfile "$dir/slurmd.pid" slurmd
  stop_pidfile "$dir/slurmctld.pid" slurmctld
  stop_pidfile "$dir/munge/munged.pid" munged
}

free_port() {
  # The first port from $1 upward that nothing listens on (TCP), skipping $2.
  local port="$1" skip="${2:-}"
  while :; do
    if [ "$port" != "$skip" ] && ! ss -Htln "sport = :$port" | grep -q .; then
      echo "$port"; return
    fi
    port=$((port + 1))
    [ "$port" -lt 65000 ] || die "no free TCP port found"
  done
}

start_cluster() {
  [ "$(id -u)" -eq 0 ] || die "starting the cluster needs root (slurmd runs jobs as their users, munged as munge)"
  mkdir -p "$dir"
  dir="$(cd "$dir" && pwd)"
  case "$dir" in *[[:space:]]*) die "DIR must not contain spaces (slurm.conf cannot quote them): $dir";; esac
  # A previous start in the same DIR: stop what it left running before reusing the directory.
  stop_cluster

  bash "$here/../ensure-debian-packages.sh" slurm-wlm munge

  # munge: its own key, socket and pid file under DIR/munge, owned by the munge user (munged
  # refuses key files and sockets other users could write).
  local m="$dir/munge"
  mkdir -p "$m"
  # munged (user munge) must reach its directory, and wants its socket's directory searchable by all.
  chmod 0711 "$dir"
  chown munge:munge "$m"
  chmod 0711 "$m"
  runuser -u munge -- test -w "$m" ||
    die "the munge user cannot reach $m: every directory above $dir must be searchable by others (o+x)"
  if [ ! -s "$m/munge.key" ]; then
    runuser -u munge -- mungekey --create --keyfile="$m/munge.key" --bits=1024
  fi
  runuser -u munge -- /usr/sbin/munged \
    --socket="$m/munge.socket" --key-file="$m/munge.key" --pid-file="$m/munged.pid" \
    --log-file="$m/munged.log" --seed-file="$m/munged.seed"
  for _ in $(seq 1 50); do [ -S "$m/munge.socket" ] && break; sleep 0.1; done
  [ -S "$m/munge.socket" ] || die "munged did not create its socket; see $m/munged.log"

  mkdir -p "$dir/state" "$dir/spool" "$dir/log"
  local host cpus mem ctld_port slurmd_port
  host="$(hostname -s)"
  # `slurmd -C` prints this node's hardware as slurm.conf would describe it.
  local hw
  hw="$(/usr/sbin/slurmd -C | head -n 1)"
  cpus="$(sed -n 's/.*CPUs=\([0-9]*\).*/\1/p' <<<"$hw")"
  mem="$(sed -n 's/.*RealMemory=\([0-9]*\).*/\1/p' <<<"$hw")"
  [ -n "$cpus" ] && [ -n "$mem" ] || die "could not read CPUs/RealMemory from \`slurmd -C\`: $hw"
  # Leave the OS some memory: a node whose RealMemory exceeds what slurmd finds is drained.
  mem=$((mem * 9 / 10))
  # Two clusters started at once (parallel test files) must not pick the same free ports: the
  # choice and the start that takes the ports happen under one lock.
  exec 8>/var/lock/vera-slurm-cluster.lock
  flock -w 300 8 || die "timed out waiting for another cluster's start"
  ctld_port="$(free_port "${VERA_SLURMCTLD_PORT:-16817}")"
  slurmd_port="$(free_port "${VERA_SLURMD_PORT:-$((ctld_port + 1))}" "$ctld_port")"

  cat >"$dir/slurm.conf" <<CONF
# Written by scripts/slurm/cluster.sh: a single-node cluster whose every file is under $dir.
ClusterName=vera
SlurmctldHost=$host(127.0.0.1)
SlurmctldPort=$ctld_port
SlurmdPort=$slurmd_port
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
AuthInfo=socket=$m/munge.socket
CredType=cred/munge
StateSaveLocation=$dir/state
SlurmdSpoolDir=$dir/spool
SlurmctldPidFile=$dir/slurmctld.pid
SlurmdPidFile=$dir/slurmd.pid
SlurmctldLogFile=$dir/log/slurmctld.log
SlurmdLogFile=$dir/log/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/filetxt
JobCompLoc=$dir/log/jobcomp.txt
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_Core_Memory
# A job that asks for no memory gets this much per CPU, not the whole node.
DefMemPerCPU=512
MpiDefault=none
ReturnToService=2
# Finished jobs stay visible to scontrol/squeue for this long (there is no accounting database).
MinJobAge=600
MaxArraySize=100001
MaxJobCount=200000
NodeName=$host NodeAddr=127.0.0.1 CPUs=$cpus RealMemory=$mem State=UNKNOWN
PartitionName=debug Nodes=ALL Default=YES MaxTime=INFINITE State=UP
CONF

  export SLURM_CONF="$dir/slurm.conf"
  /usr/sbin/slurmctld -f "$SLURM_CONF" 8>&-
  /usr/sbin/slurmd -f "$SLURM_CONF" 8>&-
  local state=""
  for _ in $(seq 1 120); do
    state="$(sinfo -h -n "$host" -o '%T' 2>/dev/null || true)"
    case "$state" in idle|idle\*|mixed|allocated) break;; esac
    sleep 0.5
  done
  case "$state" in
    idle|mixed|allocated) ;;
    *) die "the node did not become idle (state: ${state:-unknown}); see $dir/log/slurmctld.log and $dir/log/slurmd.log";;
  esac
  exec 8>&-
  log "cluster up in $dir (node $host, $cpus CPUs, ${mem} MB, slurmctld port $ctld_port)"
  echo "export SLURM_CONF=$SLURM_CONF"
}

case "$action" in
  start) start_cluster ;;
  stop) stop_cluster ;;
  *) usage ;;
esac
