useradd -D -f 30
useradd -m -p "\$6\$rt\$0123456789abcdef" rt-user
awk -F: '$2 ~ /^\$/ { print $1 }' /etc/shadow | while read -r _u; do chage --inactive 30 "$_u"; done
