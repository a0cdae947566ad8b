plat_svc_unmask systemd-journald.service
h_say 'unmasked systemd-journald.service (it is static: started by sockets at boot)'
