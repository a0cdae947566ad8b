[ -z "$(ls /etc/apparmor.d/disable 2>/dev/null)" ]
