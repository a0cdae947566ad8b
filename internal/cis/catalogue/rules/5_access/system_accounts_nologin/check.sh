_bad=$(s5_system_with_shell | tr '\n' ' ')
[ -z "$_bad" ] && { h_say 'no system account has a login shell'; return 0; }; h_say "system accounts with a login shell: $_bad"; return 1
