# The administrator set the value in journald.conf itself.
printf '%s=%s\n' "$V_key" "$V_value" >>/etc/systemd/journald.conf
