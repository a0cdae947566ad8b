# Readable by everyone.
[ -e "$V_path" ] || cp -p "${V_path%-}" "$V_path"
chmod 0644 "$V_path"
