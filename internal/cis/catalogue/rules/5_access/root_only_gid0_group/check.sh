_g=$(awk -F: '$3 == 0 { print $1 }' /etc/group | tr '\n' ' '); h_say "GID 0 groups: $_g"; [ "$_g" = "root " ]
