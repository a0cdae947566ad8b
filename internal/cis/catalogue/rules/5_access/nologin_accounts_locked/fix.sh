s5_unlocked_nologin | while read -r _u; do usermod -L "$_u" && h_say "locked $_u"; done
