sshd_installed || return 2
_v=$(sshd_value MaxStartups); h_say "sshd MaxStartups = $_v"
echo "$_v" | awk -F: '{ exit !(NF == 3 && $1 <= 10 && $2 <= 30 && $3 <= 60) }'
