maint_names 'accounts whose /etc/passwd password field is not x' awk -F: '$2 != "x" { print $1 }' /etc/passwd
