# shellcheck disable=SC2016 # an awk program: its $ are awk fields
maint_names 'accounts with an empty password field in /etc/shadow' awk -F: '$2 == "" { print $1 }' /etc/shadow
