# World-writable and owned by someone else.
[ -e "$V_path" ] || cp -p "${V_path%-}" "$V_path"
chmod 0666 "$V_path"
chown 1:1 "$V_path"
