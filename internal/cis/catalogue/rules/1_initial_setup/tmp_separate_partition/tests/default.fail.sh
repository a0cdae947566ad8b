# /tmp neither in fstab nor mounted by an enabled tmp.mount.
sed -i '\#^[^#][^[:space:]]*[[:space:]]\+/tmp[[:space:]]#d' /etc/fstab
plat_svc_disable tmp.mount >/dev/null 2>&1 || true
