svc_mask netfilter-persistent.service
