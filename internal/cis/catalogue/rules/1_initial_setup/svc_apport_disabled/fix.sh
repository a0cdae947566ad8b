kv_set /etc/default/apport enabled 0 =
svc_mask apport.service apport-autoreport.path apport-autoreport.service
