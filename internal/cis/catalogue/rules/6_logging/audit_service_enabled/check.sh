svc_enabled auditd.service
