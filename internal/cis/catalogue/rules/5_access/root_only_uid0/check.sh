_u=$(awk -F: '$3 == 0 { print $1 }' /etc/passwd | tr '\n' ' '); h_say "UID 0: $_u"; [ "$_u" = "root " ]
