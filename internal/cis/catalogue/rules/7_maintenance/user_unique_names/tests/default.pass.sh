[ -z "$(cut -d: -f1 /etc/passwd | sort | uniq -d)" ]
