audit_conffiles group fix
