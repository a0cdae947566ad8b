audit_conffiles owner fix
