[ -z "$(awk -F: '$1 == "shadow" { print $4 }' /etc/group)" ]
