# No Defaults use_pty anywhere (Debian's sudoers has one: drop it).
# A "Defaults !use_pty" line is not remediated: the fix adds use_pty in
# sudoers.d but leaves the other line, so the check keeps failing.
sed -i '/^[[:space:]]*Defaults[[:space:]].*use_pty/d' /etc/sudoers
for _f in /etc/sudoers.d/*; do [ -f "$_f" ] && sed -i '/^[[:space:]]*Defaults[[:space:]].*use_pty/d' "$_f"; done
