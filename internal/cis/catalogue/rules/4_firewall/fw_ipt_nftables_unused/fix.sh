svc_mask nftables.service
