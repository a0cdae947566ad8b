audit_tools group fix
