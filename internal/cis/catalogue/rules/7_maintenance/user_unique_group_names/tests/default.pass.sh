[ -z "$(cut -d: -f1 /etc/group | sort | uniq -d)" ]
