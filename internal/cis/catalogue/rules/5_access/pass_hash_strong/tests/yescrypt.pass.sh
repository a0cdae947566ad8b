# The administrator's own edit.
sed -i -E 's/^ENCRYPT_METHOD[[:space:]].*/ENCRYPT_METHOD YESCRYPT/' /etc/login.defs
grep -q '^ENCRYPT_METHOD YESCRYPT' /etc/login.defs
