find /etc/audit -type f \( -name '*.conf' -o -name '*.rules' \) -exec chown root:root {} + -exec chmod 0640 {} +
