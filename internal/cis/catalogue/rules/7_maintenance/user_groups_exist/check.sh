# shellcheck disable=SC2016 # an awk program: its $ are awk fields
maint_names 'accounts whose primary GID is not in /etc/group' awk -F: 'NR == FNR { g[$3]; next } !($4 in g) { print $1 "(gid " $4 ")" }' /etc/group /etc/passwd
