audit_conffiles mode check
