# Outbound dropped by default, and no rule allows it.
kv_set /etc/default/ufw DEFAULT_OUTPUT_POLICY '"DROP"' = >/dev/null
