s5_system_with_shell | while read -r _u; do usermod -s "$(command -v nologin || echo /usr/sbin/nologin)" "$_u" && h_say "$_u: shell nologin"; done
