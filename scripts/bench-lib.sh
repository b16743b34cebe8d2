# Shared by the bench scripts (sourced; WORK must name the run's scratch folder).

# best CMD...: run CMD three times and print "seconds peak_kib" of the fastest run, as GNU time
# reports them (wall clock, peak RSS). A run that fails stops the bench: the time of a command
# that did not do its work means nothing.
best() {
  local b="" m="" s k
  for _ in 1 2 3; do
    if ! /usr/bin/time -f "%e %M" -o "$WORK/t" "$@" >/dev/null 2>"$WORK/err"; then
      echo "bench: this command failed, so it is not timed: $*" >&2
      tail -5 "$WORK/err" >&2
      exit 1
    fi
    read -r s k < "$WORK/t"
    if [ -z "$b" ] || awk "BEGIN{exit !($s < $b)}"; then b=$s; m=$k; fi
  done
  echo "$b $m"
}
