# Only root can read it.
[ -e "$V_path" ] || cp -p "${V_path%-}" "$V_path"
chmod 0600 "$V_path"
chown root:root "$V_path"
