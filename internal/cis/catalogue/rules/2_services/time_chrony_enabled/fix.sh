svc_enable chrony.service
