audit_conffiles owner check
