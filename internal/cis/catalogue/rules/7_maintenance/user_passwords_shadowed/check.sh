# shellcheck disable=SC2016 # an awk program: its $ are awk fields
maint_names 'accounts whose /etc/passwd password field is not x' awk -F: '$2 != "x" { print $1 }' /etc/passwd
