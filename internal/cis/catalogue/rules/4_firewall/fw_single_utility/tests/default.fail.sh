# nftables is chosen and installed, but does not start at boot.
[ "$(plat_svc_state nftables.service)" = disabled ]
