[ -z "$(cut -d: -f3 /etc/group | sort | uniq -d)" ]
