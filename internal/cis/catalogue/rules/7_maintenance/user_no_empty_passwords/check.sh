maint_names 'accounts with an empty password field in /etc/shadow' awk -F: '$2 == "" { print $1 }' /etc/shadow
