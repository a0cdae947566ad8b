maint_homes fix
