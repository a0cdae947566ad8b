# nftables installed beside iptables, and enabled.
rt_packages nftables
plat_svc_enable nftables.service
