# Debian installs nftables.service disabled.
[ "$(plat_svc_state nftables.service)" = disabled ]
