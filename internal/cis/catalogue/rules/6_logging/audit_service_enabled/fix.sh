svc_enable auditd.service
