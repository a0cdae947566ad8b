_u=$(awk -F: '$4 == 0 && $1 !~ /^(root|sync|shutdown|halt|operator)$/ { print $1 }' /etc/passwd | tr '\n' ' ')
[ -z "$_u" ] && { h_say 'only root (and the sync/shutdown/halt/operator system accounts) has GID 0'; return 0; }; h_say "GID 0 accounts: $_u"; return 1
