audit_tools owner fix
