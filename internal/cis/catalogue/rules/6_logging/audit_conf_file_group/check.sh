audit_conffiles group check
