_bad=$(s5_unlocked_nologin | tr '\n' ' ')
[ -z "$_bad" ] && { h_say 'every account without a login shell is locked'; return 0; }; h_say "not locked: $_bad"; return 1
