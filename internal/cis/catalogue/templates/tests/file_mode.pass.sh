# Stricter than required.
[ -e "$V_path" ] || cp -p "${V_path%-}" "$V_path"
chmod 0600 "$V_path"
chown "$V_owner:$V_group" "$V_path"
