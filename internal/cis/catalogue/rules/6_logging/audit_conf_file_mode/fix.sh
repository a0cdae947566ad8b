audit_conffiles mode fix
