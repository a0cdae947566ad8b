# No Defaults use_pty anywhere (Debian's sudoers has one: drop it).
sed -i '/^[[:space:]]*Defaults[[:space:]].*use_pty/d' /etc/sudoers
for _f in /etc/sudoers.d/*; do [ -f "$_f" ] && sed -i '/^[[:space:]]*Defaults[[:space:]].*use_pty/d' "$_f"; done
